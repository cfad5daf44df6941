import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE_DELETION_JOB } from '@spp/domain';
import type { TestApp } from '../support/app.js';
import { approvedProvider } from '../support/providers.js';
import { createThrowawayDatabase, dropDatabases, postgresAdminUrl } from '../support/stores.js';
import { createServiceOk, enable, startServiceApp } from '../services/support.js';

const adminUrl = postgresAdminUrl();
if (!adminUrl) throw new Error('PostgreSQL is needed: set TEST_DATABASE_URL or run a server on 127.0.0.1:5432');

const dbs: string[] = [];
const dirs: string[] = [];
const apps: TestApp[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop().catch(() => {})));
  await dropDatabases(adminUrl, dbs);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** what instances of one deployment share: the database and the signing keys (here: one DATA_DIR) */
const deployment = async () => {
  const db = await createThrowawayDatabase(adminUrl);
  dbs.push(db.name);
  const dir = mkdtempSync(join(tmpdir(), 'spp-multi-'));
  dirs.push(dir);
  return { DATABASE_URL: db.url, DATA_DIR: dir };
};

const until = async (check: () => Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('several instances on one PostgreSQL database', () => {
  it('another instance resumes a durable job whose instance died holding its lease', async () => {
    const env = await deployment();
    const a = await startServiceApp(env, { workers: false });
    apps.push(a);
    const p = await approvedProvider(a);
    const sid = await createServiceOk(a, p.token, { name: 'Orphaned Job' });
    await enable(a, p, sid);
    expect((await a.req('DELETE', `/provider/services/${sid}`, { token: p.token, body: { password: p.password } })).status).toBe(202);
    // instance A claims the job and dies before finishing it: its lease (short here) is all that is left of it
    const claimed = await a.ctx.deps.store.transaction((tx) => tx.jobs.claim([SERVICE_DELETION_JOB], 'instance-a', Date.now(), 400));
    expect(claimed?.claimedBy).toBe('instance-a');
    await a.stop();

    const b = await startServiceApp(env);
    apps.push(b);
    await until(async () => (await b.ctx.deps.store.read((tx) => tx.services.get(sid))) === undefined);
    expect(await b.ctx.deps.store.read((tx) => tx.jobs.list(SERVICE_DELETION_JOB))).toEqual([]);
    expect((await b.req('GET', `/provider/services/${sid}`, { token: p.token })).status).toBe(404);
  });

  it('gives a job to one instance at a time while several poll', async () => {
    const env = await deployment();
    const instances = await Promise.all([0, 1, 2].map(() => startServiceApp(env, { workers: false })));
    apps.push(...instances);
    const store = instances[0]!.ctx.deps.store;
    const ids = await store.transaction(async (tx) =>
      Promise.all(Array.from({ length: 6 }, (_, i) => tx.jobs.enqueue({ kind: 'test.kind', payload: { i }, runAfter: 0, now: 0 }))),
    );
    // every instance claims as fast as it can; each job must end up with exactly one holder
    const claims = await Promise.all(
      instances.flatMap((app, n) =>
        Array.from({ length: 4 }, () => app.ctx.deps.store.transaction((tx) => tx.jobs.claim(['test.kind'], `i${n}`, Date.now(), 60_000))),
      ),
    );
    const got = claims.flatMap((j) => (j ? [j.id] : []));
    expect(got.sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
  });
});
