export interface PasswordCheck {
  readonly ok: boolean;
  /** the stored hash uses weaker parameters or an imported format and should be replaced */
  readonly needsRehash: boolean;
}

/** Password hashing (scrypt in production). Hashes are self-describing strings. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<PasswordCheck>;
  /** A fixed hash to verify against when there is no account, so every login costs the same. */
  readonly dummyHash: string;
}
