/** What a verification code proves when it is checked (providers.md §3). */
export type CodePurpose = 'activation' | 'approval';

export interface CodeRecord {
  /** 20 base64url characters derived from the e-mail key (activation) or the provider id (approval) */
  readonly key: string;
  readonly purpose: CodePurpose;
  readonly code: string;
  readonly providerId: string;
  /** activation: the address being verified; approval: the provider's e-mail at the time */
  readonly email: string;
  /** ms */
  readonly createdAt: number;
  readonly expiresAt: number;
  /** wrong tries left; 0 = dead */
  readonly triesLeft: number;
  /** set when the code was used (it is kept until it expires) */
  readonly usedAt: number | null;
}

export interface CodeRepo {
  /** inserts or replaces the code with the same key */
  put(code: CodeRecord): Promise<void>;
  get(key: string): Promise<CodeRecord | undefined>;
  delete(key: string): Promise<void>;
  listByProvider(providerId: string): Promise<CodeRecord[]>;
  /** removes codes with expiresAt < now; returns how many */
  deleteExpired(now: number): Promise<number>;
}
