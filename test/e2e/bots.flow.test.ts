import { randomUUID } from 'node:crypto';
import { ScryptHasher } from '@spp/adapters';
import { mintToken } from '@spp/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeService, type FakeService } from '../support/fakeService.js';
import { approvedProvider, type ProviderSession } from '../support/providers.js';
import { addBot, createConversation, createService, notifications, sendText, userWithClient, type UserWithClient } from '../support/world.js';

describe('a Wire-style service runs against the platform unchanged', () => {
  let app: TestApp;
  let fake: FakeService;
  let provider: ProviderSession;
  let serviceId: string;
  let alice: UserWithClient;
  let bob: UserWithClient;
  let convId: string;

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMITS: 'false' }, { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });
    fake = await startFakeService();
    provider = await approvedProvider(app);
    serviceId = await createService(app, provider, fake, { identityFingerprints: [fake.identityKeyHex] });
    alice = await userWithClient(app, 'Alice');
    bob = await userWithClient(app, 'Bob');
    convId = await createConversation(app, alice, { users: [bob.id], name: 'Team chat' });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('creates the bot with a full NewBotRequest, then delivers member-join and messages in order, and the bot answers', async () => {
    const added = await addBot(app, alice, convId, provider.id, serviceId);
    expect(added.status).toBe(201);
    const botId: string = added.json.id;
    expect(added.json).toMatchObject({ client: expect.stringMatching(/^[1-9a-f][0-9a-f]{0,15}$/), name: 'Echo', accent_id: 0 });
    expect(added.json.event).toMatchObject({ type: 'conversation.member-join', conversation: convId, from: alice.id });

    const bot = fake.bots.get(botId)!;
    expect(bot.request).toMatchObject({
      id: botId,
      client: added.json.client,
      origin: { id: alice.id, name: 'Alice', accent_id: expect.any(Number), handle: null, team: null },
      conversation: { id: convId, name: 'Team chat' },
      locale: 'en',
    });
    expect(bot.request.conversation.members.map((m: any) => m.id)).toEqual([alice.id, bob.id]);
    expect(bot.request.conversation.members[0].conversation_role).toBe('wire_admin');
    expect(bot.token).toMatch(new RegExp(`\\.v=1\\.k=1\\.d=-1\\.t=b\\.l=\\.p=${provider.id}\\.b=${botId}\\.c=${convId}$`));

    // the bot's own member-join comes first
    const [join] = await fake.waitForEvents(botId, 1);
    expect(join!.type).toBe('conversation.member-join');
    expect(join!.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
    const joinRequest = fake.requests.find((r) => r.path === `/bots/${botId}/messages`)!;
    expect(joinRequest.headers.authorization).toBe(`Bearer ${fake.authToken}`);

    // three messages from alice, encrypted with real Proteus for the bot's prekeys, arrive in order and decrypt
    for (const text of ['one', 'two', 'three']) expect((await sendText(app, alice, convId, text)).status).toBe(201);
    const events = await fake.waitForEvents(botId, 4);
    const texts = [];
    for (const e of events.slice(1)) {
      expect(e.type).toBe('conversation.otr-message-add');
      expect(e.event.data.recipient).toBe(added.json.client);
      expect(e.event.from).toBe(alice.id);
      texts.push(await fake.decrypt(botId, e.event));
    }
    expect(texts).toEqual(['one', 'two', 'three']);
    expect(new Set(events.map((e) => e.deliveryId)).size).toBe(4);

    // the bot answers through /bot/messages; bob's client receives and decrypts it
    const client = fake.botClient(botId, app.url);
    const sent = await client.sendText('hello from the bot');
    expect(sent.response.status).toBe(201);
    const bobEvents = await notifications(app, bob, bob.clientId);
    const fromBot = bobEvents.filter((e) => e.type === 'conversation.otr-message-add' && e.from === botId);
    expect(fromBot).toHaveLength(1);
    expect(fromBot[0].data.recipient).toBe(bob.clientId);
    expect(await bob.proteus.decryptText(`${botId}@${added.json.client}`, fromBot[0].data.text)).toBe('hello from the bot');

    // the bot sees its conversation without itself, and only its peers' profiles
    const conv = await client.conversation();
    expect(conv.status).toBe(200);
    expect(conv.json.members.map((m: any) => m.id).sort()).toEqual([alice.id, bob.id].sort());
    const users = await client.users([alice.id, bob.id, '00000000-0000-4000-8000-000000000000']);
    expect(users.json.map((u: any) => u.id).sort()).toEqual([alice.id, bob.id].sort());
    expect((await client.self()).json).toMatchObject({ id: botId, service: { id: serviceId, provider: provider.id } });
  });

  it('removes the bot at the user\'s request: its last event is its own member-leave and its token stops working', async () => {
    const added = await addBot(app, alice, convId, provider.id, serviceId);
    const botId: string = added.json.id;
    await fake.waitForEvents(botId, 1);
    const removed = await app.req('DELETE', `/conversations/${convId}/bots/${botId}`, { token: alice.token });
    expect(removed.status).toBe(200);
    expect(removed.json.event).toMatchObject({ type: 'conversation.member-leave', from: alice.id, data: { reason: 'removed', user_ids: [botId] } });
    const events = await fake.waitForEvents(botId, 2);
    expect(events.at(-1)!.type).toBe('conversation.member-leave');
    const client = fake.botClient(botId, app.url);
    expect((await client.conversation()).json.label).toBe('no-conversation');
    expect((await client.self()).json.label).toBe('invalid-bot');
    expect((await client.client()).json.label).toBe('invalid-bot');
    expect((await client.users([alice.id])).json.label).toBe('invalid-bot');
    expect((await client.postMessage({ recipients: {} })).json.label).toBe('no-conversation');
    const again = await app.req('DELETE', `/conversations/${convId}/bots/${botId}`, { token: alice.token });
    expect(again.status).toBe(204);
    const profile = await app.req('GET', `/users/${botId}`, { token: alice.token });
    expect(profile.json.deleted).toBe(true);
  });

  it('answers a valid token of a bot that never existed as bots.md §6 says, per route', async () => {
    const token = mintToken(app.ctx.deps.signer, { type: 'b', providerId: provider.id, botId: randomUUID(), convId }, -1);
    const call = (method: string, path: string, body?: unknown) => app.req(method, path, { token, ...(body ? { body } : {}) });
    expect((await call('GET', '/bot/conversation')).json.label).toBe('no-conversation');
    expect((await call('GET', '/bot/self')).json).toMatchObject({ code: 404, label: 'not-found' });
    expect((await call('DELETE', '/bot/self')).json).toMatchObject({ code: 403, label: 'invalid-bot' });
    expect((await call('GET', '/bot/client')).json).toMatchObject({ code: 404, label: 'client-not-found' });
    expect((await call('GET', '/bot/client/prekeys')).json).toMatchObject({ code: 403, label: 'invalid-bot' });
    expect((await call('POST', '/bot/users/prekeys', 'not even an object')).json).toMatchObject({ code: 403, label: 'invalid-bot' });
  });
});
