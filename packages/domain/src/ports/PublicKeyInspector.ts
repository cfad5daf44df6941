/** What a DER SubjectPublicKeyInfo turned out to be. */
export interface SpkiInfo {
  /** the key algorithm as the crypto library names it: `rsa`, `rsa-pss`, `ec`, `ed25519`, `dsa`… */
  readonly type: string;
  /** modulus bits for RSA keys, else undefined */
  readonly bits: number | undefined;
  /** the canonical DER re-encoding (as `openssl pkey -pubin -outform der` writes it) */
  readonly der: Uint8Array;
}

/** Public-key parsing and hashing (node:crypto in production); the PEM rules themselves are pure domain code. */
export interface PublicKeyInspector {
  /** undefined when `der` is not exactly one well-formed SubjectPublicKeyInfo */
  inspectSpki(der: Uint8Array): SpkiInfo | undefined;
  sha256(data: Uint8Array): Uint8Array;
}
