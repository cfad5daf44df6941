/** What a Proteus PreKeyBundle says about itself (host.md §2, external-service-api.md §2). */
export interface DecodedPrekey {
  /** the prekey id embedded in the bundle (0..65535) */
  readonly prekeyId: number;
  /** lowercase hex of the 32-byte Ed25519 identity public key (64 characters) */
  readonly identityKeyHex: string;
}

/** Checks uploaded prekeys. A port because decoding needs a Proteus implementation (libsodium). */
export interface PrekeyValidator {
  /** the bundle's contents, or undefined when `base64` is not a base64 Proteus PreKeyBundle */
  decode(base64: string): DecodedPrekey | undefined;
}
