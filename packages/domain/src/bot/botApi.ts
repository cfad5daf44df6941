import { Effect } from 'effect';
import { call, readOnly, transact } from '../effect/transact.js';
import { fail, type DomainError } from '../errors/DomainError.js';
import { prekeyProblem } from '../host/prekeyCheck.js';
import { isoTime } from '../shared/time.js';
import type { ClientMismatch, ConversationHost, MissingStrategy, OtrMessage, Prekey } from '../ports/ConversationHost.js';
import type { Deps } from '../platform.js';
import { liveBot, resolveBotIn, type BotCredentials, type BotRouteKind, type LiveBot } from './botAccess.js';
import { MAX_CONV_SIZE } from './limits.js';
import { removeBot } from './removeBot.js';
import { botConvView, botUserView } from './views.js';

const withBot = <A>(
  deps: Deps,
  host: ConversationHost,
  creds: BotCredentials,
  kind: BotRouteKind,
  f: (live: LiveBot, tx: Parameters<Parameters<typeof readOnly>[1]>[0]) => Effect.Effect<A, DomainError>,
  write = false,
) => (write ? transact : readOnly)(deps.store, (tx) => Effect.flatMap(resolveBotIn(host, tx, creds, kind), (live) => f(live, tx)));

/** Checks a bot route's credentials without doing anything else (runs before body validation). */
export const checkBot = (deps: Deps, host: ConversationHost, creds: BotCredentials, kind: BotRouteKind) =>
  Effect.asVoid(liveBot(deps.store, host, creds, kind));

const sharing = (live: LiveBot) => new Set(live.conv.members.map((m) => m.id));

export const botSelf = (deps: Deps, host: ConversationHost, creds: BotCredentials) =>
  withBot(deps, host, creds, 'self', (live, tx) =>
    Effect.gen(function* () {
      const u = yield* call(() => host.getUser(tx, live.bot.id));
      if (!u) return yield* Effect.fail(fail('not-found', 'User not found'));
      return {
        id: u.id,
        qualified_id: { id: u.id, domain: deps.policy.domain },
        name: u.name,
        accent_id: u.accentId,
        assets: u.assets,
        ...(u.service ? { service: u.service } : {}),
      };
    }),
  );

export const botDeleteSelf = (deps: Deps, host: ConversationHost, creds: BotCredentials) =>
  // only GET /bot/self has its own column in bots.md §6; DELETE answers as the other bot routes
  withBot(deps, host, creds, 'other', (live, tx) => Effect.asVoid(removeBot(host, tx, live.bot, live.bot.id, 'own-leave')), true);

export const botClient = (deps: Deps, host: ConversationHost, creds: BotCredentials) =>
  withBot(deps, host, creds, 'client', (live, tx) =>
    Effect.gen(function* () {
      const c = yield* call(() => host.getClient(tx, live.bot.id, live.bot.clientId));
      if (!c) return yield* Effect.fail(fail('client-not-found', 'Client not found'));
      return { id: c.id, type: c.type, time: isoTime(c.time) };
    }),
  );

export const botPrekeyIds = (deps: Deps, host: ConversationHost, creds: BotCredentials) =>
  withBot(deps, host, creds, 'other', (live, tx) =>
    Effect.map(call(() => host.listPrekeyIds(tx, live.bot.id, live.bot.clientId)), (ids) => [...ids].sort((a, b) => a - b)),
  );

export const botAddPrekeys = (deps: Deps, host: ConversationHost, creds: BotCredentials, prekeys: readonly Prekey[]) =>
  withBot(
    deps,
    host,
    creds,
    'other',
    (live, tx) =>
      Effect.gen(function* () {
        const service = yield* call(() => tx.services.get(live.bot.serviceId));
        const declared = service?.identityFingerprints ?? [];
        if (prekeys.some((p) => prekeyProblem(deps.prekeyValidator, p, declared)))
          return yield* Effect.fail(fail('bad-request', 'Malformed prekeys uploaded'));
        yield* call(() => host.addPrekeys(tx, live.bot.id, live.bot.clientId, prekeys));
      }),
    true,
  );

export const botClaimPrekeys = (
  deps: Deps,
  host: ConversationHost,
  creds: BotCredentials,
  request: Readonly<Record<string, readonly string[]>>,
) =>
  withBot(
    deps,
    host,
    creds,
    'other',
    (live, tx) =>
      Effect.gen(function* () {
        const users = Object.keys(request);
        if (users.length > MAX_CONV_SIZE) return yield* Effect.fail(fail('too-many-clients', 'Too many clients'));
        const members = sharing(live);
        const allowed: Record<string, readonly string[]> = {};
        for (const u of users) if (members.has(u)) allowed[u] = request[u]!;
        const claimed = yield* call(() => host.claimPrekeys(tx, allowed));
        const out: Record<string, Record<string, Prekey | null>> = {};
        for (const u of users) {
          out[u] = {};
          for (const c of request[u]!) out[u]![c] = claimed[u]?.[c] ?? null;
        }
        return out;
      }),
    true,
  );

export const botUsers = (deps: Deps, host: ConversationHost, creds: BotCredentials, ids: readonly string[]) =>
  withBot(deps, host, creds, 'other', (live, tx) =>
    Effect.gen(function* () {
      const members = sharing(live);
      const wanted = [...new Set(ids)].filter((id) => members.has(id));
      const users = yield* call(() => host.getUsers(tx, wanted));
      return users.map(botUserView);
    }),
  );

export const botUserClients = (deps: Deps, host: ConversationHost, creds: BotCredentials, uid: string) =>
  withBot(deps, host, creds, 'other', (live, tx) =>
    Effect.gen(function* () {
      if (!sharing(live).has(uid)) return [];
      const clients = yield* call(() => host.listClients(tx, uid));
      return clients.map((c) => ({ id: c.id, ...(c.class ? { class: c.class } : {}) }));
    }),
  );

export const botConversation = (deps: Deps, host: ConversationHost, creds: BotCredentials) =>
  Effect.map(liveBot(deps.store, host, creds, 'conversation'), (live) => botConvView(live.conv, deps.policy.domain, { exclude: live.bot.id }));

export const botPostMessage = (
  deps: Deps,
  host: ConversationHost,
  creds: BotCredentials,
  message: OtrMessage,
  strategy: MissingStrategy,
): Effect.Effect<{ status: 201 | 412; mismatch: ClientMismatch }, DomainError> =>
  withBot(
    deps,
    host,
    creds,
    'conversation',
    (live, tx) =>
      Effect.gen(function* () {
        if (message.sender !== live.bot.clientId) return yield* Effect.fail(fail('unknown-client', 'Unknown Client'));
        return yield* call(() => host.postMessage(tx, { user: live.bot.id, client: live.bot.clientId }, live.bot.convId, message, strategy));
      }),
    true,
  );
