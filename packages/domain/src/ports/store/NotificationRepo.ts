/** One entry of a user's notification stream (host.md §7). */
export interface NotificationRow {
  readonly userId: string;
  /** position in the user's stream: 1, 2, 3… in commit order */
  readonly seq: number;
  /** the time-ordered UUID clients see */
  readonly id: string;
  /** set for otr-message-add: the recipient client (omitted for the user's other clients when asked) */
  readonly client: string | null;
  /** the event JSON */
  readonly payload: unknown;
  /** ms */
  readonly createdAt: number;
}

/** Per-user notification streams. */
export interface NotificationRepo {
  /** appends at the end of the user's stream; returns its position */
  append(entry: Omit<NotificationRow, 'seq'>): Promise<number>;
  /** notification `id` of the user's stream, undefined when it is not there */
  get(userId: string, id: string): Promise<NotificationRow | undefined>;
  /** up to `limit` entries after position `afterSeq` (0 = from the start), oldest first; with `client`, entries for
   *  the user's other clients are skipped; entries created before `notBefore` are skipped */
  page(userId: string, afterSeq: number, client: string | undefined, notBefore: number, limit: number): Promise<NotificationRow[]>;
  /** deletes the user's entries created before `before` (ms); returns how many */
  purgeBefore(userId: string, before: number): Promise<number>;
  /** deletes up to `limit` entries of any user created before `before` (ms), oldest first; returns how many */
  purgeAllBefore(before: number, limit: number): Promise<number>;
}
