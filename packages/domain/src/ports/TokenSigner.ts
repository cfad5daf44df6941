/** Ed25519 signing over an append-only key list (k = 1-based index; new tokens use the newest key). */
export interface TokenSigner {
  /** index of the newest key */
  readonly currentKeyIndex: number;
  sign(data: Uint8Array): Uint8Array;
  /** false when `keyIndex` names no key or the signature does not verify */
  verify(keyIndex: number, data: Uint8Array, signature: Uint8Array): boolean;
}
