import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScryptHasher } from '@spp/adapters';
import { SERVICE_DELETION_JOB } from '@spp/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp, type TestResponse } from '../support/app.js';
import { startChildApp, type ChildApp } from '../support/childApp.js';
import { startFakeService, type FakeService } from '../support/fakeService.js';
import { approvedProvider, type ProviderSession } from '../support/providers.js';
import { createThrowawayDatabase, dropDatabases, postgresAdminUrl } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';
import { addBot, createConversation, createService, registerUser, type UserSession } from '../support/world.js';

const adminUrl = postgresAdminUrl();
if (!adminUrl) throw new Error('PostgreSQL is needed: set TEST_DATABASE_URL or run a server on 127.0.0.1:5432');

/**
 * Two instances of one deployment on one PostgreSQL database: A runs as its own process (so it can be killed),
 * B in this process. They share the database and the signing keys (one DATA_DIR) and nothing else.
 */
describe('two app instances on one database', () => {
  let db: { url: string; name: string };
  let dataDir: string;
  let a: ChildApp;
  let b: TestApp;
  let fake: FakeService;
  let provider: ProviderSession;
  let alice: UserSession;
  let deploymentEnv: Record<string, string>;

  /** a request to instance A, shaped like TestApp.req */
  const reqA = async (method: string, path: string, init: { body?: unknown; token?: string } = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = {};
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    const res = await fetch(a.url + path, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
  };
  const viaA = { req: reqA, ctx: undefined } as unknown as TestApp;

  beforeAll(async () => {
    db = await createThrowawayDatabase(adminUrl);
    dataDir = mkdtempSync(join(tmpdir(), 'spp-two-'));
    const env = {
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      INTERNAL_API: 'true',
      RATE_LIMITS: 'false',
      JOB_LEASE_SECONDS: '2',
    };
    // B serves requests only; A (a separate process) runs the background work until it is killed
    b = await startTestApp(env, { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) }, { workers: false });
    deploymentEnv = env;
    a = await startChildApp(env);
    fake = await startFakeService();
  });
  afterAll(async () => {
    await a?.kill().catch(() => {});
    await b?.stop();
    await fake?.close();
    await dropDatabases(adminUrl, [db.name]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a provider registered through one instance logs in through the other', async () => {
    const email = `two-${Date.now()}@acme.example`;
    const password = 'correct horse battery staple';
    const reg = await reqA('POST', '/provider/register', {
      body: { name: 'Two', email, url: 'https://acme.example/', description: 'Two instances.', password },
    });
    expect(reg.status).toBe(201);
    const code = await b.req('GET', `/i/provider/activation-code?email=${encodeURIComponent(email)}`, { token: ADMIN_TOKEN });
    expect((await reqA('GET', `/provider/activate?key=${code.json.key}&code=${code.json.code}`)).status).toBe(200);
    expect((await b.req('POST', `/i/providers/${reg.json.id}/approve`, { token: ADMIN_TOKEN })).status).toBe(200);
    const login = await b.req('POST', '/provider/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const token = /zprovider=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
    // a token minted by B is accepted by A (same signing keys)
    expect((await reqA('GET', '/provider', { token })).json).toMatchObject({ id: reg.json.id, status: 'approved' });
  });

  it('a bot added through one instance is removed through the other; events sent through both arrive once, in order', async () => {
    provider = await approvedProvider(b);
    const serviceId = await createService(b, provider, fake);
    alice = await registerUser(b, 'Alice');
    const convId = await createConversation(b, alice);
    const added = await addBot(viaA, alice, convId, provider.id, serviceId);
    expect(added.status).toBe(201);
    const botId: string = added.json.id;

    for (let i = 0; i < 12; i++) {
      const via = i % 2 === 0 ? reqA : b.req;
      expect((await via('PUT', `/conversations/${convId}/name`, { token: alice.token, body: { name: `name ${i}` } })).status).toBe(200);
    }
    const events = await fake.waitForEvents(botId, 13, 10_000);
    expect(events.map((e) => e.type)).toEqual(['conversation.member-join', ...Array(12).fill('conversation.rename')]);
    expect(events.slice(1).map((e) => e.event.data.name)).toEqual(Array.from({ length: 12 }, (_, i) => `name ${i}`));
    expect(new Set(events.map((e) => e.deliveryId)).size).toBe(13);

    const removed = await b.req('DELETE', `/conversations/${convId}/bots/${botId}`, { token: alice.token });
    expect(removed.status).toBe(200);
    const last = await fake.waitForEvents(botId, 14, 10_000);
    expect(last.at(-1)!.type).toBe('conversation.member-leave');
    expect((await fake.botClient(botId, a.url).conversation()).json.label).toBe('no-conversation');
  });

  it('killing the instance in the middle of a service-deletion job leaves another instance to finish it', async () => {
    const fake2 = await startFakeService();
    try {
      const sid = await createService(b, provider, fake2, { name: 'Many bots' });
      // one bot per conversation: three pages of the deletion job, without every bot hearing of every other
      const convIds: string[] = [];
      for (let i = 0; i < 45; i++) {
        const convId = await createConversation(b, alice);
        convIds.push(convId);
        expect((await addBot(b, alice, convId, provider.id, sid)).status).toBe(201);
      }

      // B runs no background work, so the job can only go to A
      expect((await reqA('DELETE', `/provider/services/${sid}`, { token: provider.token, body: { password: provider.password } })).status).toBe(202);
      const store = b.ctx.deps.store;
      const claimed = await waitUntil(
        async () => (await store.read((tx) => tx.jobs.list(SERVICE_DELETION_JOB))).find((j) => j.claimedBy !== null),
        10_000,
        'job claimed',
      );
      await a.kill();
      expect(claimed.claimedBy).toContain(`:${a.process.pid}:`);
      const left = await store.read((tx) => tx.bots.listLiveByService(sid, 1000));
      const jobs = await store.read((tx) => tx.jobs.list(SERVICE_DELETION_JOB));
      expect(jobs).toHaveLength(1); // A died before finishing
      expect(left.length).toBeGreaterThan(0);

      // another instance of the deployment starts; once A's lease has run out it resumes the job and finishes it
      const c = await startTestApp(deploymentEnv, { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });
      try {
        await waitUntil(async () => (await store.read((tx) => tx.services.get(sid))) === undefined, 20_000, 'service gone');
        expect(await store.read((tx) => tx.bots.listLiveByService(sid, 1000))).toEqual([]);
        expect(await store.read((tx) => tx.jobs.list(SERVICE_DELETION_JOB))).toEqual([]);
        for (const convId of convIds) {
          const conv = await c.req('GET', `/conversations/${convId}`, { token: alice.token });
          expect(conv.json.members.others).toEqual([]);
        }
      } finally {
        await c.stop();
      }
    } finally {
      await fake2.close();
    }
  }, 90_000);
});
