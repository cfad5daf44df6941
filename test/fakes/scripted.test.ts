import { describe, expect, it } from 'vitest';
import { Effect } from 'effect';
import { createBotCall, deliver, type Deps, type OutboundRequest, type OutboundResult, type ServiceEndpoint } from '@spp/domain';
import {
  FakeClock,
  ScriptedServiceClient,
  SeededRandom,
  fixedPrekeys,
  proteusPrekeys,
  scripted,
  scriptedIdentityKeyHex,
  type ScriptedPrekeySet,
} from '@spp/adapters';
import { createProteusParty, decodePrekeyBundle } from '../support/proteusBot.js';

const KEY_A = new Uint8Array([1, 2, 3, 4]);
const KEY_B = new Uint8Array([9, 9, 9]);

const endpoint = (serviceId: string, keys: readonly Uint8Array[] = [KEY_A]): ServiceEndpoint => ({
  serviceId,
  baseUrl: 'https://svc.example/api/',
  pinnedKeys: keys,
  authToken: `token-of-${serviceId}`,
});

const newBot = (botId: string): OutboundRequest => ({
  path: '/bots',
  body: JSON.stringify({ id: botId, client: 'c1', token: 'bot-token', locale: 'en' }),
  deadlineMs: 10_000,
  maxResponseBytes: 1024 * 1024,
});

let deliverySeq = 0;
const delivery = (botId: string, type = 'conversation.rename', extra: Record<string, unknown> = {}): OutboundRequest => ({
  path: `/bots/${botId}/messages`,
  body: JSON.stringify({ type, conversation: 'cnv', data: { name: 'x' }, ...extra }),
  headers: { 'X-Delivery-Id': `d-${++deliverySeq}` },
  deadlineMs: 5_000,
  maxResponseBytes: 0,
});

const setup = () => {
  const clock = new FakeClock();
  return { clock, client: new ScriptedServiceClient({ clock }) };
};

const status = (r: OutboundResult): number | string => (r.ok ? r.status : r.cause);

/** Lets pending promise callbacks run (the scripted client does nothing on timers). */
const flush = () => new Promise<void>((r) => setImmediate(r));

describe('ScriptedServiceClient: answers', () => {
  it('an unregistered service is unreachable before connect and nothing reaches it', async () => {
    const { client } = setup();
    const r = await client.post(endpoint('nope'), newBot('b1'));
    expect(r).toMatchObject({ ok: false, cause: 'ConnectionFailure', beforeConnect: true });
    expect(client.calls).toHaveLength(1);
    expect(client.calls[0]!.reached).toBe(false);
    expect(client.newBotRequests()).toEqual([]);
  });

  it('POST /bots answers 201 with a NewBotResponse of decodable bundles; ids match; one identity per service', async () => {
    const { client } = setup();
    client.register('svc');
    const r = await client.post(endpoint('svc'), newBot('bot-1'));
    if (!r.ok) throw new Error(r.cause);
    expect(r.status).toBe(201);
    expect(r.tooLarge).toBe(false);
    const body = JSON.parse(r.body) as ScriptedPrekeySet & Record<string, unknown>;
    expect(body.prekeys.map((p) => p.id)).toEqual([1, 2]);
    expect(body.last_prekey.id).toBe(65535);
    expect(body).not.toHaveProperty('name');
    for (const p of [...body.prekeys, body.last_prekey]) {
      const decoded = await decodePrekeyBundle(p.key);
      expect(decoded.prekeyId).toBe(p.id);
      expect(decoded.identityKeyHex).toBe(scriptedIdentityKeyHex('svc'));
    }
    // deterministic: the same bot gets the same bytes, another bot other prekeys with the same identity
    const again = await client.post(endpoint('svc'), newBot('bot-1'));
    expect(again.ok && again.body).toBe(r.body);
    const other = await client.post(endpoint('svc'), newBot('bot-2'));
    const otherBody = JSON.parse(other.ok ? other.body : '{}') as ScriptedPrekeySet;
    expect(otherBody.prekeys[0]!.key).not.toBe(body.prekeys[0]!.key);
    expect((await decodePrekeyBundle(otherBody.prekeys[0]!.key)).identityKeyHex).toBe(scriptedIdentityKeyHex('svc'));
    expect(scriptedIdentityKeyHex('svc')).not.toBe(scriptedIdentityKeyHex('svc-2'));
    expect(client.newBotRequests('svc').map((b) => (b as { id: string }).id)).toEqual(['bot-1', 'bot-1', 'bot-2']);
  });

  it('created() takes profile overrides, a prekey count, another status and a body transform', async () => {
    const { client } = setup();
    client.register('svc', {
      bots: scripted.created({ name: 'Echo', accent_id: 3, assets: [{ type: 'image', key: 'k', size: 'preview' }], prekeyCount: 0 }),
    });
    const r = await client.post(endpoint('svc'), newBot('b'));
    const body = JSON.parse(r.ok ? r.body : '{}');
    expect(body).toMatchObject({ name: 'Echo', accent_id: 3, assets: [{ type: 'image', key: 'k', size: 'preview' }], prekeys: [] });
    expect(body.last_prekey.id).toBe(65535);

    client.update('svc', { bots: scripted.created({ status: 200 }) });
    expect(status(await client.post(endpoint('svc'), newBot('b')))).toBe(200);

    client.update('svc', { bots: scripted.created({ transform: (res) => ({ ...res, last_prekey: { ...res.last_prekey, id: 1 } }) }) });
    const bad = await client.post(endpoint('svc'), newBot('b'));
    expect(JSON.parse(bad.ok ? bad.body : '{}').last_prekey.id).toBe(1);

    client.update('svc', { bots: scripted.created({ transform: () => '{not json' }) });
    const raw = await client.post(endpoint('svc'), newBot('b'));
    expect(raw).toEqual({ ok: true, status: 201, body: '{not json', tooLarge: false });
  });

  it('409, 410, any status and 5xx as scripted', async () => {
    const { client } = setup();
    client.register('svc', { bots: scripted.conflict(), messages: scripted.gone() });
    expect(status(await client.post(endpoint('svc'), newBot('b')))).toBe(409);
    expect(status(await client.post(endpoint('svc'), delivery('b')))).toBe(410);
    client.update('svc', { bots: scripted.status(302, 'moved'), messages: scripted.serverError(503) });
    expect(await client.post(endpoint('svc'), newBot('b'))).toEqual({ ok: true, status: 302, body: 'moved', tooLarge: false });
    expect(status(await client.post(endpoint('svc'), delivery('b')))).toBe(503);
    client.update('svc', { bots: scripted.json(200, { hello: 1 }) });
    expect(await client.post(endpoint('svc'), newBot('b'))).toEqual({ ok: true, status: 200, body: '{"hello":1}', tooLarge: false });
  });

  it('deliveries answer 200 by default; other paths 404; bodies over maxResponseBytes are tooLarge', async () => {
    const { client } = setup();
    client.register('svc');
    expect(await client.post(endpoint('svc'), delivery('b'))).toEqual({ ok: true, status: 200, body: '', tooLarge: false });
    expect(status(await client.post(endpoint('svc'), { ...newBot('b'), path: '/elsewhere' }))).toBe(404);
    client.update('svc', { messages: scripted.ok('{"ack":true}') });
    expect(await client.post(endpoint('svc'), delivery('b'))).toEqual({ ok: true, status: 200, body: '', tooLarge: true });
  });

  it('per bot beats per event type beats the messages default', async () => {
    const { client } = setup();
    client.register('svc', {
      messages: scripted.status(202),
      byEventType: { 'conversation.member-leave': scripted.status(404) },
      byBot: { special: scripted.gone() },
    });
    expect(status(await client.post(endpoint('svc'), delivery('b', 'conversation.rename')))).toBe(202);
    expect(status(await client.post(endpoint('svc'), delivery('b', 'conversation.member-leave')))).toBe(404);
    expect(status(await client.post(endpoint('svc'), delivery('special', 'conversation.member-leave')))).toBe(410);
    client.setBotBehaviour('svc', 'other', scripted.serverError());
    expect(status(await client.post(endpoint('svc'), delivery('other')))).toBe(500);
    expect(status(await client.post(endpoint('svc'), delivery('special')))).toBe(410);
    client.setBotBehaviour('svc', 'special', undefined);
    expect(status(await client.post(endpoint('svc'), delivery('special')))).toBe(202);
  });

  it('sequences and functions of the request', async () => {
    const { client } = setup();
    client.register('svc', {
      messages: scripted.sequence(scripted.serverError(), scripted.serverError(502), scripted.ok()),
      bots: (call) => ((call.json as { id: string }).id === 'full' ? scripted.conflict() : scripted.created()),
    });
    const seen: Array<number | string> = [];
    for (let i = 0; i < 4; i++) seen.push(status(await client.post(endpoint('svc'), delivery('b'))));
    expect(seen).toEqual([500, 502, 200, 200]);
    expect(status(await client.post(endpoint('svc'), newBot('full')))).toBe(409);
    expect(status(await client.post(endpoint('svc'), newBot('fine')))).toBe(201);
  });
});

describe('ScriptedServiceClient: time and transport failures', () => {
  it('hang waits on the clock for the whole deadline, then times out (after connect)', async () => {
    const { client, clock } = setup();
    client.register('svc', { bots: scripted.hang() });
    let result: OutboundResult | undefined;
    void client.post(endpoint('svc'), newBot('b')).then((r) => (result = r));
    expect(client.inFlight).toHaveLength(1);
    clock.advance(9_999);
    await flush();
    expect(result).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(result).toMatchObject({ ok: false, cause: 'timeout', beforeConnect: false });
    expect(client.calls[0]!.reached).toBe(true);
    expect(client.calls[0]!.answeredAt! - client.calls[0]!.at).toBe(10_000);
    expect(client.inFlight).toHaveLength(0);
  });

  it('slow(ms) answers after ms, or times out at the deadline when ms is not shorter', async () => {
    const { client, clock } = setup();
    client.register('svc', { messages: scripted.slow(1_500, scripted.gone()), bots: scripted.slow(300) });
    const results: OutboundResult[] = [];
    void client.post(endpoint('svc'), delivery('b')).then((r) => results.push(r));
    void client.post(endpoint('svc'), newBot('b')).then((r) => results.push(r));
    clock.advance(300);
    await flush();
    expect(results.map(status)).toEqual([201]); // slow() without a follow-up gives the path's default
    clock.advance(1_200);
    await flush();
    expect(results.map(status)).toEqual([201, 410]);

    client.update('svc', { messages: scripted.slow(5_000) });
    let late: OutboundResult | undefined;
    void client.post(endpoint('svc'), delivery('b')).then((r) => (late = r));
    clock.advance(4_999);
    await flush();
    expect(late).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(late).toMatchObject({ ok: false, cause: 'timeout' });
  });

  it('scripted transport failures: ConnectionFailure and pin mismatch never reach the service', async () => {
    const { client } = setup();
    client.register('svc', { bots: scripted.connectionFailure(), messages: scripted.pinMismatch() });
    expect(await client.post(endpoint('svc'), newBot('b'))).toMatchObject({ ok: false, cause: 'ConnectionFailure', beforeConnect: true });
    expect(await client.post(endpoint('svc'), delivery('b'))).toMatchObject({ ok: false, cause: 'PinFingerprintMismatch', beforeConnect: true });
    expect(client.newBotRequests()).toEqual([]);
    expect(client.deliveriesTo('b')).toEqual([]);
    client.update('svc', { messages: scripted.fail('ConnectionFailure', { beforeConnect: false, detail: 'reset' }) });
    expect(await client.post(endpoint('svc'), delivery('b'))).toEqual({ ok: false, cause: 'ConnectionFailure', beforeConnect: false, detail: 'reset' });
    expect(client.deliveriesTo('b')).toHaveLength(1); // sent, then the connection broke
  });

  it('a key-checked service refuses endpoints that pin none of its key, like the real client', async () => {
    const { client } = setup();
    client.register('svc', { presentedKey: KEY_A });
    expect(status(await client.post(endpoint('svc', [KEY_B, KEY_A]), newBot('b')))).toBe(201);
    expect(await client.post(endpoint('svc', [KEY_B]), newBot('b'))).toMatchObject({ ok: false, cause: 'PinFingerprintMismatch', beforeConnect: true });
    expect(await client.post(endpoint('svc', []), delivery('b'))).toMatchObject({ cause: 'PinFingerprintMismatch' });
    expect(client.newBotRequests()).toHaveLength(1);
  });

  it('closeService is recorded; after close every call fails before connect', async () => {
    const { client } = setup();
    client.register('svc');
    await client.closeService('svc');
    expect(client.closedServices).toEqual(['svc']);
    expect(status(await client.post(endpoint('svc'), delivery('b')))).toBe(200);
    await client.close();
    expect(await client.post(endpoint('svc'), delivery('b'))).toMatchObject({ ok: false, cause: 'ConnectionFailure', beforeConnect: true });
  });
});

describe('ScriptedServiceClient: the call log', () => {
  it('records path, URL, parsed body, headers as sent, the delivery id and the bearer token', async () => {
    const { client, clock } = setup();
    client.register('svc');
    await client.post(endpoint('svc'), newBot('b1'));
    clock.advance(1_000);
    await client.post(endpoint('svc'), {
      ...delivery('b1', 'conversation.member-join'),
      headers: { 'X-Delivery-Id': 'dlv-1', Authorization: 'Bearer evil', 'X-Extra': 'yes' },
    });
    const [create, deliver] = client.callsTo('svc');
    expect(create).toMatchObject({
      seq: 1,
      kind: 'bots',
      path: '/bots',
      url: 'https://svc.example/api/bots',
      json: { id: 'b1', client: 'c1', token: 'bot-token', locale: 'en' },
      bearer: 'token-of-svc',
      deliveryId: undefined,
      deadlineMs: 10_000,
      reached: true,
    });
    expect(create!.headers).toEqual({
      authorization: 'Bearer token-of-svc',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(create!.body)),
    });
    expect(deliver).toMatchObject({
      seq: 2,
      kind: 'messages',
      botId: 'b1',
      url: 'https://svc.example/api/bots/b1/messages',
      eventType: 'conversation.member-join',
      deliveryId: 'dlv-1',
      at: create!.at + 1_000,
    });
    expect(deliver!.headers['authorization']).toBe('Bearer token-of-svc'); // callers cannot override it
    expect(deliver!.headers['x-extra']).toBe('yes');
    expect(deliver!.result).toEqual({ ok: true, status: 200, body: '', tooLarge: false });
  });

  it('deliveriesTo(bot) gives that bot’s received events in arrival order with delivery ids and outcomes', async () => {
    const { client } = setup();
    client.register('svc', { byEventType: { 'conversation.delete': scripted.gone() } });
    client.register('svc2', { messages: scripted.pinMismatch() });
    await client.post(endpoint('svc'), { ...delivery('a', 'conversation.member-join'), headers: { 'X-Delivery-Id': 'x1' } });
    await client.post(endpoint('svc'), { ...delivery('other', 'conversation.rename'), headers: { 'X-Delivery-Id': 'x2' } });
    await client.post(endpoint('svc'), { ...delivery('a', 'conversation.rename', { data: { name: 'R' } }), headers: { 'X-Delivery-Id': 'x3' } });
    await client.post(endpoint('svc2'), { ...delivery('a'), headers: { 'X-Delivery-Id': 'x4' } });
    await client.post(endpoint('svc'), { ...delivery('a', 'conversation.delete'), headers: { 'X-Delivery-Id': 'x5' } });
    const got = client.deliveriesTo('a');
    expect(got.map((d) => [d.deliveryId, d.type, d.result && status(d.result)])).toEqual([
      ['x1', 'conversation.member-join', 200],
      ['x3', 'conversation.rename', 200],
      ['x5', 'conversation.delete', 410],
    ]);
    expect(got[1]!.event).toMatchObject({ type: 'conversation.rename', data: { name: 'R' } });
    client.clearCalls();
    expect(client.deliveriesTo('a')).toEqual([]);
  });
});

describe('ScriptedServiceClient: prekey generators', () => {
  it('proteusPrekeys() makes real bundles by default equal to fixedPrekeys(), and keeps the keys to decrypt as the bot', async () => {
    const clock = new FakeClock();
    const proteus = proteusPrekeys();
    const client = new ScriptedServiceClient({ clock, prekeys: proteus.generate });
    client.register('svc', { prekeyCount: 3 });
    const r = await client.post(endpoint('svc'), newBot('bot-p'));
    const body = JSON.parse(r.ok ? r.body : '{}') as ScriptedPrekeySet;
    expect(body.prekeys.map((p) => p.id)).toEqual([1, 2, 3]);
    expect(proteus.identityKeyHexOfBot('bot-p')).toBe(scriptedIdentityKeyHex('svc'));
    expect([...proteus.prekeysOfBot('bot-p')!.keys()]).toEqual([1, 2, 3, 65535]);
    expect(await fixedPrekeys()({ serviceId: 'svc', botId: 'bot-p', count: 3 })).toEqual(body);

    // a user encrypts to the bot's prekey 2; the generator's private keys decrypt it
    const user = await createProteusParty();
    const ciphertext = user.encrypt('bot', 'hi bot', body.prekeys[1]!.key);
    const Proteus = await import('@wireapp/proteus');
    const store = new (class extends Proteus.session.PreKeyStore {
      async load_prekey(id: number) {
        return proteus.prekeysOfBot('bot-p')!.get(id);
      }
      async delete_prekey(id: number) {
        return id;
      }
    })();
    const bytes = Buffer.from(ciphertext, 'base64');
    const envelope = Proteus.message.Envelope.deserialise(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const [, plain] = await Proteus.session.Session.init_from_message(proteus.identityOfBot('bot-p')!, store, envelope);
    expect(Buffer.from(plain).toString()).toBe('hi bot');
  });

  it('with a seeded Random port the keys replay from the seed; identity per bot on request', async () => {
    const run = async (seed: number) => {
      const gen = proteusPrekeys({ random: new SeededRandom(seed), identity: 'bot' });
      const a = await gen.generate({ serviceId: 's', botId: 'b1', count: 1 });
      const b = await gen.generate({ serviceId: 's', botId: 'b2', count: 1 });
      return { a, b, hexA: gen.identityKeyHexOfBot('b1'), hexB: gen.identityKeyHexOfBot('b2') };
    };
    const one = await run(7);
    const two = await run(7);
    const three = await run(8);
    expect(two).toEqual(one);
    expect(three.a).not.toEqual(one.a);
    expect(one.hexA).not.toBe(one.hexB);
    expect((await decodePrekeyBundle(one.b.last_prekey.key)).identityKeyHex).toBe(one.hexB);
  });

  it('a script may carry its own generator', async () => {
    const { client } = setup();
    const fixed = { prekeys: [{ id: 5, key: 'AAAA' }], last_prekey: { id: 65535, key: 'BBBB' } };
    client.register('svc', { prekeys: () => fixed });
    const r = await client.post(endpoint('svc'), newBot('b'));
    expect(JSON.parse(r.ok ? r.body : '{}')).toEqual(fixed);
  });
});

describe('ScriptedServiceClient: driving the domain’s outbound calls on a fake clock', () => {
  /** Advances the clock in small steps until `p` settles (the domain sleeps between attempts on the same clock). */
  async function drive<T>(clock: FakeClock, p: Promise<T>): Promise<T> {
    let done = false;
    void p.then(() => (done = true), () => (done = true));
    for (let i = 0; i < 10_000 && !done; i++) {
      await flush();
      if (!done) clock.advance(100);
    }
    return p;
  }

  it('deliver(): a hang, then a 503, then 200 — three attempts spaced on the clock, same delivery id each time', async () => {
    const { client, clock } = setup();
    client.register('svc', { messages: scripted.sequence(scripted.hang(), scripted.serverError(503), scripted.ok()) });
    const deps = { clock, serviceClient: client } as unknown as Deps;
    const started = clock.now();
    const result = await drive(
      clock,
      deliver(deps, endpoint('svc'), async () => endpoint('svc'), '/bots/b/messages', '{"type":"x"}', 'dlv-9', false),
    );
    expect(result).not.toBe('disabled');
    expect(status(result as Exclude<typeof result, 'disabled'>)).toBe(200);
    const attempts = client.deliveriesTo('b');
    expect(attempts.map((a) => [a.deliveryId, a.result && status(a.result)])).toEqual([
      ['dlv-9', 'timeout'],
      ['dlv-9', 503],
      ['dlv-9', 200],
    ]);
    // 5 s deadline of the hung attempt, then 1 s spacing before each retry
    expect(attempts.map((a) => a.at - started)).toEqual([0, 6_000, 7_000]);
  });

  it('createBotCall(): retried after ConnectionFailure before connect, not after a 5xx', async () => {
    const { client, clock } = setup();
    client.register('svc', { bots: scripted.sequence(scripted.connectionFailure(), scripted.serverError(502), scripted.created()) });
    const deps = { clock, serviceClient: client } as unknown as Deps;
    const result = await drive(clock, Effect.runPromise(createBotCall(deps, endpoint('svc'), newBot('b').body)));
    expect(status(result)).toBe(502);
    expect(client.callsTo('svc').map((c) => [c.reached, c.result && status(c.result)])).toEqual([
      [false, 'ConnectionFailure'],
      [true, 502],
    ]);
  });
});
