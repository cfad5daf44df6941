import { Effect } from 'effect';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareSortKeys,
  freshHealth,
  nameKeyOf,
  searchDirectory,
  SERVICE_TAGS,
  type Deps,
  type DirectorySearch,
  type Tx,
  type ServiceRecord,
  type ServiceState,
  type ServiceTag,
  type Store,
} from '@spp/domain';

let seq = 0;
/** a fresh id, unique per process run */
export const newId = (): string => {
  seq += 1;
  const hex = (Date.now() * 1000 + seq).toString(16).padStart(12, '0').slice(-12);
  return `${(seq + Math.floor(Math.random() * 1e6)).toString(16).padStart(8, '0').slice(-8)}-0000-4000-8000-${hex}`;
};

export const serviceRecord = (over: Partial<ServiceRecord> & { name?: string } = {}): ServiceRecord => {
  const name = over.name ?? 'Echo';
  return {
    id: newId(),
    providerId: '11111111-1111-4111-8111-111111111111',
    state: 'enabled',
    name,
    nameKey: nameKeyOf(name),
    summary: 'Repeats',
    description: 'Echoes text.',
    baseUrl: 'https://echo.example/api',
    authTokens: ['secret-token'],
    keys: [{ der: new Uint8Array([48, 1, 2, 3]), size: 2048, fingerprint: 'sha256/x' }],
    assets: [{ type: 'image', key: '3-1-abc', size: 'complete' }],
    tags: ['social'],
    identityFingerprints: [],
    createdAt: 1,
    updatedAt: 1,
    ...over,
    ...(over.name !== undefined && over.nameKey === undefined ? { nameKey: nameKeyOf(name) } : {}),
  };
};

const tx = <T>(store: Store, fn: (t: Tx) => Promise<T>) => store.transaction(fn);

/** enabled services matching (groups OR'ed, tags AND'ed) and prefix, in directory order — the reference model */
const expected = (all: ServiceRecord[], groups: ServiceTag[][] | undefined, prefix: string | undefined) =>
  all
    .filter(
      (s) =>
        s.state === 'enabled' &&
        (prefix === undefined || s.nameKey.startsWith(prefix.toLowerCase())) &&
        (groups === undefined || groups.some((g) => g.every((t) => s.tags.includes(t)))),
    )
    .sort(compareSortKeys)
    .map((s) => s.id);

const NAME_CHARS = ['a', 'B', 'b', 'ø', 'Ø', 'o', 'é', 'E', ' ', '𝒜', '\uE000', 'İ', 'ß', '1'];
const nameArb = fc.array(fc.constantFrom(...NAME_CHARS), { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
const FEW_TAGS: ServiceTag[] = ['social', 'quiz', 'music', 'news'];
const tagsArb = fc.uniqueArray(fc.constantFrom(...FEW_TAGS), { minLength: 1, maxLength: 3 });
const stateArb = fc.constantFrom<ServiceState>('enabled', 'enabled', 'disabled', 'deleting');
const serviceArb = fc.record({ name: nameArb, tags: tagsArb, state: stateArb });
const queryArb = fc.record({
  groups: fc.option(fc.array(fc.uniqueArray(fc.constantFrom(...FEW_TAGS), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), {
    nil: undefined,
  }),
  prefix: fc.option(nameArb.map((n) => n.slice(0, 2)), { nil: undefined }),
}).filter((q) => q.groups !== undefined || q.prefix !== undefined);

/**
 * The ServiceRepo + JobRepo contract. Every adapter must pass it: `make` gives a fresh, migrated store;
 * `makeShared` (optional) two stores over one database, as two instances would have.
 */
export const servicesContract = (name: string, make: () => Promise<Store>, makeShared?: () => Promise<[Store, Store]>) =>
  describe(`ServiceRepo/JobRepo contract: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await make();
    });

    it('round-trips a service with keys as DER, tokens and lists in order', async () => {
      const s = serviceRecord({
        name: 'Round Trip',
        authTokens: ['first-token', 'second-token'],
        keys: [
          { der: new Uint8Array([1, 2, 3, 255]), size: 2048, fingerprint: 'sha256/a' },
          { der: new Uint8Array([9, 8, 7]), size: 4096, fingerprint: 'sha256/b' },
        ],
        tags: ['business', 'quiz', 'weather'],
        identityFingerprints: ['a'.repeat(64), 'b'.repeat(64)],
        assets: [{ type: 'image', key: 'k1' }, { type: 'image', key: 'k2', size: 'preview' }],
        state: 'disabled',
      });
      await tx(store, (t) => t.services.put(s));
      const back = await store.read((t) => t.services.get(s.id));
      expect(back).toEqual(s);
      expect(back!.keys[0]!.der).toBeInstanceOf(Uint8Array);
      expect(await store.read((t) => t.services.get('00000000-0000-4000-8000-000000000000'))).toBeUndefined();
    });

    it('lists a provider’s services in (lowercased name, id) order, filtered by state', async () => {
      const providerId = newId();
      const names = ['beta', 'Alpha', 'alpha', 'Ærø', 'zed'];
      const list = names.map((n, i) => serviceRecord({ providerId, name: n, state: i === 4 ? 'deleting' : 'enabled' }));
      await tx(store, async (t) => {
        for (const s of list) await t.services.put(s);
      });
      const live = await store.read((t) => t.services.listByProvider(providerId, ['enabled', 'disabled']));
      expect(live.map((s) => s.id)).toEqual(list.slice(0, 4).sort(compareSortKeys).map((s) => s.id));
      expect(live.map((s) => s.name).slice(2)).toEqual(['beta', 'Ærø']);
      expect((await store.read((t) => t.services.listByProvider(providerId, ['deleting']))).map((s) => s.name)).toEqual(['zed']);
      expect(await store.read((t) => t.services.listByProvider(newId(), ['enabled']))).toEqual([]);
    });

    it('searches enabled services by prefix and tag groups, following renames and state changes', async () => {
      const tag = 'photography' as ServiceTag;
      const a = serviceRecord({ name: 'Zz-photo one', tags: [tag, 'travel'] });
      const b = serviceRecord({ name: 'Zz-photo two', tags: [tag] });
      const c = serviceRecord({ name: 'Zz-photo off', tags: [tag], state: 'disabled' });
      await tx(store, async (t) => {
        for (const s of [a, b, c]) await t.services.put(s);
      });
      const search = (q: Omit<DirectorySearch, 'limit'> & { limit?: number }) =>
        store.read((t) => t.services.search({ limit: 50, ...q })).then((r) => r.map((s) => s.name));
      expect(await search({ prefix: 'zz-photo' })).toEqual(['Zz-photo one', 'Zz-photo two']);
      expect(await search({ tagGroups: [[tag]] })).toEqual(['Zz-photo one', 'Zz-photo two']);
      expect(await search({ tagGroups: [[tag, 'travel']] })).toEqual(['Zz-photo one']);
      expect(await search({ tagGroups: [['travel'], [tag]], prefix: 'zz-photo t' })).toEqual(['Zz-photo two']);
      await tx(store, (t) => t.services.put({ ...b, name: 'Aa-photo', nameKey: 'aa-photo' }));
      expect(await search({ tagGroups: [[tag]] })).toEqual(['Aa-photo', 'Zz-photo one']);
      expect(await search({ prefix: 'zz-photo' })).toEqual(['Zz-photo one']);
      await tx(store, (t) => t.services.put({ ...c, state: 'enabled' }));
      await tx(store, (t) => t.services.put({ ...a, state: 'deleting' }));
      expect(await search({ tagGroups: [[tag]] })).toEqual(['Aa-photo', 'Zz-photo off']);
      expect(await search({ tagGroups: [[tag]], after: { nameKey: 'aa-photo', id: b.id }, limit: 1 })).toEqual(['Zz-photo off']);
    });

    it('keeps health records', async () => {
      const s = serviceRecord();
      expect(await store.read((t) => t.services.getHealth(s.id))).toBeUndefined();
      const h = { ...freshHealth(), consecutiveFailures: 3, delivered: 7, lastError: 'status 503', lastErrorAt: 5, penalised: true, probeAt: 9, backoffMs: 2000 };
      await tx(store, (t) => t.services.putHealth(s.id, h));
      expect(await store.read((t) => t.services.getHealth(s.id))).toEqual(h);
      await tx(store, (t) => t.services.putHealth(s.id, freshHealth()));
      expect(await store.read((t) => t.services.getHealth(s.id))).toEqual(freshHealth());
    });

    it('keeps team whitelists and deletes everything of a service with it', async () => {
      const team = newId();
      const on = serviceRecord({ name: 'wl-b', state: 'enabled' });
      const off = serviceRecord({ name: 'wl-a', state: 'disabled' });
      const gone = serviceRecord({ name: 'wl-c', state: 'deleting' });
      await tx(store, async (t) => {
        for (const s of [on, off, gone]) {
          await t.services.put(s);
          expect(await t.services.addToWhitelist(team, s.id, 1)).toBe(true);
        }
        expect(await t.services.addToWhitelist(team, on.id, 2)).toBe(false);
        await t.services.putHealth(on.id, freshHealth());
      });
      expect(await store.read((t) => t.services.isWhitelisted(team, on.id))).toBe(true);
      expect(await store.read((t) => t.services.isWhitelisted(newId(), on.id))).toBe(false);
      const names = (q: { includeDisabled: boolean; prefix?: string }) =>
        store.read((t) => t.services.searchWhitelist({ teamId: team, limit: 10, ...q })).then((r) => r.map((s) => s.name));
      expect(await names({ includeDisabled: true })).toEqual(['wl-a', 'wl-b']);
      expect(await names({ includeDisabled: false })).toEqual(['wl-b']);
      expect(await names({ includeDisabled: true, prefix: 'wl-b' })).toEqual(['wl-b']);
      expect(await tx(store, (t) => t.services.removeFromWhitelist(team, off.id))).toBe(true);
      expect(await tx(store, (t) => t.services.removeFromWhitelist(team, off.id))).toBe(false);
      await tx(store, (t) => t.services.delete(on.id));
      expect(await store.read((t) => t.services.get(on.id))).toBeUndefined();
      expect(await store.read((t) => t.services.getHealth(on.id))).toBeUndefined();
      expect(await store.read((t) => t.services.isWhitelisted(team, on.id))).toBe(false);
      expect(await store.read((t) => t.services.search({ prefix: 'wl-', limit: 10 }))).toEqual([]);
      await tx(store, (t) => t.services.deleteWhitelistOfTeam(team));
      expect(await store.read((t) => t.services.isWhitelisted(team, gone.id))).toBe(false);
    });

    it('rolls back service writes with the transaction', async () => {
      const s = serviceRecord({ name: 'rollback' });
      await expect(
        tx(store, async (t) => {
          await t.services.put(s);
          await t.services.addToWhitelist(newId(), s.id, 1);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.read((t) => t.services.get(s.id))).toBeUndefined();
      expect(await store.read((t) => t.services.search({ prefix: 'rollback', limit: 5 }))).toEqual([]);
    });

    it('pages through any directory query exactly once, in order (property)', async () => {
      const deps = { store } as unknown as Deps;
      const runs = store.kind === 'postgres' ? 8 : 25;
      await fc.assert(
        fc.asyncProperty(fc.array(serviceArb, { maxLength: 35 }), queryArb, async (specs, q) => {
          // a private name space per run: the prefix "<run>|" keeps earlier runs' services out of the result
          const run = newId().slice(0, 8);
          const all = specs.map((s) => serviceRecord({ name: `${run}|${s.name}`, tags: SERVICE_TAGS.filter((t) => s.tags.includes(t)), state: s.state }));
          await tx(store, async (t) => {
            for (const s of all) await t.services.put(s);
          });
          try {
            const start = `${run}|${q.prefix ?? ''}`;
            const tags = q.groups?.map((g) => g.join('.')).join(',');
            const seen: string[] = [];
            let cursor: string | undefined;
            for (let pages = 0; pages < 10; pages++) {
              const page = await Effect.runPromise(
                searchDirectory(deps, { size: 10, start, ...(tags ? { tags } : {}), ...(cursor ? { cursor } : {}) }),
              );
              expect(page.services.length === 10 || !page.has_more).toBe(true);
              seen.push(...page.services.map((s) => s.id));
              expect(page.next !== undefined).toBe(page.has_more);
              if (!page.has_more) break;
              cursor = page.next;
            }
            expect(seen).toEqual(expected(all, q.groups, start));
          } finally {
            await tx(store, async (t) => {
              for (const s of all) await t.services.delete(s.id);
            });
          }
        }),
        { numRuns: runs },
      );
    });

    it('keeps pages gap-free and duplicate-free while services come and go (property)', async () => {
      const deps = { store } as unknown as Deps;
      const runs = store.kind === 'postgres' ? 5 : 15;
      await fc.assert(
        fc.asyncProperty(fc.array(nameArb, { minLength: 15, maxLength: 40 }), fc.array(nameArb, { maxLength: 10 }), async (names, extra) => {
          const run = newId().slice(0, 8);
          const all = names.map((n) => serviceRecord({ name: `${run}~${n}` }));
          const added = extra.map((n) => serviceRecord({ name: `${run}~${n}` }));
          await tx(store, async (t) => {
            for (const s of all) await t.services.put(s);
          });
          try {
            const first = await Effect.runPromise(searchDirectory(deps, { size: 10, start: `${run}~` }));
            // between pages: add some, remove one that was not returned yet
            const unseen = expected(all, undefined, `${run}~`).slice(10);
            const removed = unseen[0];
            await tx(store, async (t) => {
              for (const s of added) await t.services.put(s);
              if (removed) await t.services.delete(removed);
            });
            const rest: string[] = [];
            let cursor = first.next;
            while (cursor) {
              const page = await Effect.runPromise(searchDirectory(deps, { size: 10, start: `${run}~`, cursor }));
              rest.push(...page.services.map((s) => s.id));
              cursor = page.next;
            }
            const seen = [...first.services.map((s) => s.id), ...rest];
            expect(new Set(seen).size).toBe(seen.length);
            const byId = new Map([...all, ...added].map((s) => [s.id, s]));
            const keys = seen.map((id) => byId.get(id)!);
            for (let i = 1; i < keys.length; i++) expect(compareSortKeys(keys[i - 1]!, keys[i]!)).toBeLessThan(0);
            // everything present from start to end appears
            for (const id of unseen.slice(1)) expect(seen).toContain(id);
            if (removed) expect(seen).not.toContain(removed);
          } finally {
            await tx(store, async (t) => {
              for (const s of [...all, ...added]) await t.services.delete(s.id);
            });
          }
        }),
        { numRuns: runs },
      );
    });

    describe('jobs', () => {
      it('enqueues, claims under a lease, renews, releases and completes', async () => {
        const kind = `test.${newId()}`;
        const id = await tx(store, (t) => t.jobs.enqueue({ kind, payload: { serviceId: 'x', n: [1, 2] }, runAfter: 1_000, now: 900 }));
        expect(await tx(store, (t) => t.jobs.claim([kind], 'w1', 999, 100))).toBeUndefined(); // not due yet
        const job = await tx(store, (t) => t.jobs.claim([kind], 'w1', 1_000, 100));
        expect(job).toMatchObject({ id, kind, payload: { serviceId: 'x', n: [1, 2] }, claimedBy: 'w1', leaseUntil: 1_100, attempts: 1, createdAt: 900 });
        expect(await tx(store, (t) => t.jobs.claim([kind], 'w2', 1_050, 100))).toBeUndefined(); // leased
        expect(await tx(store, (t) => t.jobs.renew(id, 'w1', 1_200))).toBe(true);
        expect(await tx(store, (t) => t.jobs.claim([kind], 'w2', 1_150, 100))).toBeUndefined();
        // w1 goes silent: after the lease w2 takes over and w1 can no longer touch the job
        const taken = await tx(store, (t) => t.jobs.claim([kind], 'w2', 1_201, 100));
        expect(taken).toMatchObject({ id, claimedBy: 'w2', attempts: 2 });
        expect(await tx(store, (t) => t.jobs.renew(id, 'w1', 5_000))).toBe(false);
        expect(await tx(store, (t) => t.jobs.complete(id, 'w1'))).toBe(false);
        await tx(store, (t) => t.jobs.release(id, 'w2', 2_000, 'boom'));
        expect(await store.read((t) => t.jobs.get(id))).toMatchObject({ claimedBy: null, leaseUntil: null, runAfter: 2_000, lastError: 'boom' });
        expect(await tx(store, (t) => t.jobs.claim([kind], 'w3', 1_999, 100))).toBeUndefined();
        expect(await tx(store, (t) => t.jobs.claim([kind], 'w3', 2_000, 100))).toMatchObject({ id, attempts: 3 });
        expect(await tx(store, (t) => t.jobs.complete(id, 'w3'))).toBe(true);
        expect(await store.read((t) => t.jobs.get(id))).toBeUndefined();
        expect(await store.read((t) => t.jobs.list(kind))).toEqual([]);
      });

      it('claims due jobs oldest first and only of the asked kinds', async () => {
        const kind = `test.${newId()}`;
        const ids = await tx(store, async (t) => [
          await t.jobs.enqueue({ kind, payload: 1, runAfter: 30, now: 0 }),
          await t.jobs.enqueue({ kind, payload: 2, runAfter: 10, now: 0 }),
          await t.jobs.enqueue({ kind: `${kind}.other`, payload: 3, runAfter: 0, now: 0 }),
        ]);
        expect((await store.read((t) => t.jobs.list(kind))).map((j) => j.id)).toEqual(ids.slice(0, 2));
        const a = await tx(store, (t) => t.jobs.claim([kind], 'w', 100, 1_000));
        const b = await tx(store, (t) => t.jobs.claim([kind], 'w', 100, 1_000));
        expect([a?.payload, b?.payload]).toEqual([2, 1]);
        expect(await tx(store, (t) => t.jobs.claim([kind], 'w', 100, 1_000))).toBeUndefined();
      });

      if (makeShared)
        it('never gives one job to two instances claiming at once', async () => {
          const [s1, s2] = await makeShared();
          const kind = `test.${newId()}`;
          await tx(s1, async (t) => {
            for (let i = 0; i < 6; i++) await t.jobs.enqueue({ kind, payload: i, runAfter: 0, now: 0 });
          });
          const claims = await Promise.all(
            Array.from({ length: 8 }, (_, i) => tx(i % 2 ? s1 : s2, (t) => t.jobs.claim([kind], `w${i}`, 10, 60_000))),
          );
          const got = claims.filter((j) => j !== undefined).map((j) => j!.id);
          expect(got.length).toBe(6);
          expect(new Set(got).size).toBe(6);
        });
    });

    afterAll(async () => {
      // stores are closed by the factory's cleanup
    });
  });
