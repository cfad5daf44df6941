import fc from 'fast-check';
import { createSimulation, scripted, type PlatformSimulation, type ScriptedCall, type SimBot, type SimService, type SimUser } from '@spp/adapters';
import {
  addBot,
  botConversation,
  botDeleteSelf,
  botPostMessage,
  deleteProvider,
  deleteService,
  postOtrMessage,
  removeBotByUser,
  updateConversationAccess,
  updateServiceConnection,
  updateWhitelist,
  type DomainError,
  type ServiceClient,
} from '@spp/domain';
import type { Effect } from 'effect';
import { describe, expect, it } from 'vitest';
import { botCallViolation, receivedSigs, sharedDeliveryId } from './invariants.js';
import { RUNS, TIMEOUT_MS } from './runs.js';

/**
 * Concurrent deliveries and removals, ordered by fc.scheduler: every action's start, every answer a fake service
 * gives and every tick of the clock is a task the scheduler releases in an order it chooses (and shrinks). Whatever
 * the order, the platform must keep the invariants that do not depend on it.
 */

type Action =
  | { kind: 'send'; user: number; conv: number }
  | { kind: 'botSend'; bot: number }
  | { kind: 'removeBot'; bot: number }
  | { kind: 'botLeaves'; bot: number }
  | { kind: 'enabled'; service: number; on: boolean }
  | { kind: 'rotateToken'; service: number }
  | { kind: 'deleteService'; service: number }
  | { kind: 'whitelist'; service: number; on: boolean }
  | { kind: 'addBot'; service: number; conv: number }
  | { kind: 'mode'; service: number; mode: 'ok' | 'gone' | 'error' | 'hang' | 'slow' }
  | { kind: 'access'; conv: number; withService: boolean }
  | { kind: 'deleteProvider' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('send' as const), user: fc.nat(1), conv: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('botSend' as const), bot: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('removeBot' as const), bot: fc.nat(3) }) },
  fc.record({ kind: fc.constant('botLeaves' as const), bot: fc.nat(3) }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('enabled' as const), service: fc.nat(1), on: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rotateToken' as const), service: fc.nat(1) }) },
  fc.record({ kind: fc.constant('deleteService' as const), service: fc.nat(1) }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('whitelist' as const), service: fc.nat(1), on: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addBot' as const), service: fc.nat(1), conv: fc.nat(1) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('mode' as const), service: fc.nat(1), mode: fc.constantFrom('ok' as const, 'gone' as const, 'error' as const, 'hang' as const, 'slow' as const) }),
  },
  fc.record({ kind: fc.constant('access' as const), conv: fc.nat(1), withService: fc.boolean() }),
  fc.record({ kind: fc.constant('deleteProvider' as const) }),
);

/** One action as it ran: where the fake services' call log stood when it started and when it was answered. */
interface Ran {
  readonly action: Action;
  readonly label: string;
  /** length of the call log when it started / was answered */
  startedAt: number;
  endedAt: number;
  /** order of those two moments among all actions' */
  startK: number;
  endK: number;
  ok: boolean;
  value: unknown;
  /** the token a rotation installed */
  token?: string;
  /** message text, and which bots it was addressed to */
  text?: string;
  to?: readonly string[];
}

/** Holds every fake-service answer until the scheduler releases it (while `on`). */
const scheduledAnswers = (s: fc.Scheduler, on: () => boolean) => (inner: ServiceClient): ServiceClient => ({
  post: async (endpoint, request) => {
    const result = await inner.post(endpoint, request);
    return on() ? s.schedule(Promise.resolve(result), `answer ${request.path}`) : result;
  },
  closeService: (id) => inner.closeService(id),
  close: () => inner.close(),
});

interface World {
  readonly sim: PlatformSimulation;
  readonly owner: SimUser;
  readonly member: SimUser;
  readonly team: string;
  readonly provider: { id: string; email: string; password: string };
  readonly services: SimService[];
  readonly convs: string[];
  readonly bots: SimBot[];
  /** bearer tokens each fake service accepts */
  readonly accepts: Map<string, string[]>;
  /** what each fake service answers to deliveries */
  readonly modes: Map<string, 'ok' | 'gone' | 'error' | 'hang' | 'slow'>;
}

const deliveryAnswer = (mode: 'ok' | 'gone' | 'error' | 'hang' | 'slow') =>
  mode === 'ok' ? scripted.ok() : mode === 'gone' ? scripted.gone() : mode === 'error' ? scripted.serverError(503) : mode === 'hang' ? scripted.hang() : scripted.slow(1_500);

/**
 * Two services of one provider, both whitelisted; a team conversation with bots a1, a2 (service A) and b1 (B), a
 * non-team conversation with a3 (A). Their member-joins are delivered before the concurrent part starts.
 */
const buildWorld = async (seed: number, s: fc.Scheduler, scheduling: () => boolean): Promise<World> => {
  const sim = await createSimulation({ seed, wrap: { serviceClient: scheduledAnswers(s, scheduling) } });
  const owner = await sim.act.user('Owner');
  const member = await sim.act.user('Member');
  const team = await sim.act.team(owner);
  await sim.act.teamMember(owner, team, member, 'member');
  const provider = await sim.act.provider();
  const accepts = new Map<string, string[]>();
  const modes = new Map<string, 'ok' | 'gone' | 'error' | 'hang' | 'slow'>();
  const services: SimService[] = [];
  for (let i = 0; i < 2; i++) {
    const svc = await sim.act.service(provider, { name: `Svc ${i}` });
    accepts.set(svc.id, [svc.authToken]);
    modes.set(svc.id, 'ok');
    sim.services.update(svc.id, {
      bots: (call) => (accepts.get(svc.id)!.includes(call.bearer) ? scripted.created() : scripted.status(401)),
      messages: (call) => (accepts.get(svc.id)!.includes(call.bearer) ? deliveryAnswer(modes.get(svc.id)!) : scripted.status(401)),
    });
    await sim.act.whitelist(owner, team, svc, true);
    services.push(svc);
  }
  const convs = [await sim.act.conversation(owner, { team, users: [member.id], conversationRole: 'wire_member' }), await sim.act.conversation(owner, { users: [member.id] })];
  const bots = [
    await sim.act.addBot(owner, convs[0]!, services[0]!),
    await sim.act.addBot(owner, convs[0]!, services[0]!),
    await sim.act.addBot(owner, convs[0]!, services[1]!),
    await sim.act.addBot(owner, convs[1]!, services[0]!),
  ];
  await sim.settle();
  return { sim, owner, member, team, provider, services, convs, bots, accepts, modes };
};

const b64 = (t: string) => Buffer.from(t, 'utf8').toString('base64');

/** every client of every member but the sender's, read when the action starts */
const everyoneBut = (w: World, convId: string, senderUser: string, senderClient: string, text: string) =>
  w.sim.deps.store.read(async (tx) => {
    const members = await tx.conversations.listMembers(convId);
    const out: Record<string, Record<string, string>> = {};
    for (const c of await tx.clients.listByUsers(members.map((m) => m.userId)))
      if (!(c.userId === senderUser && c.id === senderClient)) (out[c.userId] ??= {})[c.id] = b64(text);
    return out;
  });

let texts = 0;

/** Runs one action through its use case; returns what it did for the checks. */
const perform = async (w: World, a: Action, ran: Ran): Promise<void> => {
  const { sim } = w;
  const attempt = async <A>(e: Effect.Effect<A, DomainError>) => {
    const out = await sim.outcome(e);
    ran.ok = out.ok;
    ran.value = out.ok ? out.value : out.error.label;
  };
  const svc = 'service' in a ? w.services[a.service]! : undefined;
  switch (a.kind) {
    case 'send': {
      const user = a.user === 0 ? w.owner : w.member;
      const conv = w.convs[a.conv]!;
      const text = `t${++texts}`;
      const recipients = await everyoneBut(w, conv, user.id, user.clientId, text);
      ran.text = text;
      ran.to = Object.keys(recipients);
      return attempt(postOtrMessage(sim.deps, sim.host, user.id, conv, { sender: user.clientId, recipients, transient: false }, { kind: 'ignore-all' }));
    }
    case 'botSend': {
      const bot = w.bots[a.bot]!;
      const text = `t${++texts}`;
      const recipients = await everyoneBut(w, bot.convId, bot.id, bot.client, text);
      ran.text = text;
      ran.to = Object.keys(recipients);
      return attempt(botPostMessage(sim.deps, sim.host, sim.act.botCredentials(bot.token), { sender: bot.client, recipients, transient: false }, { kind: 'ignore-all' }));
    }
    case 'removeBot': {
      const bot = w.bots[a.bot]!;
      return attempt(removeBotByUser(sim.deps, sim.host, w.owner.id, bot.convId, bot.id));
    }
    case 'botLeaves':
      return attempt(botDeleteSelf(sim.deps, sim.host, sim.act.botCredentials(w.bots[a.bot]!.token)));
    case 'enabled':
      return attempt(updateServiceConnection(sim.deps, w.provider.id, svc!.id, { password: w.provider.password, enabled: a.on }));
    case 'rotateToken': {
      const token = `rotated-${++texts}`;
      const current = (await sim.deps.store.read((tx) => tx.services.get(svc!.id)))?.authTokens[0];
      w.accepts.get(svc!.id)!.push(token);
      ran.token = token;
      return attempt(
        updateServiceConnection(sim.deps, w.provider.id, svc!.id, { password: w.provider.password, authTokens: current ? [token, current] : [token] }),
      );
    }
    case 'deleteService':
      return attempt(deleteService(sim.deps, w.provider.id, svc!.id, w.provider.password));
    case 'whitelist':
      return attempt(updateWhitelist(sim.deps, sim.host, w.owner.id, w.team, { providerId: w.provider.id, serviceId: svc!.id, whitelisted: a.on }));
    case 'addBot':
      await attempt(addBot(sim.deps, sim.host, { actor: w.owner.id, convId: w.convs[a.conv]!, providerId: w.provider.id, serviceId: svc!.id }));
      return;
    case 'mode':
      w.modes.set(svc!.id, a.mode);
      ran.ok = true;
      return;
    case 'access':
      return attempt(
        updateConversationAccess(sim.deps, sim.host, w.owner.id, w.convs[a.conv]!, {
          access: ['invite'],
          accessRole: a.withService ? ['team_member', 'non_team_member', 'service'] : ['team_member', 'non_team_member'],
        }),
      );
    case 'deleteProvider':
      return attempt(deleteProvider(sim.deps, w.provider.id, w.provider.password));
  }
};

const immediate = () => new Promise<void>((r) => setImmediate(r));

/** Runs the actions concurrently, the scheduler deciding every order; then lets everything settle. */
const runConcurrently = async (w: World, s: fc.Scheduler, actions: readonly Action[], stopScheduling: () => void): Promise<Ran[]> => {
  const { sim } = w;
  const log = () => sim.services.calls.length;
  let moment = 0;
  const ran: Ran[] = actions.map((a, i) => ({
    action: a,
    label: `#${i} ${JSON.stringify(a)}`,
    startedAt: -1,
    endedAt: -1,
    startK: -1,
    endK: -1,
    ok: false,
    value: undefined,
  }));
  let pending = ran.length;
  for (const r of ran)
    void s
      .schedule(Promise.resolve(), `start ${r.label}`)
      .then(async () => {
        r.startedAt = log();
        r.startK = ++moment;
        await perform(w, r.action, r);
        r.endedAt = log();
        r.endK = ++moment;
      })
      .finally(() => pending--);
  let tick = false;
  const drive = async (): Promise<boolean> => {
    if (sim.clock.sleeping > 0 && !tick) {
      tick = true;
      void s.schedule(Promise.resolve(), 'clock tick').then(() => {
        tick = false;
        sim.clock.advanceToNextWake();
      });
    }
    if (s.count() === 0) return false;
    await s.waitNext(1);
    return true;
  };
  for (let round = 0; pending > 0 || s.count() > 0 || sim.engine.busy > 0; round++) {
    if (round > 20_000) throw new Error('the concurrent part did not finish');
    await sim.settle({ drive });
    if (!(await drive())) await immediate();
  }
  stopScheduling();
  await sim.settle();
  return ran;
};

/** Calls (any kind) to a service, by call sequence number. */
const callsTo = (sim: PlatformSimulation, serviceId: string): ScriptedCall[] => sim.services.calls.filter((c) => c.serviceId === serviceId);

const check = async (w: World, ran: readonly Ran[]): Promise<void> => {
  const { sim } = w;
  expect(sim.faults).toEqual([]);
  const byBot = new Map<string, ScriptedCall[]>();
  for (const c of sim.services.calls) if (c.kind === 'messages' && c.botId) byBot.set(c.botId, [...(byBot.get(c.botId) ?? []), c]);

  // FIFO per bot, bounded retries, no redelivery, nothing after a 410; one delivery id per item
  expect(sharedDeliveryId(byBot)).toBeUndefined();
  for (const [botId, calls] of byBot) expect(botCallViolation(botId, calls)).toBeUndefined();
  for (const calls of byBot.values()) {
    const delivered = new Map<string, number>();
    for (const c of calls) if (c.result?.ok && c.result.status < 300) delivered.set(c.deliveryId!, (delivered.get(c.deliveryId!) ?? 0) + 1);
    for (const [id, n] of delivered) expect(n, `delivery ${id} delivered ${n} times`).toBe(1);
  }

  const stored = await sim.deps.store.read(async (tx) => {
    const bots = [];
    for (const c of sim.services.calls) if (c.kind === 'bots' && c.result?.ok && c.result.status === 201) bots.push((c.json as { id: string }).id);
    const all = [...new Set([...w.bots.map((b) => b.id), ...bots])];
    return Promise.all(
      all.map(async (id) => {
        const bot = (await tx.bots.get(id))!;
        const svc = bot && (await tx.services.get(bot.serviceId));
        const provider = await tx.providers.get(w.provider.id);
        return {
          id,
          bot,
          svc,
          provider,
          memberOf: await tx.conversations.listIdsOfMember(id),
          whitelisted: bot?.teamId ? await tx.services.isWhitelisted(bot.teamId, bot.serviceId) : true,
        };
      }),
    );
  });
  for (const x of stored) {
    if (!x.bot) continue; // a bot answered 201 whose commit was refused: it must not exist, and it does not
    if (x.bot.state === 'live') {
      // no bot of a deleted, de-whitelisted or provider-deleted service remains in any conversation
      expect(x.svc && x.svc.state !== 'deleting', `live bot ${x.id} of a deleted service`).toBeTruthy();
      expect(x.provider?.status, `live bot ${x.id} of a deleted provider`).not.toBe('deleted');
      expect(x.whitelisted, `live bot ${x.id} of a service its team de-whitelisted`).toBe(true);
      expect(x.memberOf).toEqual([x.bot.convId]);
    } else {
      expect(x.memberOf, `removed bot ${x.id} is still a member`).toEqual([]);
      // a removed bot's token is refused
      const creds = { providerId: x.bot.providerId, botId: x.id, convId: x.bot.convId };
      const view = await sim.attempt(botConversation(sim.deps, sim.host, creds));
      expect(view.ok ? 'ok' : view.error.label).toBe('no-conversation');
    }
  }

  for (const svc of w.services) {
    const calls = callsTo(sim, svc.id);
    // a disabled or deleted service receives nothing once the change was acknowledged (until it is enabled again)
    for (const r of ran) {
      const off =
        r.ok && ((r.action.kind === 'enabled' && !r.action.on) || r.action.kind === 'deleteService' || r.action.kind === 'deleteProvider');
      const target = r.action.kind === 'deleteProvider' || ('service' in r.action && w.services[r.action.service] === svc);
      if (!off || !target) continue;
      const enables = ran.filter((e) => e.ok && e.action.kind === 'enabled' && e.action.on && 'service' in e.action && w.services[e.action.service] === svc);
      if (enables.some((e) => e.startK < r.endK && e.endK > r.endK)) continue; // an enable raced with it
      const until = Math.min(...enables.filter((e) => e.startK > r.endK).map((e) => e.startedAt), Infinity);
      const late = calls.filter((c) => c.seq > r.endedAt && c.seq <= until);
      expect(late.map((c) => `${c.kind} call ${c.seq}`), `${svc.id} got calls after ${r.label} was acknowledged`).toEqual([]);
    }
    // after a token rotation was acknowledged, requests carry the new token (until the next rotation)
    const rotations = ran.filter((r) => r.ok && r.action.kind === 'rotateToken' && w.services[r.action.service] === svc);
    for (const r of rotations) {
      const next = Math.min(...rotations.filter((x) => x.startK > r.endK).map((x) => x.startedAt), Infinity);
      const stale = calls.filter((c) => c.seq > r.endedAt && c.seq <= next && c.bearer !== r.token);
      expect(stale.map((c) => `${c.kind} call ${c.seq}`), `${svc.id} was called with an old token after ${r.label}`).toEqual([]);
    }
  }

  // a bot removed with its own member-leave gets nothing after that final event
  for (const bot of w.bots) {
    const sigs = receivedSigs({ deliveries: byBot }, bot);
    const final = sigs.indexOf(`leave:${bot.id}`);
    if (final >= 0) expect(sigs.slice(final + 1), `bot ${bot.id} got events after its final member-leave`).toEqual([]);
  }

  // nothing acknowledged is lost: an undisturbed bot gets every message that was accepted for it, exactly once
  const disturbed = new Set<string>();
  for (const r of ran) {
    const a = r.action;
    if (a.kind === 'removeBot' || a.kind === 'botLeaves') disturbed.add(w.bots[a.bot]!.id);
    if (a.kind === 'access' || a.kind === 'deleteProvider') w.bots.forEach((b) => disturbed.add(b.id));
    if ('service' in a && a.kind !== 'addBot' && a.kind !== 'rotateToken')
      for (const b of w.bots) if (b.serviceId === w.services[a.service]!.id) disturbed.add(b.id);
  }
  for (const bot of w.bots) {
    if (disturbed.has(bot.id)) continue;
    const got = receivedSigs({ deliveries: byBot }, bot);
    for (const r of ran) {
      if (!r.ok || !r.text || !r.to?.includes(bot.id)) continue;
      const mismatch = (r.value as { mismatch: { deleted: Record<string, string[]> } }).mismatch;
      if (mismatch.deleted[bot.id]?.includes(bot.client)) continue;
      expect(got.filter((x) => x === `otr:${b64(r.text!)}`), `bot ${bot.id} did not get ${r.label} exactly once`).toHaveLength(1);
    }
  }
};

describe('interleavings of concurrent deliveries and removals (fc.scheduler)', () => {
  it(
    'keep order, exactly-once delivery, cascades and refusals whatever the order',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(action, { minLength: 1, maxLength: 6 }), async (s, seed, actions) => {
          let scheduling = false;
          const w = await buildWorld(seed, s, () => scheduling);
          try {
            // traffic queued before the concurrent part, so deliveries are in flight while things change
            await w.sim.act.send(w.member, w.convs[0]!, 'warm-up');
            scheduling = true;
            const ran = await runConcurrently(w, s, actions, () => (scheduling = false));
            await check(w, ran);
          } finally {
            await w.sim.close();
          }
        }),
        { numRuns: RUNS.interleavings },
      );
    },
    TIMEOUT_MS,
  );
});
