import type { PlatformSimulation, ScriptedCall } from '@spp/adapters';
import { botConversation, botSelf, PROVIDER_TRANSITIONS, SERVICE_TRANSITIONS, type BotCredentials } from '@spp/domain';
import { matchReceived, sigOf, type MBot, type Model } from './model.js';

/** The system under test, as the commands see it. */
export interface Real {
  readonly sim: PlatformSimulation;
  /** statuses seen at the previous step, to check every change against the transition tables */
  readonly seen: { providers: Map<string, string>; services: Map<string, string>; bots: Map<string, string> };
  /** the fake services' event deliveries, per bot, in call order */
  readonly deliveries: Map<string, ScriptedCall[]>;
  indexed: number;
}

export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

function fail(what: string): never {
  throw new InvariantViolation(what);
}

const tableEdges = (pairs: readonly (readonly [string, string])[]) => new Set(pairs.map(([a, b]) => `${a}->${b}`));

/** (from, to) pairs of providers.md §1 (staff mode), `none` for a row that does not exist */
const PROVIDER_EDGES = tableEdges(
  PROVIDER_TRANSITIONS.map((t) => [t.from, typeof t.to === 'string' ? t.to : t.to.staff] as const),
);
/** services.md §1 */
const SERVICE_EDGES = tableEdges(SERVICE_TRANSITIONS.map((t) => [t.from ?? 'none', t.to ?? 'none'] as const));
const BOT_EDGES = tableEdges([
  ['none', 'live'],
  ['live', 'removed'],
]);

const checkEdge = (kind: string, edges: Set<string>, seen: Map<string, string>, id: string, now: string) => {
  const before = seen.get(id) ?? 'none';
  if (before !== now && !edges.has(`${before}->${now}`)) fail(`${kind} ${id} went ${before} -> ${now}, which its transition table does not allow`);
  seen.set(id, now);
};

const isSuccess = (c: ScriptedCall) => c.result?.ok === true && c.result.status >= 200 && c.result.status < 300;
const isGone = (c: ScriptedCall) => c.result?.ok === true && c.result.status === 410;
/** an answer the engine does not retry (external-service-api.md §3) */
const isFinalAnswer = (c: ScriptedCall) =>
  c.result !== undefined &&
  (c.result.ok ? c.result.status < 500 : c.result.cause !== 'ConnectionFailure' && c.result.cause !== 'TlsHandshakeFailed' && c.result.cause !== 'timeout');

/** Adds calls made since the last step to the per-bot index and marks services whose answers may open their breaker. */
export const absorbCalls = (m: Model, r: Real): void => {
  const calls = r.sim.services.calls;
  for (let i = r.indexed; i < calls.length; i++) {
    const c = calls[i]!;
    const s = m.services.find((x) => x.id === c.serviceId);
    const broken = c.result !== undefined && (!c.result.ok || c.result.status >= 500);
    if (s && broken) s.mayBePenalised = true;
    if (c.kind !== 'messages' || c.botId === undefined) continue;
    const list = r.deliveries.get(c.botId) ?? [];
    list.push(c);
    r.deliveries.set(c.botId, list);
  }
  r.indexed = calls.length;
};

/** Signatures of the events `b`'s service received (reached it, answered or not), each delivery item once. */
export const receivedSigs = (r: Pick<Real, 'deliveries'>, b: { readonly id: string }): string[] => {
  const seen = new Set<string | undefined>();
  const out: string[] = [];
  for (const c of r.deliveries.get(b.id) ?? []) {
    if (!c.reached || seen.has(c.deliveryId)) continue;
    seen.add(c.deliveryId);
    out.push(sigOf(c.json));
  }
  return out;
};

/**
 * What one bot's service saw, call by call: items one at a time in order (a new delivery id never returns to an
 * earlier one), at most 1 + 3 attempts each, no attempt after a final answer, nothing after a 410.
 * Returns the first violation, or undefined.
 */
export const botCallViolation = (botId: string, calls: readonly ScriptedCall[]): string | undefined => {
  const finished = new Set<string>();
  let current: string | undefined;
  let attempts = 0;
  let goneAt: number | undefined;
  for (const c of calls) {
    const id = c.deliveryId;
    if (id === undefined) return `a delivery to bot ${botId} without X-Delivery-Id`;
    if (goneAt !== undefined)
      return `bot ${botId}: call ${c.seq} (${c.eventType}) after the service answered 410 to call ${goneAt}; its queue must be discarded`;
    if (id !== current) {
      if (current !== undefined) finished.add(current);
      if (finished.has(id)) return `bot ${botId}: delivery ${id} was sent again after later items (call ${c.seq}): FIFO broken or redelivered`;
      current = id;
      attempts = 0;
    } else if (finished.has(id)) return `bot ${botId}: delivery ${id} attempted again (call ${c.seq}) after a final answer`;
    if (++attempts > 4) return `bot ${botId}: delivery ${id} attempted ${attempts} times (at most 1 + 3 retries)`;
    if (isFinalAnswer(c)) finished.add(id);
    if (isGone(c)) goneAt = c.seq;
  }
  return undefined;
};

/** No delivery id serves two bots. */
export const sharedDeliveryId = (deliveries: ReadonlyMap<string, readonly ScriptedCall[]>): string | undefined => {
  const owner = new Map<string, string>();
  for (const [botId, calls] of deliveries)
    for (const c of calls) {
      const prev = owner.get(c.deliveryId!);
      if (prev !== undefined && prev !== botId) return `delivery id ${c.deliveryId} used for bots ${prev} and ${botId}`;
      owner.set(c.deliveryId!, botId);
    }
  return undefined;
};

/** FIFO per bot, bounded retries, no redelivery, nothing after a 410, and nothing the model did not expect. */
const checkDeliveries = (m: Model, r: Real) => {
  const shared = sharedDeliveryId(r.deliveries);
  if (shared) fail(shared);
  for (const b of m.bots) {
    const violation = botCallViolation(b.id, r.deliveries.get(b.id) ?? []);
    if (violation) fail(violation);
    const received = receivedSigs(r, b);
    const match = matchReceived(b.expected, received);
    if (!match.ok)
      fail(
        `bot ${b.id} received ${match.unexpected} (#${match.position}) out of order or unexpected; ` +
          `received [${received.join(' ')}], model expects [${b.expected.map((e) => e.sig).join(' ')}]`,
      );
  }
};

const readAll = async (r: Real, m: Model) =>
  r.sim.deps.store.read(async (tx) => ({
    providers: await Promise.all(m.providers.map((p) => tx.providers.get(p.id))),
    services: await Promise.all(m.services.map((s) => tx.services.get(s.id))),
    whitelisted: await Promise.all(m.services.map((s) => tx.services.isWhitelisted(m.teamId, s.id))),
    bots: await Promise.all(m.bots.map((b) => tx.bots.get(b.id))),
    botUsers: await Promise.all(m.bots.map((b) => tx.users.get(b.id))),
    botClients: await Promise.all(m.bots.map((b) => tx.clients.listByUser(b.id))),
    convs: await Promise.all(m.convs.map((c) => tx.conversations.get(c.id))),
    members: await Promise.all(m.convs.map((c) => tx.conversations.listMembers(c.id))),
    memberOf: await Promise.all(m.bots.map((b) => tx.conversations.listIdsOfMember(b.id))),
    liveBots: await tx.bots.countLive(),
  }));

const credsOf = (r: Real, b: MBot): BotCredentials => r.sim.act.botCredentials(b.token);

/** Checks run after every command. */
export const checkStep = async (m: Model, r: Real): Promise<void> => {
  absorbCalls(m, r);
  if (m.violations.length > 0) fail(`fake services saw what they must not: ${m.violations.join('; ')}`);
  const faults = r.sim.faults;
  if (faults.length > 0) fail(`platform faults: ${faults.map((f) => `${f.message} ${JSON.stringify(f.detail)}`).join('; ')}`);

  const s = await readAll(r, m);
  m.providers.forEach((p, i) => {
    const stored = s.providers[i];
    const status = p.status === 'purged' ? 'none' : p.status;
    if ((stored?.status ?? 'none') !== status) fail(`provider ${p.id}: store says ${stored?.status ?? 'none'}, model ${status}`);
    checkEdge('provider', PROVIDER_EDGES, r.seen.providers, p.id, status);
  });
  m.services.forEach((sv, i) => {
    const state = sv.state === 'gone' ? 'none' : sv.state;
    if ((s.services[i]?.state ?? 'none') !== state) fail(`service ${sv.id}: store says ${s.services[i]?.state ?? 'none'}, model ${state}`);
    checkEdge('service', SERVICE_EDGES, r.seen.services, sv.id, state);
    if (sv.state !== 'gone' && s.whitelisted[i] !== sv.whitelisted) fail(`service ${sv.id}: whitelisted ${s.whitelisted[i]}, model ${sv.whitelisted}`);
  });
  const liveInModel = m.bots.filter((b) => b.state === 'live').length;
  if (s.liveBots !== liveInModel) fail(`${s.liveBots} live bots stored, model has ${liveInModel} (a failed add left a bot behind, or a removal did not take)`);
  m.bots.forEach((b, i) => {
    const stored = s.bots[i];
    if (stored?.state !== b.state) fail(`bot ${b.id}: store says ${stored?.state}, model ${b.state}`);
    checkEdge('bot', BOT_EDGES, r.seen.bots, b.id, b.state);
    const conv = m.convs[b.convIdx]!;
    const memberOf = s.memberOf[i]!;
    if (b.state === 'live') {
      if (memberOf.length !== 1 || memberOf[0] !== conv.id) fail(`live bot ${b.id} is a member of [${memberOf}], expected [${conv.id}]`);
      const svc = m.serviceOf(b);
      if (conv.team && !s.whitelisted[b.serviceIdx]) fail(`bot ${b.id} of a service its team does not whitelist is still in team conversation ${conv.id}`);
    } else {
      if (memberOf.length !== 0) fail(`removed bot ${b.id} is still a member of [${memberOf}]`);
      if (!s.botUsers[i]?.deleted) fail(`removed bot ${b.id}: its user is not marked deleted`);
      if (s.botClients[i]!.length !== 0) fail(`removed bot ${b.id} still has clients`);
    }
  });
  m.convs.forEach((c, i) => {
    if (c.deleted) {
      if (s.convs[i] !== undefined) fail(`conversation ${c.id} should be deleted`);
      return;
    }
    const stored = s.members[i]!.map((x) => `${x.userId}:${x.role}:${x.service ? 'bot' : 'user'}`).join(' ');
    const model = c.members.map((x) => `${x.id}:${x.role}:${x.bot ? 'bot' : 'user'}`).join(' ');
    if (stored !== model) fail(`conversation ${c.id} members (join order): store [${stored}], model [${model}]`);
  });

  // a removed bot's token is refused; a live bot's token sees its conversation as the model does
  for (const b of m.bots) {
    const creds = credsOf(r, b);
    const view = await r.sim.attempt(botConversation(r.sim.deps, r.sim.host, creds));
    if (b.state === 'removed') {
      if (view.ok || view.error.label !== 'no-conversation') fail(`removed bot ${b.id}: GET /bot/conversation answered ${view.ok ? 'OK' : view.error.label}`);
      const self = await r.sim.attempt(botSelf(r.sim.deps, r.sim.host, creds));
      if (self.ok || self.error.label !== 'invalid-bot') fail(`removed bot ${b.id}: GET /bot/self answered ${self.ok ? 'OK' : self.error.label}`);
    } else {
      if (!view.ok) fail(`live bot ${b.id}: GET /bot/conversation refused with ${view.error.label}`);
      const others = m.convs[b.convIdx]!.members.filter((x) => x.id !== b.id).map((x) => x.id).join(',');
      const seen = view.value.members.map((x) => x.id).join(',');
      if (seen !== others) fail(`live bot ${b.id} sees members [${seen}], model [${others}]`);
    }
  }

  checkDeliveries(m, r);

  const sent = new Map<string, number>();
  for (const x of r.sim.mail.sent) {
    const k = `${x.mail.to.toLowerCase()}|${x.purpose}`;
    sent.set(k, (sent.get(k) ?? 0) + 1);
    if (sent.get(k)! > (m.mails.get(k) ?? 0)) fail(`mail ${k} sent ${sent.get(k)} times, expected ${m.mails.get(k) ?? 0}`);
  }
};

/** Checks after settle(): the queues are empty and nothing acknowledged was lost. */
export const checkSettled = async (m: Model, r: Real): Promise<void> => {
  absorbCalls(m, r);
  const pending = await r.sim.pendingDeliveries();
  if (pending !== 0) fail(`${pending} delivery items still queued after settling`);

  for (const b of m.bots) {
    const match = matchReceived(b.expected, receivedSigs(r, b));
    if (!match.ok) continue; // reported by the step check
    for (let i = b.settled; i < b.expected.length; i++) {
      const e = b.expected[i]!;
      if (!e.mayDrop && !match.matched.has(i))
        fail(
          `bot ${b.id}: ${e.sig} was acknowledged to its sender and the service was reachable throughout, but it never arrived ` +
            `(lost, or bots were removed in another order than the spec's)`,
        );
    }
  }

  // no bot of a deleted service or provider remains once the deletion jobs ran
  for (const b of m.bots) {
    if (b.state !== 'live') continue;
    const svc = m.serviceOf(b);
    if (svc.state === 'deleting' || svc.state === 'gone' || m.providerOf(svc).status === 'deleted')
      fail(`bot ${b.id} of a deleted service or provider is still live after the deletion jobs ran`);
  }

  // health counters account for every item the fake services answered (nothing counted twice or missed)
  const finals = new Map<string, { serviceId: string; call: ScriptedCall }>();
  for (const calls of r.deliveries.values()) for (const c of calls) finals.set(c.deliveryId!, { serviceId: c.serviceId, call: c });
  const counts = new Map<string, { delivered: number; gone: number; failed: number }>();
  for (const { serviceId, call } of finals.values()) {
    const k = counts.get(serviceId) ?? { delivered: 0, gone: 0, failed: 0 };
    if (isSuccess(call)) k.delivered++;
    else if (isGone(call)) k.gone++;
    else k.failed++;
    counts.set(serviceId, k);
  }
  const health = await r.sim.deps.store.read((tx) => Promise.all(m.services.map((s) => tx.services.getHealth(s.id))));
  m.services.forEach((s, i) => {
    if (s.state === 'gone') return;
    const h = health[i];
    const want = counts.get(s.id) ?? { delivered: 0, gone: 0, failed: 0 };
    if (!h || h.delivered !== want.delivered || h.gone !== want.gone || h.failed !== want.failed)
      fail(
        `service ${s.id} health counts delivered/gone/failed ${h?.delivered}/${h?.gone}/${h?.failed}, ` +
          `its fake answered ${want.delivered}/${want.gone}/${want.failed}`,
      );
  });

  // every queued mail was sent, or is still queued (SMTP outage, backoff)
  const queued = await r.sim.deps.store.read((tx) => tx.mails.list(10_000));
  const have = new Map<string, number>();
  const add = (k: string) => have.set(k, (have.get(k) ?? 0) + 1);
  for (const x of r.sim.mail.sent) add(`${x.mail.to.toLowerCase()}|${x.purpose}`);
  for (const q of queued) add(`${q.mail.to.toLowerCase()}|${q.purpose}`);
  for (const [k, n] of m.mails) if ((have.get(k) ?? 0) !== n) fail(`mail ${k}: ${have.get(k) ?? 0} sent or queued, expected ${n}`);
  for (const k of have.keys()) if (!m.mails.has(k)) fail(`unexpected mail ${k}`);
};
