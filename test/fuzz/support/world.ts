import { randomUUID } from 'node:crypto';
import { ScryptHasher } from '@spp/adapters';
import { mintToken } from '@spp/domain';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../support/app.js';
import { startFakeService, type FakeService } from '../../support/fakeService.js';
import { approvedProvider, type ProviderSession } from '../../support/providers.js';
import { addBot, addClient, createConversation, createService, registerUser, type UserWithClient } from '../../support/world.js';

/**
 * A small world for the fuzzer: one of everything a route can name (provider, service, users with clients, team,
 * conversations, a bot), and tokens of every kind, valid and not. `repair()` recreates whatever a successful
 * fuzzed request deleted, so later requests still reach deep code.
 */
export interface FuzzWorld {
  readonly app: TestApp;
  readonly fake: FakeService;
  provider: ProviderSession;
  serviceId: string;
  readonly alice: UserWithClient;
  readonly bob: UserWithClient;
  teamId: string;
  convId: string;
  teamConvId: string;
  botId: string;
  botToken: string;
  /** e-mail and key of a pending activation code, so mutated codes reach the code check */
  readonly pendingEmail: string;
  readonly activationKey: string;
  /** tokens that are well-formed and signed but must be refused or lead nowhere */
  readonly oddTokens: Readonly<Record<string, string>>;
  repair(): Promise<void>;
  /** moves on to a new conversation with a new bot */
  rotate(): Promise<void>;
  stop(): Promise<void>;
}

const must = async (what: string, p: Promise<{ status: number; text: string; json: any }>, ...ok: number[]) => {
  const r = await p;
  if (!ok.includes(r.status)) throw new Error(`fuzz world: ${what}: ${r.status} ${r.text}`);
  return r;
};

export const buildFuzzWorld = async (options: { readonly env?: Record<string, string>; readonly workers?: boolean } = {}): Promise<FuzzWorld> => {
  const app = await startTestApp(
    { RATE_LIMITS: 'false', LOG_LEVEL: 'debug', ...options.env },
    { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) },
    // by default no background work: every change in the store comes from the request under test
    { workers: options.workers ?? false },
  );
  const fake = await startFakeService();
  const alice = await addClient(app, await registerUser(app, 'Alice'));
  const bob = await addClient(app, await registerUser(app, 'Bob'));

  const pendingEmail = `pending-${randomUUID()}@acme.example`;
  await must(
    'pending registration',
    app.req('POST', '/provider/register', { body: { name: 'Pending', email: pendingEmail, url: 'https://p.example/', description: 'x', password: 'pending password' } }),
    201,
  );
  const code = await must('activation code', app.req('GET', `/i/provider/activation-code?email=${encodeURIComponent(pendingEmail)}`, { token: ADMIN_TOKEN }), 200);

  const signer = app.ctx.deps.signer;
  const nowS = Math.floor(Date.now() / 1000);
  const gone = await approvedProvider(app);
  await must('delete provider', app.req('DELETE', '/provider', { token: gone.token, body: { password: gone.password } }), 200);
  const oddTokens = {
    expiredProvider: mintToken(signer, { type: 'p', providerId: randomUUID() }, nowS - 10),
    expiredUser: mintToken(signer, { type: 'a', userId: alice.id }, nowS - 10),
    neverExpiringProvider: mintToken(signer, { type: 'p', providerId: randomUUID() }, -1),
    botWithExpiry: mintToken(signer, { type: 'b', providerId: randomUUID(), botId: randomUUID(), convId: randomUUID() }, nowS + 3600),
    unknownProvider: mintToken(signer, { type: 'p', providerId: randomUUID() }, nowS + 3600),
    unknownUser: mintToken(signer, { type: 'a', userId: randomUUID(), clientId: 'abc' }, nowS + 3600),
    unknownBot: mintToken(signer, { type: 'b', providerId: randomUUID(), botId: randomUUID(), convId: randomUUID() }, -1),
    deletedProvider: gone.token,
  };

  const world: FuzzWorld = {
    app,
    fake,
    provider: undefined as unknown as ProviderSession,
    serviceId: '',
    alice,
    bob,
    teamId: '',
    convId: '',
    teamConvId: '',
    botId: '',
    botToken: '',
    pendingEmail,
    activationKey: code.json.key,
    oddTokens,
    async repair() {
      const ok = async (path: string, token: string) => (await app.req('GET', path, { token })).status === 200;
      let fresh = false;
      if (!world.provider || !(await ok('/provider', world.provider.token))) {
        world.provider = await approvedProvider(app);
        fresh = true;
      }
      const svc = fresh ? undefined : await app.req('GET', `/provider/services/${world.serviceId}`, { token: world.provider.token });
      if (fresh || svc?.status !== 200 || svc.json.enabled !== true || svc.json.base_url !== fake.url) {
        world.serviceId = await createService(app, world.provider, fake);
        fresh = true;
      }
      for (const u of [alice, bob]) {
        const clients = await must('clients', app.req('GET', '/clients', { token: u.token }), 200);
        if (!clients.json.some((c: { id: string }) => c.id === u.clientId)) Object.assign(u, await addClient(app, u));
      }
      if (!world.teamId || !(await ok(`/teams/${world.teamId}/services/whitelisted`, alice.token))) {
        world.teamId = (await must('team', app.req('POST', '/teams', { token: alice.token, body: { name: 'Fuzzers' } }), 201)).json.id;
        world.teamConvId = '';
        fresh = true;
      }
      if (fresh)
        await must(
          'whitelist',
          app.req('POST', `/teams/${world.teamId}/services/whitelist`, {
            token: alice.token,
            body: { provider: world.provider.id, id: world.serviceId, whitelisted: true },
          }),
          200,
          204,
        );
      if (!world.teamConvId || !(await ok(`/conversations/${world.teamConvId}`, alice.token)))
        world.teamConvId = await createConversation(app, alice, { team: world.teamId, name: 'Team chat' });
      if (!world.convId || !(await ok(`/conversations/${world.convId}`, alice.token))) {
        world.convId = await createConversation(app, alice, { users: [bob.id], name: 'Chat' });
        fresh = true;
      }
      if (fresh || !world.botToken || (await app.req('GET', '/bot/self', { token: world.botToken })).status !== 200) {
        let added = await addBot(app, alice, world.convId, world.provider.id, world.serviceId);
        if (added.status !== 201) {
          // a fuzzed access update can shut services out of the conversation: start a new one
          world.convId = await createConversation(app, alice, { users: [bob.id], name: 'Chat' });
          added = await addBot(app, alice, world.convId, world.provider.id, world.serviceId);
        }
        const bot = await must('add bot', Promise.resolve(added), 201);
        world.botId = bot.json.id;
        world.botToken = fake.bots.get(world.botId)!.token;
      }
    },
    async rotate() {
      world.convId = '';
      await world.repair();
    },
    async stop() {
      await app.stop();
      await fake.close();
    },
  };
  await world.repair();
  return world;
};
