import { Effect } from 'effect';
import { call, readOnly, transact } from '../effect/transact.js';
import { badRequest, fail, type DomainError } from '../errors/DomainError.js';
import type { Prekey } from '../ports/ConversationHost.js';
import { LAST_RESORT_PREKEY_ID, type ClientRow } from '../ports/store/ClientRepo.js';
import type { Deps } from '../platform.js';
import { randomClientId } from './ids.js';
import { prekeyProblem } from './prekeyCheck.js';
import { MAX_PERMANENT_CLIENTS } from './rules.js';
import { activeUser } from './users.js';
import { clientView, pubClientView } from './views.js';

const clientNotFound = () => fail('client-not-found', 'Client not found');

/** "Every key must be a base64 Proteus PreKeyBundle with matching id" (host.md §2) — else 400 bad-request. */
export const checkPrekeyBundles = (deps: Deps, prekeys: readonly Prekey[]): Effect.Effect<void, DomainError> => {
  for (const p of prekeys) if (prekeyProblem(deps.prekeyValidator, p)) return Effect.fail(badRequest('Malformed prekeys uploaded'));
  return Effect.void;
};

export interface NewClientInput {
  readonly type: 'permanent' | 'temporary';
  readonly class?: 'phone' | 'tablet' | 'desktop';
  readonly label?: string;
  /** ids 0..65534 */
  readonly prekeys: readonly Prekey[];
  /** id 65535 */
  readonly lastPrekey: Prekey;
}

/**
 * `POST /clients`: bundles checked, then at most 7 permanent clients (403 too-many-clients); a new temporary
 * client replaces the previous one, which counts as deleted.
 */
export const addUserClient = (deps: Deps, uid: string, input: NewClientInput) =>
  Effect.gen(function* () {
    if (input.lastPrekey.id !== LAST_RESORT_PREKEY_ID) return yield* Effect.fail(badRequest(`lastkey: id must be ${LAST_RESORT_PREKEY_ID}`));
    if (input.prekeys.some((p) => p.id < 0 || p.id >= LAST_RESORT_PREKEY_ID))
      return yield* Effect.fail(badRequest('prekeys: ids must be 0..65534'));
    yield* checkPrekeyBundles(deps, [...input.prekeys, input.lastPrekey]);
    return yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        yield* activeUser(tx, uid);
        const existing = yield* call(() => tx.clients.listByUser(uid));
        if (input.type === 'permanent' && existing.filter((c) => c.type === 'permanent').length >= MAX_PERMANENT_CLIENTS)
          return yield* Effect.fail(fail('too-many-clients', 'Too many clients'));
        if (input.type === 'temporary')
          for (const old of existing.filter((c) => c.type === 'temporary')) yield* call(() => tx.clients.delete(uid, old.id));
        let id = randomClientId(deps.random);
        while (existing.some((c) => c.id === id)) id = randomClientId(deps.random);
        const client: ClientRow = {
          userId: uid,
          id,
          type: input.type,
          class: input.class ?? null,
          label: input.label ?? null,
          createdAt: deps.clock.now(),
        };
        yield* call(() => tx.clients.insert(client));
        yield* call(() => tx.clients.putPrekeys(uid, id, [...input.prekeys, input.lastPrekey]));
        return clientView(client);
      }),
    );
  });

/** `GET /clients` */
export const listUserClients = (deps: Deps, uid: string) =>
  readOnly(deps.store, (tx) => Effect.map(call(() => tx.clients.listByUser(uid)), (cs) => cs.map(clientView)));

/** `DELETE /clients/{client}`: the client and its prekeys */
export const deleteUserClient = (deps: Deps, uid: string, clientId: string) =>
  transact(deps.store, (tx) =>
    Effect.flatMap(call(() => tx.clients.delete(uid, clientId)), (deleted) => (deleted ? Effect.void : Effect.fail(clientNotFound()))),
  );

/** `GET /users/{uid}/clients`: `[]` for unknown users */
export const listPublicClients = (deps: Deps, uid: string, domain?: string) =>
  readOnly(deps.store, (tx) =>
    domain !== undefined && domain !== deps.policy.domain
      ? Effect.succeed([])
      : Effect.map(call(() => tx.clients.listByUser(uid)), (cs) => cs.map(pubClientView)),
  );

/** `GET /users/{uid}/prekeys/{client}`: claims one prekey (the last-resort key is never consumed) */
export const claimUserPrekey = (deps: Deps, uid: string, clientId: string, domain?: string) =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const known = domain === undefined || domain === deps.policy.domain ? yield* call(() => tx.clients.get(uid, clientId)) : undefined;
      const prekey = known ? yield* call(() => tx.clients.claimPrekey(uid, clientId)) : undefined;
      if (!prekey) return yield* Effect.fail(clientNotFound());
      return { client: clientId, prekey };
    }),
  );
