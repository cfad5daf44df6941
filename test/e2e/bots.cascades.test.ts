import { ScryptHasher } from '@spp/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeService, type FakeService } from '../support/fakeService.js';
import { approvedProvider, type ProviderSession } from '../support/providers.js';
import { addBot, createConversation, createService, notifications, registerUser, type UserSession } from '../support/world.js';
import { waitUntil } from '../support/wait.js';

/** Every route of the inbound bot API refuses the token of a removed bot. */
const expectTokenDead = async (app: TestApp, fake: FakeService, botId: string, memberId: string) => {
  const c = fake.botClient(botId, app.url);
  const answers = await Promise.all([
    c.self(),
    c.client(),
    c.prekeyIds(),
    c.conversation(),
    c.users([memberId]),
    c.userClients(memberId),
    c.claimPrekeys({ [memberId]: ['1'] }),
    c.postMessage({ recipients: {} }),
    c.deleteSelf(),
  ]);
  for (const a of answers) {
    expect([403, 404]).toContain(a.status);
    expect(['invalid-bot', 'no-conversation']).toContain(a.json.label);
  }
};

const leavesFor = async (app: TestApp, user: UserSession, botId: string) =>
  (await notifications(app, user)).filter((e) => e.type === 'conversation.member-leave' && e.data.user_ids.includes(botId));

describe('every way a bot is removed (bots.md §4)', () => {
  let app: TestApp;
  let fake: FakeService;
  let provider: ProviderSession;
  let serviceId: string;
  let owner: UserSession;

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMITS: 'false' }, { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });
    fake = await startFakeService();
    provider = await approvedProvider(app);
    serviceId = await createService(app, provider, fake);
    owner = await registerUser(app, 'Owner');
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  const botIn = async (convId: string, user = owner) => {
    const r = await addBot(app, user, convId, provider.id, serviceId);
    expect(r.status).toBe(201);
    await fake.waitForEvents(r.json.id, 1);
    return r.json.id as string;
  };

  it('DELETE /bot/self: the bot leaves; users see a member-leave from the bot', async () => {
    const convId = await createConversation(app, owner);
    const botId = await botIn(convId);
    expect((await fake.botClient(botId, app.url).deleteSelf()).status).toBe(200);
    const [leave] = await leavesFor(app, owner, botId);
    expect(leave).toMatchObject({ from: botId, data: { reason: 'removed' } });
    const events = await fake.waitForEvents(botId, 2);
    expect(events.at(-1)!.type).toBe('conversation.member-leave');
    await expectTokenDead(app, fake, botId, owner.id);
  });

  it('a 410 answer to any event removes the bot as an orphan, without a final event to it', async () => {
    const convId = await createConversation(app, owner);
    const botId = await botIn(convId);
    fake.setBehaviour({ deliveriesFor: { [botId]: 410 } });
    const rename = await app.req('PUT', `/conversations/${convId}/name`, { token: owner.token, body: { name: 'Renamed' } });
    expect(rename.status).toBe(200);
    const leave = await waitUntil(async () => (await leavesFor(app, owner, botId))[0]);
    expect(leave).toMatchObject({ from: botId });
    const events = fake.events(botId);
    expect(events.map((e) => e.type)).toEqual(['conversation.member-join', 'conversation.rename']);
    await expectTokenDead(app, fake, botId, owner.id);
    // health counters are written in batches (the spec lets them lag up to 5 s)
    await waitUntil(async () => (await app.req('GET', `/provider/services/${serviceId}`, { token: provider.token })).json.health.gone >= 1);
  });

  it('the conversation drops `service` from its access roles: access-update, then its own member-leave', async () => {
    const convId = await createConversation(app, owner);
    const botId = await botIn(convId);
    const r = await app.req('PUT', `/conversations/${convId}/access`, {
      token: owner.token,
      body: { access: ['invite'], access_role: ['team_member', 'non_team_member'] },
    });
    expect(r.status).toBe(200);
    const events = await fake.waitForEvents(botId, 3);
    expect(events.map((e) => e.type)).toEqual(['conversation.member-join', 'conversation.access-update', 'conversation.member-leave']);
    expect(events[2]!.event.from).toBe(botId);
    await expectTokenDead(app, fake, botId, owner.id);
  });

  it('team de-whitelisting, conversation deletion and team deletion remove the bots of team conversations', async () => {
    const team = await app.req('POST', '/teams', { token: owner.token, body: { name: 'Acme' } });
    expect(team.status).toBe(201);
    const tid = team.json.id;
    const wl = await app.req('POST', `/teams/${tid}/services/whitelist`, {
      token: owner.token,
      body: { provider: provider.id, id: serviceId, whitelisted: true },
    });
    expect(wl.status).toBe(200);
    const c1 = await createConversation(app, owner, { team: tid });
    const c2 = await createConversation(app, owner, { team: tid });
    const c3 = await createConversation(app, owner, { team: tid });
    const b1 = await botIn(c1);

    // de-whitelisting: member-leave from the admin, delivered to the removed bot too
    const off = await app.req('POST', `/teams/${tid}/services/whitelist`, {
      token: owner.token,
      body: { provider: provider.id, id: serviceId, whitelisted: false },
    });
    expect(off.status).toBe(200);
    const e1 = await fake.waitForEvents(b1, 2);
    expect(e1[1]!).toMatchObject({ type: 'conversation.member-leave', event: { from: owner.id } });
    await expectTokenDead(app, fake, b1, owner.id);
    const refused = await addBot(app, owner, c1, provider.id, serviceId);
    expect(refused.json.label).toBe('service-not-whitelisted');

    // conversation deletion: conversation.delete is the bot's last event, no member-leave
    await app.req('POST', `/teams/${tid}/services/whitelist`, { token: owner.token, body: { provider: provider.id, id: serviceId, whitelisted: true } });
    const b2 = await botIn(c2);
    expect((await app.req('DELETE', `/teams/${tid}/conversations/${c2}`, { token: owner.token })).status).toBe(200);
    const e2 = await fake.waitForEvents(b2, 2);
    expect(e2.map((e) => e.type)).toEqual(['conversation.member-join', 'conversation.delete']);
    await expectTokenDead(app, fake, b2, owner.id);

    // team deletion (a job): every team conversation's bots get conversation.delete and are removed
    const b3 = await botIn(c3);
    const del = await app.req('DELETE', `/teams/${tid}`, { token: owner.token, body: { password: owner.password } });
    expect(del.status).toBe(202);
    const e3 = await fake.waitForEvents(b3, 2, 10_000);
    expect(e3.at(-1)!.type).toBe('conversation.delete');
    await waitUntil(async () => (await app.ctx.deps.store.read((tx) => tx.bots.get(b3)))?.state === 'removed');
    await expectTokenDead(app, fake, b3, owner.id);
  });

  it('deleting the service removes its bots (job); users see each bot leave; the service gets no final event', async () => {
    const fake2 = await startFakeService();
    try {
      const sid = await createService(app, provider, fake2, { name: 'Doomed' });
      const user = await registerUser(app, 'Carol');
      const convId = await createConversation(app, user);
      const r = await addBot(app, user, convId, provider.id, sid);
      const botId = r.json.id;
      await fake2.waitForEvents(botId, 1);
      const del = await app.req('DELETE', `/provider/services/${sid}`, { token: provider.token, body: { password: provider.password } });
      expect(del.status).toBe(202);
      const leave = await waitUntil(async () => (await leavesFor(app, user, botId))[0], 10_000);
      expect(leave).toMatchObject({ from: botId, data: { reason: 'removed' } });
      expect(fake2.events(botId).map((e) => e.type)).toEqual(['conversation.member-join']);
      await expectTokenDead(app, fake2, botId, user.id);
    } finally {
      await fake2.close();
    }
  });

  it('deleting the provider removes the bots of all its services', async () => {
    const other = await approvedProvider(app);
    const fake3 = await startFakeService();
    try {
      const sid = await createService(app, other, fake3, { name: 'Gone with provider' });
      const user = await registerUser(app, 'Dave');
      const convId = await createConversation(app, user);
      const r = await addBot(app, user, convId, other.id, sid);
      const botId = r.json.id;
      const del = await app.req('DELETE', '/provider', { token: other.token, body: { password: other.password } });
      expect(del.status).toBe(200);
      const leave = await waitUntil(async () => (await leavesFor(app, user, botId))[0], 10_000);
      expect(leave).toMatchObject({ from: botId });
      await expectTokenDead(app, fake3, botId, user.id);
    } finally {
      await fake3.close();
    }
  });
});

