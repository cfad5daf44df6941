import { ScryptHasher } from '@spp/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeService, type FakeService, type FakeTlsMode } from '../support/fakeService.js';
import { approvedProvider, type ProviderSession } from '../support/providers.js';
import { addBot, createConversation, createService, registerUser, type UserSession } from '../support/world.js';

const fastHasher = () => ({ hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });

/** Everything a failed add must leave untouched: no member, no live bot, no bot user. */
const expectNothingLeft = async (app: TestApp, user: UserSession, convId: string, fake: FakeService) => {
  const conv = await app.req('GET', `/conversations/${convId}`, { token: user.token });
  expect(conv.json.members.others).toEqual([]);
  expect(await app.ctx.deps.store.read((tx) => tx.bots.countLive())).toBe(0);
  for (const r of fake.requests.filter((r) => r.path === '/bots')) {
    const profile = await app.req('GET', `/users/${r.json.id}`, { token: user.token });
    expect(profile.status).toBe(404);
  }
};

describe('adding a bot when the service or its TLS is wrong', () => {
  let app: TestApp;
  let provider: ProviderSession;
  let alice: UserSession;
  const fakes: FakeService[] = [];

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMITS: 'false' }, fastHasher());
    provider = await approvedProvider(app);
    alice = await registerUser(app, 'Alice');
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all(fakes.map((f) => f.close()));
  });

  const setup = async (opts: Parameters<typeof startFakeService>[0] = {}) => {
    const fake = await startFakeService(opts);
    fakes.push(fake);
    const serviceId = await createService(app, provider, fake);
    const convId = await createConversation(app, alice);
    return { fake, serviceId, convId };
  };

  it.each<[FakeTlsMode, string]>([
    ['wrong-key', 'PinFingerprintMismatch'],
    ['ca-signed', 'PinInvalidCert'],
    ['expired', 'PinInvalidCert'],
    ['tls13-only', 'TlsHandshakeFailed'],
  ])('%s certificate → 502 naming %s, no request sent, nothing left', async (tls, cause) => {
    const { fake, serviceId, convId } = await setup({ tls });
    const r = await addBot(app, alice, convId, provider.id, serviceId);
    expect(r.status).toBe(502);
    expect(r.json).toEqual({ code: 502, label: 'bad-gateway', message: `The upstream service returned an invalid response: ${cause}` });
    expect(fake.requests).toEqual([]);
    await expectNothingLeft(app, alice, convId, fake);
    const view = await app.req('GET', `/provider/services/${serviceId}`, { token: provider.token });
    expect(view.json.health).toMatchObject({ status: 'failing', consecutive_failures: 1, last_error: cause });
  });

  it.each<[string, number | 'hang', number, string]>([
    ['409', 409, 409, 'too-many-bots'],
    ['200 instead of 201', 200, 502, 'status 200'],
    ['500', 500, 502, 'status 500'],
  ])('service answers %s → %i, nothing left', async (_name, reply, status, cause) => {
    const { fake, serviceId, convId } = await setup({ behaviour: { createBot: reply } });
    const r = await addBot(app, alice, convId, provider.id, serviceId);
    expect(r.status).toBe(status);
    if (status === 502) expect(r.json.message).toBe(`The upstream service returned an invalid response: ${cause}`);
    else expect(r.json.label).toBe(cause);
    expect(fake.requests.filter((q) => q.path === '/bots')).toHaveLength(1);
    await expectNothingLeft(app, alice, convId, fake);
    // no bot was created, so nothing counts as a success
    const view = await app.req('GET', `/provider/services/${serviceId}`, { token: provider.token });
    expect(view.json.health.last_success_at).toBeNull();
  });

  it('a hanging service → 502 timeout after the 10 s deadline, nothing left', async () => {
    const { fake, serviceId, convId } = await setup({ behaviour: { createBot: 'hang' } });
    const started = Date.now();
    const r = await addBot(app, alice, convId, provider.id, serviceId);
    const took = Date.now() - started;
    expect(r.json.message).toBe('The upstream service returned an invalid response: timeout');
    expect(took).toBeGreaterThanOrEqual(9_500);
    await expectNothingLeft(app, alice, convId, fake);
  }, 20_000);

  it('prekeys whose identity is not among the declared fingerprints → 502 IdentityFingerprintMismatch', async () => {
    const fake = await startFakeService({ behaviour: { identity: 'per-bot' } });
    fakes.push(fake);
    const serviceId = await createService(app, provider, fake, { identityFingerprints: [fake.identityKeyHex] });
    const convId = await createConversation(app, alice);
    const r = await addBot(app, alice, convId, provider.id, serviceId);
    expect(r.json.message).toBe('The upstream service returned an invalid response: IdentityFingerprintMismatch');
    await expectNothingLeft(app, alice, convId, fake);
  });

  it('malformed prekey bundles → 502 MalformedPrekeys', async () => {
    const fake = await startFakeService({
      behaviour: { transformBotResponse: (b) => ({ ...b, prekeys: [{ id: 1, key: Buffer.from('not a bundle').toString('base64') }] }) },
    });
    fakes.push(fake);
    const serviceId = await createService(app, provider, fake);
    const convId = await createConversation(app, alice);
    const r = await addBot(app, alice, convId, provider.id, serviceId);
    expect(r.json.message).toBe('The upstream service returned an invalid response: MalformedPrekeys');
    await expectNothingLeft(app, alice, convId, fake);
  });
});

describe('OUTBOUND_TLS13', () => {
  it('lets a TLS-1.3-only service work, still pinned', async () => {
    const app = await startTestApp({ RATE_LIMITS: 'false', OUTBOUND_TLS13: 'true' }, fastHasher());
    const fake = await startFakeService({ tls: 'tls13-only' });
    try {
      const provider = await approvedProvider(app);
      const alice = await registerUser(app, 'Alice');
      const serviceId = await createService(app, provider, fake);
      const convId = await createConversation(app, alice);
      const r = await addBot(app, alice, convId, provider.id, serviceId);
      expect(r.status).toBe(201);
      expect(fake.handshakes.at(-1)?.protocol).toBe('TLSv1.3');
      fake.setTls('wrong-key');
      const convId2 = await createConversation(app, alice);
      const refused = await addBot(app, alice, convId2, provider.id, serviceId);
      expect(refused.json.message).toContain('PinFingerprintMismatch');
    } finally {
      await app.stop();
      await fake.close();
    }
  });
});
