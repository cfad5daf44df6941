import { freshHealth, type Store } from '@spp/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId, serviceRecord } from './services.contract.js';

const item = (botId: string, tag: string) => ({ botId, serviceId: 'svc', deliveryId: tag, payload: JSON.stringify({ tag }), createdAt: 0 });
const enqueue = (store: Store, botId: string, tag: string, max = 1000) => store.transaction((tx) => tx.deliveries.enqueue(item(botId, tag), max));
const tags = async (store: Store, botId: string) => (await store.read((tx) => tx.deliveries.heads(botId, 100))).map((i) => i.deliveryId);

/** The delivery queue and the delivery-time service lookup as the delivery engine relies on them, on every store. */
export const deliveriesContract = (name: string, make: () => Promise<Store>) =>
  describe(`DeliveryRepo contract: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await make();
    });

    it('refuses an item beyond the per-bot limit and stores nothing for it', async () => {
      const bot = newId();
      expect(await enqueue(store, bot, 'a', 2)).toBe(true);
      expect(await enqueue(store, bot, 'b', 2)).toBe(true);
      expect(await enqueue(store, bot, 'c', 2)).toBe(false);
      expect(await tags(store, bot)).toEqual(['a', 'b']);
      expect(await store.read((tx) => tx.deliveries.countPending(bot))).toBe(2);
      // another bot's queue is counted apart
      expect(await enqueue(store, newId(), 'x', 2)).toBe(true);
    });

    it('completes an item for the lease holder only, and then takes further items again', async () => {
      const bot = newId();
      for (const t of ['a', 'b']) await enqueue(store, bot, t, 2);
      const now = 1_000;
      const claimed = await store.transaction((tx) => tx.deliveries.claimBots('owner-1', now, now + 10_000, 1000));
      expect(claimed).toContain(bot);
      const [first] = await store.read((tx) => tx.deliveries.heads(bot, 1));
      // a stranger cannot finish it: nothing changes
      expect(await store.transaction((tx) => tx.deliveries.complete(bot, first!.seq, 'owner-2', now + 20_000))).toBe(false);
      expect(await tags(store, bot)).toEqual(['a', 'b']);
      expect(await store.transaction((tx) => tx.deliveries.complete(bot, first!.seq, 'owner-1', now + 20_000))).toBe(true);
      expect(await tags(store, bot)).toEqual(['b']);
      expect(await store.read((tx) => tx.deliveries.countPending(bot))).toBe(1);
      // the lease was extended: another owner cannot claim the bot before it runs out
      expect(await store.transaction((tx) => tx.deliveries.claimBots('owner-2', now + 15_000, now + 30_000, 1000))).not.toContain(bot);
      // the freed place takes a new item
      expect(await enqueue(store, bot, 'c', 2)).toBe(true);
      expect(await tags(store, bot)).toEqual(['b', 'c']);
    });

    it('keeps the count right when an item was discarded before it was completed', async () => {
      const bot = newId();
      await enqueue(store, bot, 'a');
      await store.transaction((tx) => tx.deliveries.claimBots('owner-1', 1, 10_000, 1000));
      const [a] = await store.read((tx) => tx.deliveries.heads(bot, 1));
      await store.transaction((tx) => tx.deliveries.discardAll(bot));
      await enqueue(store, bot, 'b');
      expect(await store.transaction((tx) => tx.deliveries.complete(bot, a!.seq, 'owner-1', 20_000))).toBe(true);
      expect(await tags(store, bot)).toEqual(['b']);
      expect(await store.read((tx) => tx.deliveries.countPending(bot))).toBe(1);
    });

    it('reads a delivery target: state, endpoint with DER pins and first token, and the health when stored', async () => {
      const s = serviceRecord({
        name: 'Target',
        authTokens: ['first', 'second'],
        keys: [
          { der: new Uint8Array([1, 2, 3]), size: 2048, fingerprint: 'sha256/a' },
          { der: new Uint8Array([4, 5]), size: 4096, fingerprint: 'sha256/b' },
        ],
      });
      await store.transaction((tx) => tx.services.put(s));
      const t = await store.read((tx) => tx.services.deliveryTarget(s.id));
      expect(t).toEqual({
        state: 'enabled',
        endpoint: { serviceId: s.id, baseUrl: s.baseUrl, pinnedKeys: [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])], authToken: 'first' },
        health: undefined,
      });
      expect(await store.read((tx) => tx.services.stateOf(s.id))).toBe('enabled');
      const health = { ...freshHealth(), delivered: 7, penalised: true, probeAt: 123, lastError: 'status 500' };
      await store.transaction((tx) => tx.services.put({ ...s, state: 'disabled', keys: [s.keys[1]!] }));
      await store.transaction((tx) => tx.services.putHealth(s.id, health));
      const after = await store.read((tx) => tx.services.deliveryTarget(s.id));
      expect(after?.state).toBe('disabled');
      expect(after?.endpoint.pinnedKeys).toEqual([new Uint8Array([4, 5])]);
      expect(after?.health).toEqual(health);
      expect(await store.read((tx) => tx.services.deliveryTarget(newId()))).toBeUndefined();
      expect(await store.read((tx) => tx.services.stateOf(newId()))).toBeUndefined();
    });
  });
