import { Effect } from 'effect';
import { readOnly, transact, call } from '../effect/transact.js';
import { fail, type DomainError } from '../errors/DomainError.js';
import type { ConversationEvent } from '../host/events.js';
import type { ConversationHost, HostConversation, HostUser } from '../ports/ConversationHost.js';
import type { OutboundResult } from '../ports/ServiceClient.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';
import type { ServiceRecord } from '../service/model.js';
import { prekeyProblem } from '../host/prekeyCheck.js';
import { mintToken } from '../token/tokens.js';
import { onAnswered, onBroken, recordError } from './breaker.js';
import { endpointOf } from './endpoint.js';
import type { ServiceHealth } from './health.js';
import { updateHealth } from './healthStore.js';
import { MAX_CONV_SIZE } from './limits.js';
import { parseNewBotResponse, type NewBotResponse } from './newBotResponse.js';
import { createBotCall } from './outboundCalls.js';
import { botConvView, botUserView } from './views.js';

export interface AddBotInput {
  readonly actor: string;
  readonly convId: string;
  readonly providerId: string;
  readonly serviceId: string;
  readonly locale?: string;
}

export interface AddedBot {
  readonly id: string;
  readonly client: string;
  readonly name: string;
  readonly accent_id: number;
  readonly assets: readonly unknown[];
  readonly event: ConversationEvent;
}

interface Checked {
  readonly user: HostUser;
  readonly conv: HostConversation;
  readonly service: ServiceRecord;
}

const badGateway = (cause: string) => fail('bad-gateway', `The upstream service returned an invalid response: ${cause}`);

/** bots.md §2 checks 1–9, in order; run before calling the service and again inside the commit. */
const checkPreconditions = (host: ConversationHost, tx: Tx, input: AddBotInput): Effect.Effect<Checked, DomainError> =>
  Effect.gen(function* () {
    const user = yield* call(() => host.getUser(tx, input.actor));
    if (!user || user.deleted) return yield* Effect.fail(fail('invalid-user', 'Invalid user'));
    const conv = yield* call(() => host.getConversation(tx, input.actor, input.convId));
    if (!conv) return yield* Effect.fail(fail('not-found', 'Conversation not found'));
    const me = conv.members.find((m) => m.id === input.actor);
    if (!me || me.role !== 'wire_admin') return yield* Effect.fail(fail('access-denied', 'Access denied.'));
    if (conv.type !== 0) return yield* Effect.fail(fail('invalid-conversation', 'The operation is not allowed in this conversation.'));
    if (conv.members.length >= MAX_CONV_SIZE)
      return yield* Effect.fail(fail('too-many-members', 'Maximum number of members per conversation reached.'));
    if (!conv.accessRole.includes('service'))
      return yield* Effect.fail(fail('invalid-conversation', 'The operation is not allowed in this conversation.'));
    const service = yield* call(() => tx.services.get(input.serviceId));
    if (!service || service.providerId !== input.providerId || service.state === 'deleting')
      return yield* Effect.fail(fail('not-found', 'Service not found.'));
    if (service.state !== 'enabled') return yield* Effect.fail(fail('service-disabled', 'The desired service is currently disabled.'));
    if (conv.team !== null && !(yield* call(() => tx.services.isWhitelisted(conv.team!, service.id))))
      return yield* Effect.fail(
        fail('service-not-whitelisted', 'The desired service is not on the whitelist of allowed services for this team.'),
      );
    return { user, conv, service };
  });

/** Random non-zero 64-bit client id, lowercase hex without leading zeros. */
export const newClientId = (deps: Deps): string => {
  for (;;) {
    const hex = Buffer.from(deps.random.bytes(8)).toString('hex').replace(/^0+/, '');
    if (hex) return hex;
  }
};

/** The breaker sees the outcome of POST /bots like a delivery's (§2 "Outcome", last bullet). */
const withCreateOutcome = (h: ServiceHealth, r: OutboundResult, cause: string | undefined, now: number): ServiceHealth => {
  const broken = !r.ok || r.status >= 500;
  const next = broken ? onBroken(h, 'create', now) : onAnswered(h);
  return cause ? recordError(next, cause, now) : next;
};

const applyCreateOutcome = (deps: Deps, tx: Tx, serviceId: string, r: OutboundResult, cause: string | undefined) =>
  Effect.asVoid(updateHealth(tx, serviceId, (h) => withCreateOutcome(h, r, cause, deps.clock.now())));

/** Records the outcome on its own, when no bot is committed. */
const recordCreateOutcome = (deps: Deps, serviceId: string, r: OutboundResult, cause: string | undefined) =>
  transact(deps.store, (tx) => applyCreateOutcome(deps, tx, serviceId, r, cause));

/** Prekey bundles must decode with matching ids; declared identity fingerprints must cover every bundle. */
const checkBundles = (deps: Deps, service: ServiceRecord, resp: NewBotResponse): 'MalformedPrekeys' | 'IdentityFingerprintMismatch' | undefined => {
  for (const p of [...resp.prekeys, resp.lastPrekey]) {
    const problem = prekeyProblem(deps.prekeyValidator, p, service.identityFingerprints);
    if (problem) return problem === 'malformed' ? 'MalformedPrekeys' : 'IdentityFingerprintMismatch';
  }
  return undefined;
};

/**
 * bots.md §2. The service is called outside any transaction; the bot exists only once step 12 commits, in
 * one transaction with its user, client, membership, member-join event and deliveries. A failure leaves nothing.
 */
export const addBot = (deps: Deps, host: ConversationHost, input: AddBotInput): Effect.Effect<AddedBot, DomainError> =>
  Effect.gen(function* () {
    const { user, conv, service } = yield* readOnly(deps.store, (tx) => checkPreconditions(host, tx, input));
    const botId = deps.random.uuidV4();
    const clientId = newClientId(deps);
    const token = mintToken(deps.signer, { type: 'b', providerId: service.providerId, botId, convId: conv.id }, -1);
    const request = {
      id: botId,
      client: clientId,
      origin: botUserView(user),
      conversation: botConvView(conv, deps.policy.domain, { first: user.id }),
      token,
      locale: input.locale ?? user.locale,
    };
    const result = yield* createBotCall(deps, endpointOf(service), JSON.stringify(request));

    let failure: DomainError | undefined;
    let cause: string | undefined;
    let resp: NewBotResponse | undefined;
    if (!result.ok) cause = result.cause;
    else if (result.status === 409) failure = fail('too-many-bots', 'Maximum number of bots for the service reached.');
    else if (result.status !== 201) cause = `status ${result.status}`;
    else if (result.tooLarge) cause = 'InvalidResponse';
    else {
      const parsed = parseNewBotResponse(result.body);
      if (typeof parsed === 'string') cause = parsed;
      else {
        cause = checkBundles(deps, service, parsed);
        resp = parsed;
      }
    }
    if (failure || cause || !resp) yield* recordCreateOutcome(deps, service.id, result, cause);
    if (failure) return yield* Effect.fail(failure);
    if (cause || !resp) {
      deps.logger.warn({ serviceId: service.id, cause, detail: result.ok ? undefined : result.detail }, 'bot creation failed');
      return yield* Effect.fail(badGateway(cause ?? 'InvalidResponse'));
    }
    const answer = resp;
    return yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        const again = yield* checkPreconditions(host, tx, input);
        const svc = again.service;
        const name = answer.name ?? svc.name;
        const accentId = answer.accentId ?? 0;
        const assets = answer.assets ?? svc.assets;
        const serviceRef = { id: svc.id, provider: svc.providerId };
        yield* call(() =>
          tx.bots.insert({
            id: botId,
            clientId,
            providerId: svc.providerId,
            serviceId: svc.id,
            convId: again.conv.id,
            teamId: again.conv.team,
            createdAt: deps.clock.now(),
            state: 'live',
          }),
        );
        yield* call(() => host.createBotUser(tx, { id: botId, name, accentId, assets, service: serviceRef, locale: 'en' }));
        yield* call(() => host.createBotClient(tx, botId, { id: clientId, prekeys: answer.prekeys, lastPrekey: answer.lastPrekey }));
        const event = yield* call(() => host.addBotMember(tx, user.id, again.conv.id, botId, serviceRef));
        // the service answered (breaker reset), and a bot was created: "last_success_at … or bot created"
        const created = deps.clock.now();
        yield* updateHealth(tx, svc.id, (h) => ({ ...withCreateOutcome(h, result, undefined, created), lastSuccessAt: created }));
        return { id: botId, client: clientId, name, accent_id: accentId, assets, event };
      }),
      // the commit's re-check failed: the answer still counts for the breaker, in a transaction of its own
    ).pipe(Effect.tapError(() => recordCreateOutcome(deps, service.id, result, undefined)));
  });
