import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as Proteus from '@wireapp/proteus';
import type { OutboundRequest, OutboundResult, ServiceEndpoint } from '@spp/domain';
import { UndiciServiceClient } from '../../packages/adapters/src/outbound-undici/index.js';
import { startFakeService, type FakeService } from '../support/fakeService.js';
import { fakeServiceCerts } from '../support/fakeServiceCerts.js';
import { createProteusParty, decodePrekeyBundle, type ProteusParty } from '../support/proteusBot.js';
import { spkiDerOfPem } from '../support/tls.js';

const BOT = '44444444-4444-4444-8444-444444444444';
const CLIENT = '3f9e1c2b7a5d4e60';
const USER = '33333333-3333-4333-8333-333333333333';
const USER_CLIENT = 'a1b2c3d4e5f60718';
const CONV = '55555555-5555-4555-8555-555555555555';
const BOT_TOKEN = 'sig.v=1.k=1.d=-1.t=b.l=.p=11111111-1111-4111-8111-111111111111.b=' + BOT + '.c=' + CONV;

const newBotRequest = (id = BOT) =>
  JSON.stringify({
    id,
    client: CLIENT,
    origin: { id: USER, name: 'Alice', accent_id: 1, handle: 'alice', team: null },
    conversation: { id: CONV, name: 'Team chat', members: [] },
    token: BOT_TOKEN,
    locale: 'en-US',
  });

const event = (type: string, data: unknown = { name: 'x' }) =>
  JSON.stringify({ type, conversation: CONV, from: USER, time: '2026-01-31T12:05:00.000Z', data });

let services: FakeService[] = [];
let clients: UndiciServiceClient[] = [];
let seq = 0;

async function fake(options: Parameters<typeof startFakeService>[0] = {}): Promise<FakeService> {
  const s = await startFakeService(options);
  services.push(s);
  return s;
}

function client(options: ConstructorParameters<typeof UndiciServiceClient>[0] = {}): UndiciServiceClient {
  const c = new UndiciServiceClient(options);
  clients.push(c);
  return c;
}

const endpointOf = (s: FakeService, token = s.authToken): ServiceEndpoint => ({
  serviceId: `svc-${++seq}`,
  baseUrl: s.url,
  pinnedKeys: [spkiDerOfPem(s.publicKeyPem)],
  authToken: token,
});

const createReq = (id = BOT, deadlineMs = 10_000): OutboundRequest => ({
  path: '/bots',
  body: newBotRequest(id),
  deadlineMs,
  maxResponseBytes: 1024 * 1024,
});

const deliveryReq = (botId: string, deliveryId: string, body = event('conversation.rename'), deadlineMs = 5_000): OutboundRequest => ({
  path: `/bots/${botId}/messages`,
  body,
  headers: { 'X-Delivery-Id': deliveryId },
  deadlineMs,
  maxResponseBytes: 0,
});

const outcome = (r: OutboundResult): number | string => (r.ok ? r.status : r.cause);

beforeAll(() => {
  fakeServiceCerts(); // once per file: three RSA keys
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(services.map((s) => s.close()));
  clients = [];
  services = [];
});

describe('fake service: the happy path with the real UndiciServiceClient', () => {
  it('POST /bots arrives with the bearer token and JSON; the answer is 201 with real Proteus prekeys', async () => {
    const svc = await fake();
    expect(svc.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api$/);
    const r = await client().post(endpointOf(svc), createReq());
    if (!r.ok) throw new Error(`${r.cause}: ${r.detail}`);
    expect(r.status).toBe(201);

    expect(svc.requests).toHaveLength(1);
    const seen = svc.requests[0]!;
    expect(seen).toMatchObject({ method: 'POST', path: '/bots', json: { id: BOT, client: CLIENT, token: BOT_TOKEN } });
    expect(seen.headers['authorization']).toBe(`Bearer ${svc.authToken}`);
    expect(seen.headers['content-type']).toBe('application/json');

    const body = JSON.parse(r.body);
    expect(body.prekeys.map((p: { id: number }) => p.id)).toEqual([1, 2, 3]);
    expect(body.last_prekey.id).toBe(65535);
    expect(body).not.toHaveProperty('name');
    for (const p of [...body.prekeys, body.last_prekey]) {
      const bytes = Buffer.from(p.key, 'base64');
      const bundle = Proteus.keys.PreKeyBundle.deserialise(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      expect(bundle.prekey_id).toBe(p.id);
      expect(bundle.identity_key.fingerprint()).toBe(svc.identityKeyHex);
    }

    const bot = svc.bots.get(BOT)!;
    expect(bot).toMatchObject({ id: BOT, clientId: CLIENT, token: BOT_TOKEN, locale: 'en-US', identityKeyHex: svc.identityKeyHex });
    expect(bot.conversation).toMatchObject({ id: CONV, name: 'Team chat' });
    expect(bot.origin).toMatchObject({ id: USER, handle: 'alice' });
    expect(bot.prekeys.map((p) => p.key)).toEqual(body.prekeys.map((p: { key: string }) => p.key));
    expect(await svc.waitForBots(1)).toEqual([bot]);
  });

  it('deliveries are recorded per bot in arrival order with their X-Delivery-Id; answered 200', async () => {
    const svc = await fake();
    const c = client();
    const ep = endpointOf(svc);
    expect(outcome(await c.post(ep, deliveryReq(BOT, 'd-1', event('conversation.member-join', { user_ids: [BOT] }))))).toBe(200);
    expect(outcome(await c.post(ep, deliveryReq('other-bot', 'd-2')))).toBe(200);
    expect(outcome(await c.post(ep, deliveryReq(BOT, 'd-3', event('conversation.rename', { name: 'R' }))))).toBe(200);
    const got = await svc.waitForEvents(BOT, 2, 1_000);
    expect(got.map((e) => [e.deliveryId, e.type, e.answer])).toEqual([
      ['d-1', 'conversation.member-join', 200],
      ['d-3', 'conversation.rename', 200],
    ]);
    expect(got[1]!.event).toMatchObject({ conversation: CONV, data: { name: 'R' } });
    expect(svc.events('other-bot').map((e) => e.deliveryId)).toEqual(['d-2']);
    expect(svc.requests.map((q) => q.path)).toEqual([`/bots/${BOT}/messages`, '/bots/other-bot/messages', `/bots/${BOT}/messages`]);
  });

  it('waitForEvents rejects with a readable message when too few arrive', async () => {
    const svc = await fake();
    await expect(svc.waitForEvents(BOT, 1, 100)).rejects.toThrow(/1 event\(s\) for bot .* \(have 0\)/);
  });

  it('a wrong bearer token gets 401 and creates nothing; unknown paths 404', async () => {
    const svc = await fake();
    const c = client();
    expect(outcome(await c.post(endpointOf(svc, 'not-the-token'), createReq()))).toBe(401);
    expect(outcome(await c.post(endpointOf(svc, 'not-the-token'), deliveryReq(BOT, 'd')))).toBe(401);
    expect(svc.bots.size).toBe(0);
    expect(svc.events(BOT)).toEqual([]);
    expect(outcome(await c.post(endpointOf(svc), { ...createReq(), path: '/elsewhere' }))).toBe(404);
  });
});

describe('fake service: behaviours', () => {
  it('POST /bots: 409, 200 (with a valid body), 500, profile overrides and transformed bodies', async () => {
    const svc = await fake({ behaviour: { createBot: 409 } });
    const c = client();
    const ep = endpointOf(svc);
    expect(await c.post(ep, createReq('b-409'))).toMatchObject({ ok: true, status: 409, body: '{}' });
    expect(svc.bots.has('b-409')).toBe(false);
    expect(svc.newBotRequests().map((b) => b.id)).toEqual(['b-409']);

    svc.setBehaviour({ createBot: 200 });
    const ok200 = await c.post(ep, createReq('b-200'));
    expect(outcome(ok200)).toBe(200);
    expect(JSON.parse(ok200.ok ? ok200.body : '{}').last_prekey.id).toBe(65535);

    svc.setBehaviour({ createBot: 500 });
    expect(outcome(await c.post(ep, createReq('b-500')))).toBe(500);

    svc.setBehaviour({
      createBot: 'ok',
      profile: { name: 'Echo', accent_id: 3, assets: [{ type: 'image', key: '3-1-k', size: 'preview' }] },
      prekeyCount: 1,
    });
    const withProfile = await c.post(ep, createReq('b-profile'));
    expect(JSON.parse(withProfile.ok ? withProfile.body : '{}')).toMatchObject({
      name: 'Echo',
      accent_id: 3,
      assets: [{ type: 'image', key: '3-1-k', size: 'preview' }],
      prekeys: [{ id: 1 }],
    });

    svc.setBehaviour({ transformBotResponse: (b) => ({ ...b, last_prekey: { ...b.last_prekey, id: 7 } }) });
    const wrongLast = await c.post(ep, createReq('b-t'));
    expect(JSON.parse(wrongLast.ok ? wrongLast.body : '{}').last_prekey.id).toBe(7);
    svc.setBehaviour({ transformBotResponse: undefined, createBot: { status: 201, body: 'not json' } });
    expect(await c.post(ep, createReq('b-raw'))).toMatchObject({ ok: true, status: 201, body: 'not json' });
  });

  it('per-bot identities differ from the service identity on request', async () => {
    const svc = await fake({ behaviour: { identity: 'per-bot' } });
    const r = await client().post(endpointOf(svc), createReq());
    const body = JSON.parse(r.ok ? r.body : '{}');
    const hex = (await decodePrekeyBundle(body.last_prekey.key)).identityKeyHex;
    expect(hex).toBe(svc.bots.get(BOT)!.identityKeyHex);
    expect(hex).not.toBe(svc.identityKeyHex);
  });

  it('hang: the client times out at its deadline, after connecting', async () => {
    const svc = await fake({ behaviour: { createBot: 'hang', deliveries: 'hang' } });
    const c = client();
    const started = Date.now();
    const r = await c.post(endpointOf(svc), createReq(BOT, 300));
    expect(r).toMatchObject({ ok: false, cause: 'timeout', beforeConnect: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(svc.requests).toHaveLength(1);
    expect(outcome(await c.post(endpointOf(svc), deliveryReq(BOT, 'd-h', event('conversation.rename'), 200)))).toBe('timeout');
    expect(svc.events(BOT).map((e) => e.answer)).toEqual(['hang']);
  });

  it('410 for one bot or all, 500s, and connection resets', async () => {
    const svc = await fake({ behaviour: { deliveriesFor: { [BOT]: 410 } } });
    const c = client();
    const ep = endpointOf(svc);
    expect(outcome(await c.post(ep, deliveryReq(BOT, 'a')))).toBe(410);
    expect(outcome(await c.post(ep, deliveryReq('other', 'b')))).toBe(200);
    svc.setBehaviour({ deliveries: 410, deliveriesFor: {} });
    expect(outcome(await c.post(ep, deliveryReq('other', 'c')))).toBe(410);
    svc.setBehaviour({ deliveries: 500 });
    expect(outcome(await c.post(ep, deliveryReq(BOT, 'd')))).toBe(500);
    svc.setBehaviour({ deliveries: { status: 503, body: 'busy' } });
    expect(outcome(await c.post(ep, deliveryReq(BOT, 'e')))).toBe(503);
    svc.setBehaviour({ deliveries: 'reset' });
    expect(await c.post(ep, deliveryReq(BOT, 'f'))).toMatchObject({ ok: false, cause: 'ConnectionFailure', beforeConnect: false });
    expect(svc.events(BOT).map((e) => [e.deliveryId, e.answer])).toEqual([
      ['a', 410],
      ['d', 500],
      ['e', 503],
      ['f', 'reset'],
    ]);
  });

  it('slow: answers after delayMs, or the client times out first', async () => {
    const svc = await fake({ behaviour: { delayMs: 250 } });
    const c = client();
    const ep = endpointOf(svc);
    const started = Date.now();
    expect(outcome(await c.post(ep, deliveryReq(BOT, 's1')))).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(outcome(await c.post(ep, deliveryReq(BOT, 's2', event('conversation.rename'), 100)))).toBe('timeout');
  });
});

describe('fake service: TLS modes', () => {
  it('TLS 1.3 only: the default (TLS 1.2) client fails the handshake; a TLS 1.3 client gets through', async () => {
    const svc = await fake({ tls: 'tls13-only' });
    expect(outcome(await client().post(endpointOf(svc), createReq()))).toBe('TlsHandshakeFailed');
    expect(svc.requests).toHaveLength(0);
    expect(outcome(await client({ tls13: true }).post(endpointOf(svc), createReq()))).toBe(201);
    expect(svc.handshakes.at(-1)!.protocol).toBe('TLSv1.3');
  });

  it('wrong key: PinFingerprintMismatch; expired self-signed and untrusted CA: PinInvalidCert; trusted CA: OK', async () => {
    const certs = fakeServiceCerts();
    const wrong = await fake({ tls: 'wrong-key' });
    expect(spkiDerOfPem(wrong.publicKeyPem).equals(certs.spkiDer)).toBe(true); // the registered key is unchanged
    expect(outcome(await client().post(endpointOf(wrong), createReq()))).toBe('PinFingerprintMismatch');

    const expired = await fake({ tls: 'expired' });
    expect(outcome(await client().post(endpointOf(expired), createReq()))).toBe('PinInvalidCert');

    const caSigned = await fake({ tls: 'ca-signed' });
    expect(outcome(await client().post(endpointOf(caSigned), createReq()))).toBe('PinInvalidCert');
    expect(outcome(await client({ extraCa: [certs.caCertPem] }).post(endpointOf(caSigned), createReq()))).toBe(201);

    for (const s of [wrong, expired]) expect(s.requests).toHaveLength(0);
  });

  it('setTls switches the certificate at runtime and drops pooled connections', async () => {
    const svc = await fake();
    const c = client();
    const ep = endpointOf(svc);
    expect(outcome(await c.post(ep, deliveryReq(BOT, '1')))).toBe(200);
    svc.setTls('wrong-key');
    expect(svc.tlsMode).toBe('wrong-key');
    expect(outcome(await c.post(ep, deliveryReq(BOT, '2')))).toBe('PinFingerprintMismatch');
    svc.setTls('self-signed');
    expect(outcome(await c.post(ep, deliveryReq(BOT, '3')))).toBe(200);
    expect(svc.events(BOT).map((e) => e.deliveryId)).toEqual(['1', '3']);
  });
});

/**
 * A stand-in for the platform's bot API, enough to check the bot client: it knows one user with one client and
 * answers the discovery flow (412 → prekeys → 201).
 */
async function startBotApiStub(user: ProteusParty): Promise<{ url: string; seen: Array<{ method: string; url: string; auth: string | undefined; body: any }>; close(): Promise<void> }> {
  const seen: Array<{ method: string; url: string; auth: string | undefined; body: any }> = [];
  const userPrekey = user.generatePrekeys(1)[0]!;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/bot/self') return json(200, { id: BOT, name: 'Echo' });
      if (req.url === '/bot/users/prekeys') return json(200, { [USER]: { [USER_CLIENT]: userPrekey } });
      if (req.url?.startsWith('/bot/messages')) {
        const has = body?.recipients?.[USER]?.[USER_CLIENT] !== undefined;
        const mismatch = { time: '2026-01-31T12:01:00.000Z', missing: has ? {} : { [USER]: [USER_CLIENT] }, redundant: {}, deleted: {} };
        return json(has ? 201 : 412, mismatch);
      }
      return json(404, { label: 'not-found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('fake service: speaking as the bot', () => {
  let user: ProteusParty;
  beforeAll(async () => {
    user = await createProteusParty();
  });

  it('decrypts a user’s otr-message-add sent to its prekey, and replies with sendText through the discovery flow', async () => {
    const svc = await fake();
    const c = client();
    const created = await c.post(endpointOf(svc), createReq());
    const botPrekey = JSON.parse(created.ok ? created.body : '{}').prekeys[0];

    // a user encrypts to the bot's prekey; the platform would deliver it as an otr-message-add
    const ciphertext = user.encrypt(`${BOT}@${CLIENT}`, 'hello bot', botPrekey.key);
    const otr = event('conversation.otr-message-add', { sender: USER_CLIENT, recipient: CLIENT, text: ciphertext });
    expect(outcome(await c.post(endpointOf(svc), deliveryReq(BOT, 'm-1', otr)))).toBe(200);
    const [received] = await svc.waitForEvents(BOT, 1);
    expect(await svc.decrypt(BOT, received!.event)).toBe('hello bot');

    const platform = await startBotApiStub(user);
    try {
      const bot = svc.botClient(BOT, platform.url);
      expect((await bot.self()).json).toEqual({ id: BOT, name: 'Echo' });
      const sent = await bot.sendText('hello user');
      expect(sent.response.status).toBe(201);
      // the session started by the user's message is reused: no prekey claim was needed
      expect(platform.seen.map((s) => s.url)).toEqual(['/bot/self', '/bot/messages', '/bot/messages']);
      expect(platform.seen.every((s) => s.auth === `Bearer ${BOT_TOKEN}`)).toBe(true);
      expect(platform.seen[1]!.body).toEqual({ sender: CLIENT, recipients: {} });
      const text = sent.recipients[USER]![USER_CLIENT]!;
      expect(await user.decryptText(`${BOT}@${CLIENT}`, text)).toBe('hello user');
    } finally {
      await platform.close();
    }
  });

  it('sendText claims prekeys for clients it has no session with', async () => {
    const svc = await fake();
    await client().post(endpointOf(svc), createReq());
    const other = await createProteusParty();
    const platform = await startBotApiStub(other);
    try {
      const sent = await svc.botClient(BOT, platform.url).sendText('first contact');
      expect(sent.response.status).toBe(201);
      expect(platform.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /bot/messages', 'POST /bot/users/prekeys', 'POST /bot/messages']);
      expect(platform.seen[1]!.body).toEqual({ [USER]: [USER_CLIENT] });
      expect(await other.decryptText('bot', sent.recipients[USER]![USER_CLIENT]!)).toBe('first contact');
    } finally {
      await platform.close();
    }
  });

  it('decrypt refuses events that are not otr-message-add, and unknown bots', async () => {
    const svc = await fake();
    await client().post(endpointOf(svc), createReq());
    await expect(svc.decrypt(BOT, JSON.parse(event('conversation.rename')))).rejects.toThrow(/not an otr-message-add/);
    await expect(svc.decrypt('nobody', {})).rejects.toThrow(/no bot nobody/);
  });
});
