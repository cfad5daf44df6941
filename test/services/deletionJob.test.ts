import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Effect } from 'effect';
import { FakeClock, openSqliteStore } from '@spp/adapters';
import {
  claimServiceDeletion,
  deleteServicesOfProvider,
  freshHealth,
  JOB_LEASE_MS,
  runServiceDeletion,
  SERVICE_DELETION_JOB,
  serviceDeletionStep,
  transact,
  type ConversationHost,
  type Deps,
  type RemoveBots,
  type Store,
} from '@spp/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceRecord } from '../contract/services.contract.js';
import { startServiceApp, createServiceOk, enable, newUser } from './support.js';
import { approvedProvider } from '../support/providers.js';

const host = {} as ConversationHost;
const depsOf = (store: Store, clock: FakeClock) => ({ store, clock }) as unknown as Deps;

/** a bot remover standing in for the bots area: `bots` live bots, removed up to `limit` per call */
const fakeBots = (count: { bots: number; calls: number }): RemoveBots => (_d, _h, _tx, _sid, limit) =>
  Effect.sync(() => {
    count.calls += 1;
    const n = Math.min(limit, count.bots);
    count.bots -= n;
    return n;
  });

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dbFile = () => {
  const d = mkdtempSync(join(tmpdir(), 'spp-job-'));
  dirs.push(d);
  return join(d, 'platform.db');
};

describe('durable service deletion (S4 → S5)', () => {
  it('provider deletion sets every live service deleting and queues one job each', async () => {
    const store = await openSqliteStore(':memory:');
    const deps = depsOf(store, new FakeClock());
    const providerId = '11111111-1111-4111-8111-111111111111';
    const services = [
      serviceRecord({ providerId, name: 'a', state: 'enabled' }),
      serviceRecord({ providerId, name: 'b', state: 'disabled' }),
      serviceRecord({ providerId, name: 'c', state: 'deleting' }),
      serviceRecord({ name: 'other provider', providerId: '22222222-2222-4222-8222-222222222222' }),
    ];
    await store.transaction(async (tx) => {
      for (const s of services) await tx.services.put(s);
    });
    await Effect.runPromise(transact(store, (tx) => deleteServicesOfProvider(deps, tx, providerId)));
    const states = await store.read((tx) => Promise.all(services.map(async (s) => (await tx.services.get(s.id))!.state)));
    expect(states).toEqual(['deleting', 'deleting', 'deleting', 'enabled']);
    const jobs = await store.read((tx) => tx.jobs.list(SERVICE_DELETION_JOB));
    expect(jobs.map((j) => j.payload)).toEqual([{ serviceId: services[0]!.id }, { serviceId: services[1]!.id }]);
    expect(await store.read((tx) => tx.services.search({ prefix: 'a', limit: 5 }))).toEqual([]);
    await store.close();
  });

  it('removes bots one page per transaction, then the service, its whitelist rows, health and the job', async () => {
    const store = await openSqliteStore(':memory:');
    const deps = depsOf(store, new FakeClock());
    const s = serviceRecord({ state: 'deleting' });
    await store.transaction(async (tx) => {
      await tx.services.put(s);
      await tx.services.putHealth(s.id, freshHealth());
      await tx.services.addToWhitelist('66666666-6666-4666-8666-666666666666', s.id, 1);
      await tx.jobs.enqueue({ kind: SERVICE_DELETION_JOB, payload: { serviceId: s.id }, runAfter: 0, now: 0 });
    });
    const count = { bots: 45, calls: 0 };
    const job = (await Effect.runPromise(claimServiceDeletion(deps, 'w1')))!;
    expect(await Effect.runPromise(runServiceDeletion(deps, host, job, 'w1', fakeBots(count)))).toBe('done');
    expect(count).toEqual({ bots: 0, calls: 4 }); // 20 + 20 + 5, then the empty page
    await store.read(async (tx) => {
      expect(await tx.services.get(s.id)).toBeUndefined();
      expect(await tx.services.getHealth(s.id)).toBeUndefined();
      expect(await tx.services.isWhitelisted('66666666-6666-4666-8666-666666666666', s.id)).toBe(false);
      expect(await tx.jobs.list(SERVICE_DELETION_JOB)).toEqual([]);
    });
    // running the finished job again is harmless
    expect(await Effect.runPromise(serviceDeletionStep(deps, host, job, 'w1', fakeBots(count)))).toBe('lost');
    await store.close();
  });

  it('survives a crash between steps: after the lease another worker resumes on the same database file', async () => {
    const file = dbFile();
    const clock = new FakeClock();
    const s = serviceRecord({ state: 'enabled' });
    const count = { bots: 30, calls: 0 };

    const first = await openSqliteStore(file);
    const deps1 = depsOf(first, clock);
    await first.transaction((tx) => tx.services.put(s));
    await Effect.runPromise(transact(first, (tx) => deleteServicesOfProvider(deps1, tx, s.providerId)));
    const job = (await Effect.runPromise(claimServiceDeletion(deps1, 'crashing-worker')))!;
    expect(await Effect.runPromise(serviceDeletionStep(deps1, host, job, 'crashing-worker', fakeBots(count)))).toBe('more');
    expect(count.bots).toBe(10);
    await first.close(); // the process dies here, holding the lease

    const second = await openSqliteStore(file);
    const deps2 = depsOf(second, clock);
    expect(await Effect.runPromise(claimServiceDeletion(deps2, 'next-worker'))).toBeUndefined(); // lease still held
    clock.advance(JOB_LEASE_MS + 1);
    const resumed = (await Effect.runPromise(claimServiceDeletion(deps2, 'next-worker')))!;
    expect(resumed).toMatchObject({ id: job.id, attempts: 2, payload: { serviceId: s.id } });
    expect(await Effect.runPromise(runServiceDeletion(deps2, host, resumed, 'next-worker', fakeBots(count)))).toBe('done');
    expect(count.bots).toBe(0);
    expect(await second.read((tx) => tx.services.get(s.id))).toBeUndefined();
    expect(await second.read((tx) => tx.jobs.list(SERVICE_DELETION_JOB))).toEqual([]);
    await second.close();
  });

  it('a worker that lost its lease stops touching the job', async () => {
    const store = await openSqliteStore(':memory:');
    const clock = new FakeClock();
    const deps = depsOf(store, clock);
    const s = serviceRecord({ state: 'deleting' });
    await store.transaction(async (tx) => {
      await tx.services.put(s);
      await tx.jobs.enqueue({ kind: SERVICE_DELETION_JOB, payload: { serviceId: s.id }, runAfter: 0, now: 0 });
    });
    const slow = (await Effect.runPromise(claimServiceDeletion(deps, 'slow')))!;
    clock.advance(JOB_LEASE_MS + 1);
    const fast = (await Effect.runPromise(claimServiceDeletion(deps, 'fast')))!;
    expect(await Effect.runPromise(serviceDeletionStep(deps, host, slow, 'slow', fakeBots({ bots: 0, calls: 0 })))).toBe('lost');
    expect(await store.read((tx) => tx.services.get(s.id))).toBeDefined();
    expect(await Effect.runPromise(serviceDeletionStep(deps, host, fast, 'fast', fakeBots({ bots: 0, calls: 0 })))).toBe('done');
    expect(await store.read((tx) => tx.services.get(s.id))).toBeUndefined();
    await store.close();
  });
});

describe('service deletion through the app', () => {
  it('a job queued before a stop completes after a restart on the same DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spp-restart-'));
    dirs.push(dataDir);
    const app1 = await startServiceApp({ DATA_DIR: dataDir }, { workers: false });
    const p = await approvedProvider(app1);
    const sid = await createServiceOk(app1, p.token, { name: 'Restart Me' });
    await enable(app1, p, sid);
    const wl = await newUser(app1);
    const team = (await app1.req('POST', '/teams', { token: wl.token, body: { name: 'T' } })).json.id;
    expect((await app1.req('POST', `/teams/${team}/services/whitelist`, { token: wl.token, body: { provider: p.id, id: sid, whitelisted: true } })).status).toBe(200);
    expect((await app1.req('DELETE', `/provider/services/${sid}`, { token: p.token, body: { password: p.password } })).status).toBe(202);
    expect((await app1.req('GET', `/services?start=restart`, { token: wl.token })).json.services).toEqual([]);
    expect(await app1.ctx.deps.store.read((tx) => tx.jobs.list(SERVICE_DELETION_JOB))).toHaveLength(1);
    expect((await app1.ctx.deps.store.read((tx) => tx.services.get(sid)))?.state).toBe('deleting');
    await app1.stop();

    const app2 = await startServiceApp({ DATA_DIR: dataDir });
    try {
      const deadline = Date.now() + 10_000;
      while ((await app2.ctx.deps.store.read((tx) => tx.services.get(sid))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await app2.ctx.deps.store.read(async (tx) => {
        expect(await tx.services.get(sid)).toBeUndefined();
        expect(await tx.services.isWhitelisted(team, sid)).toBe(false);
        expect(await tx.jobs.list(SERVICE_DELETION_JOB)).toEqual([]);
      });
      expect((await app2.req('GET', `/providers/${p.id}/services/${sid}`, { token: wl.token })).status).toBe(404);
    } finally {
      await app2.stop();
    }
  });
});
