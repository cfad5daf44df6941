import { CapturingMailTransport, createSimulation, scripted, SimulationClock, type PlatformSimulation } from '@spp/adapters';
import { addBot, DomainError, getOwnService, type Store } from '@spp/domain';
import { Effect } from 'effect';
import { describe, expect, it } from 'vitest';

/** A small fixed scenario: one provider, one service, two users, a bot, a message, a retry. */
const scenario = async (sim: PlatformSimulation) => {
  const provider = await sim.act.provider({ approve: 'link' });
  const svc = await sim.act.service(provider);
  const alice = await sim.act.user('Alice');
  const bob = await sim.act.user('Bob');
  const conv = await sim.act.conversation(alice, { users: [bob.id] });
  const bot = await sim.act.addBot(alice, conv, svc);
  sim.services.update(svc.id, { messages: scripted.sequence(scripted.ok(), scripted.serverError(502), scripted.ok()) });
  await sim.act.send(bob, conv, 'hi');
  await sim.settle();
  return { provider, svc, alice, bob, conv, bot };
};

/** what the outside world saw: every request to the fake services and every mail */
const observed = (sim: PlatformSimulation) => ({
  calls: sim.services.calls.map((c) => ({ url: c.url, body: c.body, bearer: c.bearer, id: c.deliveryId, at: c.at, result: c.result })),
  mails: sim.mail.sent.map((m) => ({ id: m.id, to: m.mail.to, subject: m.mail.subject, headers: m.mail.headers, text: m.mail.text })),
});

describe('simulation harness', () => {
  it('replays from its seed: the same steps give byte-identical requests, tokens and mails; another seed differs', async () => {
    const runs = [];
    for (const seed of [7, 7, 8]) {
      const sim = await createSimulation({ seed });
      const world = await scenario(sim);
      runs.push({ world, seen: observed(sim) });
      await sim.close();
    }
    expect(runs[0]!.seen.calls.length).toBeGreaterThan(3);
    expect(runs[1]!.seen).toEqual(runs[0]!.seen);
    expect(runs[1]!.world.bot.token).toBe(runs[0]!.world.bot.token);
    expect(runs[2]!.world.bot.id).not.toBe(runs[0]!.world.bot.id);
  });

  it('settle() moves the clock through a hanging service: 4 attempts of 5 s, 1 s apart, then the item fails', async () => {
    const sim = await createSimulation({ seed: 1 });
    const provider = await sim.act.provider();
    const svc = await sim.act.service(provider, { script: { messages: scripted.hang() } });
    const alice = await sim.act.user();
    const conv = await sim.act.conversation(alice);
    const bot = await sim.act.addBot(alice, conv, svc);
    const report = await sim.settle();
    expect(report.elapsedMs).toBe(4 * 5_000 + 3 * 1_000);
    expect(sim.services.deliveriesTo(bot.id).map((d) => d.result)).toEqual(
      Array(4).fill({ ok: false, cause: 'timeout', beforeConnect: false, detail: 'deadline of 5000 ms passed' }),
    );
    expect(sim.deliveryOutcomes).toEqual([{ outcome: 'failed', serviceId: svc.id }]);
    const view = await sim.run(getOwnService(sim.deps, provider.id, svc.id));
    expect(view.health).toMatchObject({ failed: 1, consecutive_failures: 1, last_error: 'timeout' });
    expect(await sim.pendingDeliveries()).toBe(0);
    await sim.close();
  });

  it('attempt() answers the spec label of a refusal; run() throws it; a hanging POST /bots times out on the clock', async () => {
    const sim = await createSimulation({ seed: 2 });
    const provider = await sim.act.provider();
    const svc = await sim.act.service(provider, { script: { bots: scripted.hang() } });
    const alice = await sim.act.user();
    const conv = await sim.act.conversation(alice);
    const input = { actor: alice.id, convId: conv, providerId: provider.id, serviceId: svc.id };
    const before = sim.clock.now();
    const out = await sim.attempt(addBot(sim.deps, sim.host, input));
    expect(out.ok ? 'ok' : `${out.error.label}: ${out.error.message}`).toBe('bad-gateway: The upstream service returned an invalid response: timeout');
    expect(sim.clock.now() - before).toBe(10_000);
    await sim.act.connection(provider, svc.id, { enabled: false });
    await expect(sim.run(addBot(sim.deps, sim.host, input))).rejects.toBeInstanceOf(DomainError);
    await sim.close();
  });

  it('captures mail; during an SMTP outage mails stay queued and go out after recovery and backoff', async () => {
    const sim = await createSimulation({ seed: 3 });
    sim.mail.outage();
    const p = await sim.act.provider({ activate: false });
    await sim.settle();
    expect(sim.mail.sent).toEqual([]);
    expect(sim.mail.refused).toBe(1);
    sim.mail.recover();
    sim.advance(5_000); // the first retry is due 5 s after the failed attempt
    await sim.settle();
    const mail = sim.mail.last({ to: p.email, purpose: 'ProviderActivation' });
    expect(mail && CapturingMailTransport.codeOf(mail)).toMatchObject({ key: expect.any(String), code: expect.any(String) });
    await sim.close();
  });

  it('runs on SQLite too, through the real SQL repositories', async () => {
    const sim = await createSimulation({ seed: 4, store: 'sqlite' });
    expect(sim.deps.store.kind).toBe('sqlite');
    const { bot } = await scenario(sim);
    expect(sim.act.received(bot.id).map((e) => e.type)).toEqual(['conversation.member-join', 'conversation.otr-message-add']);
    await sim.close();
  });

  it('reports platform faults a caller never sees (here: a store read that fails once under the delivery worker)', async () => {
    let failures = 1;
    const breaking = (store: Store): Store => ({
      get kind() {
        return store.kind;
      },
      transaction: (fn, o) => store.transaction(fn, o),
      read: (fn) =>
        store.read((tx) =>
          fn({
            ...tx,
            deliveries: Object.assign(Object.create(tx.deliveries) as typeof tx.deliveries, {
              heads: (bot: string, limit: number) => (failures-- > 0 ? Promise.reject(new Error('disk on fire')) : tx.deliveries.heads(bot, limit)),
            }),
          }),
        ),
      onCommit: (l) => store.onCommit(l),
      ping: () => store.ping(),
      close: () => store.close(),
    });
    const sim = await createSimulation({ seed: 5, wrap: { store: breaking } });
    const provider = await sim.act.provider();
    const svc = await sim.act.service(provider);
    const alice = await sim.act.user();
    const bot = await sim.act.addBot(alice, await sim.act.conversation(alice), svc);
    await sim.settle();
    expect(sim.act.received(bot.id)).toHaveLength(1); // the next pump picked the item up again
    expect(sim.faults.map((f) => `${f.source}: ${f.message} ${String(f.detail.err)}`)).toEqual(['log: delivery worker fault disk on fire']);
    await sim.close();
  });

  it('refuses to guess when work waits for something outside the simulation', async () => {
    const sim = await createSimulation({ seed: 6 });
    await expect(sim.attempt(Effect.promise(() => new Promise<never>(() => undefined)))).rejects.toThrow(/stalled/);
    await sim.close();
  });

  it('SimulationClock knows its sleepers and jumps to the next deadline', async () => {
    const clock = new SimulationClock(1_000);
    const woke: number[] = [];
    void clock.sleep(500).then(() => woke.push(clock.now()));
    void clock.sleep(200).then(() => woke.push(clock.now()));
    expect(clock.sleeping).toBe(2);
    expect(clock.nextWake()).toBe(1_200);
    expect(clock.advanceToNextWake()).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(woke).toEqual([1_200]);
    expect(clock.advanceToNextWake()).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(woke).toEqual([1_200, 1_500]);
    expect(clock.sleeping).toBe(0);
    expect(clock.advanceToNextWake()).toBe(false);
  });
});
