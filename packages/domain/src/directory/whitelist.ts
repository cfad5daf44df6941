import { Effect } from 'effect';
import { removeServiceBotsInTeam } from '../bot/cascades.js';
import { call, readOnly, transact } from '../effect/transact.js';
import { fail, notFound, type DomainError } from '../errors/DomainError.js';
import type { Deps } from '../platform.js';
import type { ConversationHost } from '../ports/ConversationHost.js';
import { queryDigest } from './cursor.js';
import { cursorPosition, toPage, type ServiceProfilePage } from './page.js';
import { checkPrefix } from './searchDirectory.js';

export interface WhitelistQuery {
  readonly prefix?: string;
  /** true hides disabled services (the default) */
  readonly filterDisabled: boolean;
  readonly size: number;
  readonly cursor?: string;
}

/** `GET /teams/{tid}/services/whitelisted`: any member of the team may read its whitelist. */
export const listWhitelisted = (
  deps: Deps,
  host: ConversationHost,
  userId: string,
  teamId: string,
  q: WhitelistQuery,
): Effect.Effect<ServiceProfilePage, DomainError> =>
  Effect.gen(function* () {
    const prefix = yield* checkPrefix('prefix', q.prefix);
    const digest = queryDigest({ q: 'whitelist', team: teamId, prefix: prefix ?? null, filterDisabled: q.filterDisabled });
    const after = yield* cursorPosition(q.cursor, digest);
    return yield* readOnly(deps.store, (tx) =>
      Effect.gen(function* () {
        const role = yield* call(() => host.getTeamRole(tx, teamId, userId));
        if (role === undefined) return yield* Effect.fail(fail('insufficient-permissions', 'Insufficient permissions'));
        const rows = yield* call(() =>
          tx.services.searchWhitelist({
            teamId,
            includeDisabled: !q.filterDisabled,
            limit: q.size + 1,
            ...(prefix !== undefined ? { prefix } : {}),
            ...(after !== undefined ? { after } : {}),
          }),
        );
        return toPage(rows, q.size, digest);
      }),
    );
  });

export interface WhitelistChange {
  readonly providerId: string;
  readonly serviceId: string;
  readonly whitelisted: boolean;
}

/**
 * `POST /teams/{tid}/services/whitelist`. Checks in order: owner/admin of the team → service exists and is not
 * deleting. De-whitelisting removes the service's bots from the team's conversations in the same transaction.
 * Returns whether anything changed (200) or not (204).
 */
export const updateWhitelist = (
  deps: Deps,
  host: ConversationHost,
  userId: string,
  teamId: string,
  change: WhitelistChange,
): Effect.Effect<boolean, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const role = yield* call(() => host.getTeamRole(tx, teamId, userId));
      if (role !== 'owner' && role !== 'admin') return yield* Effect.fail(fail('insufficient-permissions', 'Insufficient team permissions'));
      const s = yield* call(() => tx.services.get(change.serviceId));
      if (!s || s.providerId !== change.providerId || s.state === 'deleting') return yield* Effect.fail(notFound('Service not found.'));
      if (change.whitelisted) return yield* call(() => tx.services.addToWhitelist(teamId, s.id, deps.clock.now()));
      const removed = yield* call(() => tx.services.removeFromWhitelist(teamId, s.id));
      if (removed) yield* removeServiceBotsInTeam(deps, host, tx, s.id, teamId, userId);
      return removed;
    }),
  );
