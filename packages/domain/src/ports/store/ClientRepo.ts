import type { Prekey } from '../ConversationHost.js';

/** id of the last-resort prekey: returned when no other is left, never consumed */
export const LAST_RESORT_PREKEY_ID = 65535;

export interface ClientRow {
  readonly userId: string;
  readonly id: string;
  readonly type: 'permanent' | 'temporary';
  readonly class: 'phone' | 'tablet' | 'desktop' | null;
  readonly label: string | null;
  /** ms */
  readonly createdAt: number;
}

/** Clients of users (and bots) and their prekeys (host.md §2). */
export interface ClientRepo {
  insert(client: ClientRow): Promise<void>;
  get(userId: string, clientId: string): Promise<ClientRow | undefined>;
  /** a user's clients, oldest first */
  listByUser(userId: string): Promise<ClientRow[]>;
  /** every client of these users */
  listByUsers(userIds: readonly string[]): Promise<ClientRow[]>;
  /** deletes the client and its prekeys; false when there was none */
  delete(userId: string, clientId: string): Promise<boolean>;
  /** deletes every client of the user and their prekeys */
  deleteAllOfUser(userId: string): Promise<void>;
  /** stores prekeys; a stored key with the same id is replaced */
  putPrekeys(userId: string, clientId: string, prekeys: readonly Prekey[]): Promise<void>;
  /** takes the lowest-numbered prekey (consumed), else the last-resort key (kept); undefined when it has none */
  claimPrekey(userId: string, clientId: string): Promise<Prekey | undefined>;
  /** ids of the stored prekeys, ascending, including the last-resort id */
  listPrekeyIds(userId: string, clientId: string): Promise<number[]>;
}
