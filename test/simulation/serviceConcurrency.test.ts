import { createSimulation, scripted, type ScriptedCall } from '@spp/adapters';
import { Slots } from '@spp/domain';
import { describe, expect, it } from 'vitest';

/** the largest number of calls in flight at once, from their [at, answeredAt) intervals */
const maxOverlap = (calls: readonly ScriptedCall[]): number => {
  const edges = calls.flatMap((c) => [
    [c.at, 1],
    [c.answeredAt!, -1],
  ]) as [number, number][];
  // an answer at time t frees its slot before a call made at t takes one
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
};

describe('requests in flight per service (external-service-api.md §3)', () => {
  it('never exceeds 16 for one service, while another service is not held up by it', async () => {
    const sim = await createSimulation({ seed: 7 });
    const provider = await sim.act.provider();
    const busy = await sim.act.service(provider);
    const other = await sim.act.service(provider);
    const alice = await sim.act.user('Alice');
    const conv = await sim.act.conversation(alice);
    for (let i = 0; i < 40; i++) await sim.act.addBot(alice, conv, busy);
    const lone = await sim.act.addBot(alice, conv, other);
    await sim.settle();
    sim.services.update(busy.id, { messages: scripted.slow(500, scripted.ok()) });
    sim.services.update(other.id, { messages: scripted.slow(500, scripted.ok()) });
    const before = sim.services.calls.length;

    await sim.act.send(alice, conv, 'hello');
    const report = await sim.settle();

    const sent = sim.services.calls.slice(before).filter((c) => c.kind === 'messages' && c.eventType === 'conversation.otr-message-add');
    const toBusy = sent.filter((c) => c.serviceId === busy.id);
    expect(toBusy).toHaveLength(40);
    expect(maxOverlap(toBusy)).toBe(16);
    // 40 answers of 500 ms through 16 slots: three rounds
    expect(report.elapsedMs).toBe(1_500);
    // the other service's bot was sent its event at once, not after the busy service's queue
    const toOther = sent.filter((c) => c.serviceId === other.id);
    expect(toOther.map((c) => c.botId)).toEqual([lone.id]);
    expect(toOther[0]!.at).toBe(toBusy[0]!.at);
    expect(sim.faults).toEqual([]);
    await sim.close();
  });
});

describe('Slots', () => {
  it('lets at most `size` hold a slot, serves waiters in arrival order, and ignores a second release', async () => {
    const slots = new Slots(2);
    const order: number[] = [];
    const a = await slots.acquire();
    const b = await slots.acquire();
    const waiting = [3, 4, 5].map((n) => slots.acquire().then((release) => (order.push(n), release)));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    a();
    a();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([3]);
    b();
    const [r3, r4] = await Promise.all(waiting.slice(0, 2));
    expect(order).toEqual([3, 4]);
    r3!();
    const r5 = await waiting[2]!;
    expect(order).toEqual([3, 4, 5]);
    r4!();
    r5!();
    // all free again: two at once without waiting
    const [x, y] = await Promise.all([slots.acquire(), slots.acquire()]);
    x();
    y();
  });
});
