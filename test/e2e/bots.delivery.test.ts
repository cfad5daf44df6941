import { ScryptHasher } from '@spp/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.js';
import { startFakeService, type FakeService } from '../support/fakeService.js';
import { approvedProvider, type ProviderSession } from '../support/providers.js';
import { addBot, createConversation, createService, registerUser, type UserSession } from '../support/world.js';
import { waitUntil } from '../support/wait.js';

const rename = (app: TestApp, user: UserSession, convId: string, name: string) =>
  app.req('PUT', `/conversations/${convId}/name`, { token: user.token, body: { name } });

describe('event delivery: isolation and the circuit breaker', () => {
  let app: TestApp;
  let provider: ProviderSession;
  let alice: UserSession;
  const fakes: FakeService[] = [];

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMITS: 'false' }, { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });
    provider = await approvedProvider(app);
    alice = await registerUser(app, 'Alice');
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all(fakes.map((f) => f.close()));
  });

  const service = async (name: string) => {
    const fake = await startFakeService();
    fakes.push(fake);
    return { fake, id: await createService(app, provider, fake, { name }) };
  };

  it('a hanging service does not delay deliveries to a healthy one, and user requests never wait', async () => {
    const hanging = await service('Hanging');
    const healthy = await service('Healthy');
    const convId = await createConversation(app, alice);
    const slowBot = (await addBot(app, alice, convId, provider.id, hanging.id)).json.id;
    await hanging.fake.waitForEvents(slowBot, 1);
    hanging.fake.setBehaviour({ deliveries: 'hang' });
    const fastBot = (await addBot(app, alice, convId, provider.id, healthy.id)).json.id;

    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      expect((await rename(app, alice, convId, `name ${i}`)).status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(1_000);
    }
    const events = await healthy.fake.waitForEvents(fastBot, 6, 3_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(events.slice(1).map((e) => e.event.data.name)).toEqual(['name 0', 'name 1', 'name 2', 'name 3', 'name 4']);
    // the hanging service got the first item and is still stuck on it
    expect(hanging.fake.events(slowBot).filter((e) => e.answer === 'hang').length).toBeGreaterThanOrEqual(1);
  });

  it('opens the breaker after 20 consecutive failures, drops while open, probes after 1 s and closes on success', async () => {
    const { fake, id } = await service('Flaky');
    const convId = await createConversation(app, alice);
    const botId = (await addBot(app, alice, convId, provider.id, id)).json.id;
    await fake.waitForEvents(botId, 1);
    fake.setTls('wrong-key'); // pin failures are not retried, so the breaker fills quickly

    for (let i = 0; i < 20; i++) await rename(app, alice, convId, `fail ${i}`);
    const health = async () => (await app.req('GET', `/provider/services/${id}`, { token: provider.token })).json.health;
    await waitUntil(async () => (await health()).status === 'penalised');
    const open = await health();
    expect(open).toMatchObject({ status: 'penalised', consecutive_failures: 20, failed: 20, last_error: 'PinFingerprintMismatch' });
    expect(open.probe_at).not.toBeNull();
    const metrics = await app.req('GET', '/i/metrics', { token: ADMIN_TOKEN });
    expect(metrics.text).toContain(`service_breaker_open{service="${id}"} 1`);

    // while open and before probe_at, items are dropped without a request
    const handshakesBefore = fake.tlsErrors.length + fake.handshakes.length;
    await rename(app, alice, convId, 'dropped');
    await waitUntil(async () => (await health()).dropped >= 1);
    expect(fake.tlsErrors.length + fake.handshakes.length).toBe(handshakesBefore);

    // the service is fixed; after the backoff the next item is the probe, which closes the breaker
    fake.setTls('self-signed');
    await new Promise((r) => setTimeout(r, 1_100));
    await rename(app, alice, convId, 'probe');
    await waitUntil(async () => (await health()).status === 'healthy');
    const events = await fake.waitForEvents(botId, 2);
    expect(events.at(-1)!.event.data.name).toBe('probe');
    expect((await health()).delivered).toBeGreaterThanOrEqual(2);
  });

  it('a disabled service receives nothing; its items are counted as dropped', async () => {
    const { fake, id } = await service('Paused');
    const convId = await createConversation(app, alice);
    const botId = (await addBot(app, alice, convId, provider.id, id)).json.id;
    await fake.waitForEvents(botId, 1);
    const off = await app.req('PUT', `/provider/services/${id}/connection`, {
      token: provider.token,
      body: { password: provider.password, enabled: false },
    });
    expect(off.status).toBe(200);
    await rename(app, alice, convId, 'unseen');
    const health = async () => (await app.req('GET', `/provider/services/${id}`, { token: provider.token })).json.health;
    await waitUntil(async () => (await health()).dropped >= 1);
    expect(fake.events(botId)).toHaveLength(1);
  });
});

