import { afterAll, describe, expect, it } from 'vitest';
import { ScryptHasher } from '@spp/adapters';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.js';
import { createThrowawayDatabase, dropDatabases, postgresAdminUrl } from '../support/stores.js';

const adminUrl = postgresAdminUrl();
if (!adminUrl) throw new Error('PostgreSQL is needed: set TEST_DATABASE_URL or run a server on 127.0.0.1:5432');

const dbs: string[] = [];
const apps: TestApp[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop().catch(() => {})));
  await dropDatabases(adminUrl, dbs);
});

const status = (app: TestApp) => app.req('GET', '/i/status', { token: ADMIN_TOKEN });

describe('DATABASE_URL', () => {
  it('switches storage to PostgreSQL, and instances started at once share one migrated database', async () => {
    const db = await createThrowawayDatabase(adminUrl);
    dbs.push(db.name);
    const [a, b] = await Promise.all([startTestApp({ DATABASE_URL: db.url }), startTestApp({ DATABASE_URL: db.url })]);
    apps.push(a, b);
    expect(a.ctx.deps.store.kind).toBe('postgres');
    expect(a.logs.some((l) => l.includes('"storage":"postgres"'))).toBe(true);
    expect((await status(a)).json).toEqual({ status: 'ok' });
    expect((await status(b)).json).toEqual({ status: 'ok' });

    await a.ctx.deps.store.transaction((tx) => tx.rateLimits.putBucket('shared-key', { tokens: 3, updatedAt: 1000 }));
    expect(await b.ctx.deps.store.read((tx) => tx.rateLimits.getBucket('shared-key'))).toEqual({ tokens: 3, updatedAt: 1000 });
  });

  it('shares rate limits between instances, also under concurrent requests to both', async () => {
    const db = await createThrowawayDatabase(adminUrl);
    dbs.push(db.name);
    const cheap = { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) };
    const [a, b] = await Promise.all([startTestApp({ DATABASE_URL: db.url }, cheap), startTestApp({ DATABASE_URL: db.url }, cheap)]);
    apps.push(a, b);
    // the password bucket of one e-mail holds 5 tokens (providers.md §4) wherever the attempts land
    const login = (app: TestApp) =>
      app.req('POST', '/provider/login', { body: { email: 'nobody@example.com', password: 'not-the-password' } });
    const statuses = (await Promise.all(Array.from({ length: 10 }, (_, i) => login(i % 2 ? a : b)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(statuses.filter((s) => s === 403)).toHaveLength(5);
    expect((await login(a)).status).toBe(429);
    expect((await login(b)).status).toBe(429);
  });

  it('answers 503 on /i/status while the database is gone', async () => {
    const db = await createThrowawayDatabase(adminUrl);
    dbs.push(db.name);
    const app = await startTestApp({ DATABASE_URL: db.url });
    apps.push(app);
    expect((await status(app)).status).toBe(200);
    await dropDatabases(adminUrl, [db.name]);
    const res = await status(app);
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ status: 'unavailable' });
  });

  it('refuses to start when the database cannot be reached', async () => {
    await expect(startTestApp({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' })).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
