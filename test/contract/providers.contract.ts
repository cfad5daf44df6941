import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeRecord, ProviderRecord, QueuedMail, Store } from '@spp/domain';

let seq = 0;
const pid = (n: number = ++seq): string => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

export const providerRecord = (over: Partial<ProviderRecord> = {}): ProviderRecord => ({
  id: pid(),
  name: 'Acme Bots',
  email: 'Dev@Acme.example',
  emailKey: 'dev@acme.example',
  url: 'https://acme.example/',
  description: 'We build helpful bots.',
  passwordHash: '$scrypt$ln=10,r=8,p=1$c2FsdA==$aGFzaA==',
  status: 'registered',
  createdAt: 1_000,
  verifiedAt: null,
  decidedAt: null,
  reason: null,
  deletedAt: null,
  ...over,
});

export const codeRecord = (over: Partial<CodeRecord> = {}): CodeRecord => ({
  key: 'AAAAAAAAAAAAAAAAAAAA',
  purpose: 'activation',
  code: 'BBBBBBBBBBBBBBBBBBBB',
  providerId: pid(),
  email: 'dev@acme.example',
  createdAt: 1_000,
  expiresAt: 2_000,
  triesLeft: 3,
  usedAt: null,
  ...over,
});

export const queuedMail = (over: Partial<QueuedMail> = {}): QueuedMail => ({
  id: pid(),
  purpose: 'ProviderActivation',
  mail: {
    to: 'dev@acme.example',
    from: 'no-reply@localhost',
    subject: 'Activate — your account ✓',
    text: 'Hello\nhttps://x/provider/activate?key=a&code=b\n',
    html: '<p>Hello</p>',
    headers: { 'X-Zeta-Purpose': 'ProviderActivation', 'X-Zeta-Key': 'a', 'X-Zeta-Code': 'b' },
  },
  createdAt: 1_000,
  nextAttemptAt: 1_000,
  attempts: 0,
  status: 'pending',
  lastError: null,
  ...over,
});

/**
 * Storage contract of the provider area (ProviderRepo, CodeRepo, MailQueueRepo): every Store adapter must
 * pass it. `make` returns a fresh, empty, migrated store.
 */
export const providersContract = (name: string, make: () => Promise<Store>): void => {
  describe(`provider storage contract: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await make();
    });
    afterAll(async () => {
      await store.close();
    });
    const tx = <T>(fn: Parameters<Store['transaction']>[0] extends (tx: infer X) => Promise<unknown> ? (t: X) => Promise<T> : never) =>
      store.transaction(fn);

    it('stores and returns a provider exactly, including nulls and non-ASCII text', async () => {
      const p = providerRecord({ name: 'Ācme 🤖 Bots', reason: null });
      await tx((t) => t.providers.insert(p));
      expect(await store.read((t) => t.providers.get(p.id))).toEqual(p);
      const full = { ...p, status: 'rejected' as const, verifiedAt: 1_500, decidedAt: 1_600, reason: 'Nope.', emailKey: `${p.id}@x.y` };
      await tx((t) => t.providers.update(full));
      expect(await store.read((t) => t.providers.get(p.id))).toEqual(full);
      expect(await store.read((t) => t.providers.get(pid()))).toBeUndefined();
    });

    it('update of an unknown provider fails', async () => {
      await expect(tx((t) => t.providers.update(providerRecord()))).rejects.toThrow();
    });

    it('finds the verified owner of an e-mail key and ignores registered and deleted providers', async () => {
      const key = `owner-${pid()}@x.example`;
      const reg = providerRecord({ emailKey: key, status: 'registered' });
      const del = providerRecord({ emailKey: key, status: 'deleted', deletedAt: 5 });
      await tx(async (t) => {
        await t.providers.insert(reg);
        await t.providers.insert(del);
      });
      expect(await store.read((t) => t.providers.findByVerifiedEmailKey(key))).toBeUndefined();
      for (const status of ['active', 'approved', 'rejected'] as const) {
        const owner = providerRecord({ emailKey: key, status });
        await tx((t) => t.providers.insert(owner));
        expect((await store.read((t) => t.providers.findByVerifiedEmailKey(key)))?.id).toBe(owner.id);
        await tx((t) => t.providers.update({ ...owner, status: 'deleted' }));
      }
      expect((await store.read((t) => t.providers.listRegisteredByEmailKey(key))).map((p) => p.id)).toEqual([reg.id]);
    });

    it('refuses a second non-deleted provider with the same verified e-mail key, and rolls the transaction back', async () => {
      const key = `unique-${pid()}@x.example`;
      const a = providerRecord({ emailKey: key, status: 'approved' });
      await tx((t) => t.providers.insert(a));
      const b = providerRecord({ emailKey: key, status: 'registered' });
      await tx((t) => t.providers.insert(b)); // unverified: allowed
      const c = providerRecord({ emailKey: key, status: 'active' });
      await expect(
        tx(async (t) => {
          await t.providers.insert(providerRecord({ emailKey: `other-${key}` }));
          await t.providers.insert(c);
        }),
      ).rejects.toThrow();
      expect(await store.read((t) => t.providers.get(c.id))).toBeUndefined();
      await expect(tx((t) => t.providers.update({ ...b, status: 'active' }))).rejects.toThrow();
      // once the owner is deleted the key is free
      await tx((t) => t.providers.update({ ...a, status: 'deleted', deletedAt: 9 }));
      await tx((t) => t.providers.update({ ...b, status: 'active' }));
      expect((await store.read((t) => t.providers.findByVerifiedEmailKey(key)))?.id).toBe(b.id);
    });

    it('lists non-deleted providers by (created_at, id) with a status filter and a cursor', async () => {
      const s = await make();
      try {
        const rows = [
          providerRecord({ id: pid(0xa3), createdAt: 3, status: 'active', emailKey: 'a3@x' }),
          providerRecord({ id: pid(0xa1), createdAt: 1, status: 'registered', emailKey: 'a1@x' }),
          providerRecord({ id: pid(0xa2), createdAt: 3, status: 'approved', emailKey: 'a2@x' }),
          providerRecord({ id: pid(0xa4), createdAt: 2, status: 'deleted', emailKey: 'a4@x' }),
          providerRecord({ id: pid(0xa5), createdAt: 5, status: 'active', emailKey: 'a5@x' }),
        ];
        await s.transaction(async (t) => {
          for (const r of rows) await t.providers.insert(r);
        });
        const ids = (l: ProviderRecord[]) => l.map((p) => p.id);
        expect(ids(await s.read((t) => t.providers.list({ limit: 10 })))).toEqual([pid(0xa1), pid(0xa2), pid(0xa3), pid(0xa5)]);
        expect(ids(await s.read((t) => t.providers.list({ limit: 2 })))).toEqual([pid(0xa1), pid(0xa2)]);
        expect(ids(await s.read((t) => t.providers.list({ limit: 10, after: { createdAt: 3, id: pid(0xa2) } })))).toEqual([
          pid(0xa3),
          pid(0xa5),
        ]);
        expect(ids(await s.read((t) => t.providers.list({ status: 'active', limit: 10 })))).toEqual([pid(0xa3), pid(0xa5)]);
        expect(ids(await s.read((t) => t.providers.list({ status: 'active', limit: 10, after: { createdAt: 3, id: pid(0xa3) } })))).toEqual([
          pid(0xa5),
        ]);
        expect(ids(await s.read((t) => t.providers.listRegisteredBefore(1, 10)))).toEqual([pid(0xa1)]);
        expect(ids(await s.read((t) => t.providers.listRegisteredBefore(0, 10)))).toEqual([]);
        await s.transaction((t) => t.providers.remove(pid(0xa1)));
        expect(await s.read((t) => t.providers.get(pid(0xa1)))).toBeUndefined();
      } finally {
        await s.close();
      }
    });

    it('stores codes by key: put replaces, lists by provider, deletes expired ones', async () => {
      const owner = pid();
      const a = codeRecord({ key: 'aaaaaaaaaaaaaaaaaaa1', providerId: owner, expiresAt: 100 });
      const b = codeRecord({ key: 'aaaaaaaaaaaaaaaaaaa2', providerId: owner, purpose: 'approval', expiresAt: 300, usedAt: 50 });
      await tx(async (t) => {
        await t.codes.put(a);
        await t.codes.put(b);
      });
      expect(await store.read((t) => t.codes.get(a.key))).toEqual(a);
      expect(await store.read((t) => t.codes.get(b.key))).toEqual(b);
      const replaced = { ...a, code: 'CCCCCCCCCCCCCCCCCCCC', triesLeft: 1, providerId: owner, usedAt: 70 };
      await tx((t) => t.codes.put(replaced));
      expect(await store.read((t) => t.codes.get(a.key))).toEqual(replaced);
      expect((await store.read((t) => t.codes.listByProvider(owner))).map((c) => c.key)).toEqual([a.key, b.key]);
      expect(await tx((t) => t.codes.deleteExpired(200))).toBeGreaterThanOrEqual(1);
      expect(await store.read((t) => t.codes.get(a.key))).toBeUndefined();
      expect(await store.read((t) => t.codes.get(b.key))).toEqual(b);
      await tx((t) => t.codes.delete(b.key));
      expect(await store.read((t) => t.codes.listByProvider(owner))).toEqual([]);
    });

    it('queues mails: due order, lease by rescheduling, failure, removal, purge', async () => {
      const s = await make();
      try {
        const m1 = queuedMail({ nextAttemptAt: 20, createdAt: 1 });
        const m2 = queuedMail({ nextAttemptAt: 10, createdAt: 2 });
        const m3 = queuedMail({ nextAttemptAt: 50, createdAt: 3 });
        await s.transaction(async (t) => {
          for (const m of [m1, m2, m3]) await t.mails.enqueue(m);
        });
        expect(await s.read((t) => t.mails.get(m1.id))).toEqual(m1);
        expect((await s.read((t) => t.mails.due(30, 10))).map((m) => m.id)).toEqual([m2.id, m1.id]);
        expect((await s.read((t) => t.mails.due(30, 1))).map((m) => m.id)).toEqual([m2.id]);
        await s.transaction((t) => t.mails.reschedule(m2.id, 100, 1, 'connection refused'));
        expect((await s.read((t) => t.mails.due(30, 10))).map((m) => m.id)).toEqual([m1.id]);
        expect(await s.read((t) => t.mails.get(m2.id))).toMatchObject({ nextAttemptAt: 100, attempts: 1, lastError: 'connection refused' });
        await s.transaction((t) => t.mails.markFailed(m1.id, 20, 'gave up'));
        expect((await s.read((t) => t.mails.due(1_000, 10))).map((m) => m.id)).toEqual([m3.id, m2.id]);
        // a failed mail is not rescheduled by a late lease update
        await s.transaction((t) => t.mails.reschedule(m1.id, 5, 0, null));
        expect(await s.read((t) => t.mails.get(m1.id))).toMatchObject({ status: 'failed', attempts: 20 });
        await s.transaction((t) => t.mails.remove(m3.id));
        expect((await s.read((t) => t.mails.list(10))).map((m) => m.id)).toEqual([m1.id, m2.id]);
        expect(await s.transaction((t) => t.mails.purgeFailed(2))).toBe(1);
        expect((await s.read((t) => t.mails.list(10))).map((m) => m.id)).toEqual([m2.id]);
      } finally {
        await s.close();
      }
    });

    it('keeps rate-limit buckets by key and deletes idle ones oldest first, at most `limit`', async () => {
      const k = (i: number) => `pw:${name}-${i}@bucket.example`;
      await store.transaction(async (t) => {
        for (let i = 0; i < 5; i++) await t.rateLimits.putBucket(k(i), { tokens: 1.5, updatedAt: 1_000 + i });
      });
      expect(await store.read((t) => t.rateLimits.getBucket(k(0)))).toEqual({ tokens: 1.5, updatedAt: 1_000 });
      // idle before 1003: k0, k1, k2; only two per call
      expect(await store.transaction((t) => t.rateLimits.deleteIdleBefore(1_003, 2))).toBe(2);
      expect(await store.read((t) => t.rateLimits.getBucket(k(0)))).toBeUndefined();
      expect(await store.read((t) => t.rateLimits.getBucket(k(1)))).toBeUndefined();
      expect(await store.transaction((t) => t.rateLimits.deleteIdleBefore(1_003, 10))).toBe(1);
      expect(await store.read((t) => t.rateLimits.getBucket(k(3)))).toEqual({ tokens: 1.5, updatedAt: 1_003 });
      await store.transaction((t) => t.rateLimits.deleteBucket(k(3)));
      expect(await store.read((t) => t.rateLimits.getBucket(k(3)))).toBeUndefined();
      expect(await store.read((t) => t.rateLimits.getBucket(k(4)))).toBeDefined();
    });

    it('rolls back provider, code and mail writes together', async () => {
      const p = providerRecord();
      const c = codeRecord({ key: 'rollbackrollbackroll', providerId: p.id });
      const m = queuedMail();
      await expect(
        tx(async (t) => {
          await t.providers.insert(p);
          await t.codes.put(c);
          await t.mails.enqueue(m);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.read((t) => t.providers.get(p.id))).toBeUndefined();
      expect(await store.read((t) => t.codes.get(c.key))).toBeUndefined();
      expect(await store.read((t) => t.mails.get(m.id))).toBeUndefined();
    });
  });
};
