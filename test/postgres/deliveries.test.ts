import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '@spp/domain';
import { postgresFactory } from '../support/stores.js';

const factory = postgresFactory();
if (!factory) throw new Error('PostgreSQL is needed: set TEST_DATABASE_URL or run a server on 127.0.0.1:5432');
afterAll(() => factory.cleanup());

const BOT = '00000000-0000-4000-8000-0000000000b1';
const enqueue = (store: Store, botId: string, tag: string) =>
  store.transaction((tx) =>
    tx.deliveries.enqueue({ botId, serviceId: 'svc', deliveryId: tag, payload: JSON.stringify({ tag }), createdAt: 0 }, 1000),
  );

/** finishes an item as the delivery engine does: as the bot's lease holder, claiming the lease when needed */
const OWNER = 'consumer';
const finish = async (store: Store, botId: string, seq: number) => {
  for (;;) {
    const until = Date.now() + 60_000;
    if (await store.transaction((tx) => tx.deliveries.complete(botId, seq, OWNER, until))) return;
    await store.transaction((tx) => tx.deliveries.claimBots(OWNER, Date.now(), until, 1000));
  }
};

/** Queue storage as two instances on one database use it (the storage side of "once, in order, per bot"). */
const drain = async (store: Store, botId: string): Promise<string[]> => {
  const out: string[] = [];
  for (;;) {
    const item = await store.read((tx) => tx.deliveries.head(botId));
    if (!item) return out;
    out.push(item.deliveryId);
    await finish(store, botId, item.seq);
  }
};

describe('delivery queues shared by two instances on PostgreSQL', () => {
  it('never lets an event committed later overtake one still being committed (sequence numbers are not commit order)', async () => {
    const [a, b] = await factory.makeShared();
    const bot = '00000000-0000-4000-8000-0000000000b2';
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const firstInside = new Promise<void>((r) => (entered = r));
    // instance A enqueues "first" (taking the lower sequence number) and is slow to commit
    const first = a.transaction(async (tx) => {
      await tx.deliveries.enqueue({ botId: bot, serviceId: 'svc', deliveryId: 'first', payload: '{}', createdAt: 0 }, 1000);
      entered();
      await gate;
    });
    await firstInside;
    // meanwhile instance B enqueues "second" for the same bot: it must not become visible ahead of "first"
    const second = enqueue(b, bot, 'second');
    await new Promise((r) => setTimeout(r, 150));
    const headMeanwhile = await b.read((tx) => tx.deliveries.head(bot));
    release();
    await Promise.all([first, second]);
    expect(headMeanwhile?.deliveryId).toBeUndefined();
    expect(await drain(b, bot)).toEqual(['first', 'second']);
  });

  it('delivers every event once, each instance’s in the order it enqueued them, while both enqueue and one drains', async () => {
    const [a, b] = await factory.makeShared();
    const perProducer = 25;
    const producers = [a, b].map(async (store, p) => {
      for (let i = 0; i < perProducer; i++) {
        await enqueue(store, BOT, `${p}:${i}`);
        // pauses let the consumer catch up with the producers, where a late commit would overtake
        await new Promise((r) => setTimeout(r, Math.random() * 4));
      }
    });
    const seen: { seq: number; tag: string }[] = [];
    let producing = true;
    const consumer = (async () => {
      for (;;) {
        const item = await b.read((tx) => tx.deliveries.head(BOT));
        if (!item) {
          if (!producing) return;
          await new Promise((r) => setTimeout(r, 1));
          continue;
        }
        seen.push({ seq: item.seq, tag: item.deliveryId });
        await finish(a, BOT, item.seq);
      }
    })();
    await Promise.all(producers);
    producing = false;
    await consumer;

    expect(seen).toHaveLength(2 * perProducer);
    // nothing committed later ever overtakes: the queue is drained in increasing sequence
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.seq).toBeGreaterThan(seen[i - 1]!.seq);
    // and each producer's events come out in the order it committed them
    for (const p of [0, 1]) {
      expect(seen.filter((s) => s.tag.startsWith(`${p}:`)).map((s) => s.tag)).toEqual(Array.from({ length: perProducer }, (_, i) => `${p}:${i}`));
    }
    expect(await a.read((tx) => tx.deliveries.countPending(BOT))).toBe(0);
  });

  it('leases each bot to one instance at a time when both claim at once', async () => {
    const [a, b] = await factory.makeShared();
    const bots = Array.from({ length: 12 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const bot of bots) await enqueue(a, bot, `e-${bot}`);
    const now = Date.now();
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).transaction((tx) => tx.deliveries.claimBots(`owner-${i}`, now, now + 60_000, 4))),
    );
    const all = claims.flat();
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...bots].sort());
    // a lease held by another owner cannot be renewed or released by this one
    const [first] = claims.find((c) => c.length > 0)!;
    const holder = claims.findIndex((c) => c.includes(first!));
    expect(await a.transaction((tx) => tx.deliveries.renewLease(first!, `owner-${(holder + 1) % 6}`, now + 120_000))).toBe(false);
    expect(await a.transaction((tx) => tx.deliveries.renewLease(first!, `owner-${holder}`, now + 120_000))).toBe(true);
  });
});
