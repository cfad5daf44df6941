import { Effect } from 'effect';
import { call, transact } from '../effect/transact.js';
import type { Deps } from '../platform.js';
import { isoTime } from '../shared/time.js';
import { NOTIFICATION_RETENTION_MS } from './rules.js';

export interface NotificationQuery {
  /** a notification id (normalised) */
  readonly since?: string;
  readonly client?: string;
  readonly size: number;
}

/**
 * Housekeeping: entries past the retention, of every user, `limit` at a time (a user who never reads would
 * otherwise keep them). Returns how many went.
 */
export const purgeOldNotifications = (deps: Deps, limit: number) =>
  transact(deps.store, (tx) => call(() => tx.notifications.purgeAllBefore(deps.clock.now() - NOTIFICATION_RETENTION_MS, limit)));

/**
 * `GET /notifications` (host.md §7): the caller's stream after `since`, without other clients' otr-message-add
 * when `client` is given. An unknown or purged `since` answers 404 with the page from the oldest kept entry.
 * Entries older than the retention are purged here, for the caller's stream.
 */
export const listNotifications = (deps: Deps, uid: string, q: NotificationQuery) =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const now = deps.clock.now();
      const notBefore = now - NOTIFICATION_RETENTION_MS;
      yield* call(() => tx.notifications.purgeBefore(uid, notBefore));
      const since = q.since === undefined ? undefined : yield* call(() => tx.notifications.get(uid, q.since!));
      const found = q.since === undefined || (since !== undefined && since.createdAt >= notBefore);
      const rows = yield* call(() => tx.notifications.page(uid, found && since ? since.seq : 0, q.client, notBefore, q.size + 1));
      const page = rows.slice(0, q.size);
      return {
        status: found ? (200 as const) : (404 as const),
        body: {
          notifications: page.map((n) => ({ id: n.id, payload: n.payload })),
          has_more: rows.length > q.size,
          time: isoTime(now),
        },
      };
    }),
  );
