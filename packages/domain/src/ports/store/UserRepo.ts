import type { ServiceRef } from '../ConversationHost.js';

export type TeamRole = 'owner' | 'admin' | 'member';

/** A user of the built-in host (host.md §1). Bots are users with a `service` and no e-mail. */
export interface UserRow {
  readonly id: string;
  readonly name: string;
  /** as given (trimmed); null for bots and deleted users */
  readonly email: string | null;
  /** uniqueness key of `email`; null frees the address (bots, deleted users) */
  readonly emailKey: string | null;
  readonly passwordHash: string | null;
  readonly handle: string | null;
  readonly accentId: number;
  readonly assets: readonly unknown[];
  readonly locale: string;
  /** the one team the user belongs to, with its role there */
  readonly team: string | null;
  readonly teamRole: TeamRole | null;
  readonly service: ServiceRef | null;
  readonly deleted: boolean;
  /** ms */
  readonly createdAt: number;
}

/** Users of the built-in host. */
export interface UserRepo {
  insert(user: UserRow): Promise<void>;
  /** replaces the stored row with the same id */
  update(user: UserRow): Promise<void>;
  get(id: string): Promise<UserRow | undefined>;
  /** the known ones among `ids`, in no particular order */
  getMany(ids: readonly string[]): Promise<UserRow[]>;
  findByEmailKey(emailKey: string): Promise<UserRow | undefined>;
  findByHandle(handle: string): Promise<UserRow | undefined>;
  /** members of a team, oldest first */
  listByTeam(teamId: string): Promise<UserRow[]>;
}
