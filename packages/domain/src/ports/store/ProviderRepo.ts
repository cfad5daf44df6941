import type { ProviderStatus } from '../../provider/states.js';

/** A provider account as stored (providers.md). `email` is the unverified address while `registered`. */
export interface ProviderRecord {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  /** lowercased trimmed e-mail: the uniqueness key while the e-mail is verified */
  readonly emailKey: string;
  readonly url: string;
  readonly description: string;
  readonly passwordHash: string;
  readonly status: ProviderStatus;
  /** ms */
  readonly createdAt: number;
  readonly verifiedAt: number | null;
  /** last approval or rejection (auto mode: the verification) */
  readonly decidedAt: number | null;
  /** rejection reason while `rejected` */
  readonly reason: string | null;
  readonly deletedAt: number | null;
}

/** Sort position in the staff listing: (createdAt, id). */
export interface ProviderCursor {
  readonly createdAt: number;
  readonly id: string;
}

export interface ProviderRepo {
  insert(p: ProviderRecord): Promise<void>;
  /** replaces the row with the same id */
  update(p: ProviderRecord): Promise<void>;
  /** any provider, deleted ones included */
  get(id: string): Promise<ProviderRecord | undefined>;
  /** the non-deleted provider whose verified e-mail has this key (status active, approved or rejected) */
  findByVerifiedEmailKey(emailKey: string): Promise<ProviderRecord | undefined>;
  /** `registered` providers whose unverified e-mail has this key */
  listRegisteredByEmailKey(emailKey: string): Promise<ProviderRecord[]>;
  /** `registered` providers created at or before `createdAtOrBefore`, oldest first */
  listRegisteredBefore(createdAtOrBefore: number, limit: number): Promise<ProviderRecord[]>;
  /** non-deleted providers (optionally of one status) sorted by (createdAt, id), strictly after `after` */
  list(query: { status?: ProviderStatus; after?: ProviderCursor; limit: number }): Promise<ProviderRecord[]>;
  /** removes the row for good (purge of never-verified registrations) */
  remove(id: string): Promise<void>;
}
