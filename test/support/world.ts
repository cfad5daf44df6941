import { createProteusParty, type ProteusParty } from './proteusBot.js';
import type { FakeService } from './fakeService.js';
import type { ProviderSession } from './providers.js';
import type { TestApp, TestResponse } from './app.js';

/** HTTP helpers that build a small world of users, clients, conversations and services through the public API. */

export interface UserSession {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
}

export interface UserWithClient extends UserSession {
  readonly clientId: string;
  readonly proteus: ProteusParty;
}

let n = 0;

const must = (what: string, r: TestResponse, expected: number) => {
  if (r.status !== expected) throw new Error(`${what}: expected ${expected}, got ${r.status} ${r.text}`);
  return r;
};

export const registerUser = async (app: TestApp, name = 'Alice'): Promise<UserSession> => {
  const email = `user-${process.pid}-${++n}-${Date.now()}@example.com`;
  const password = `${name}'s long password`;
  const reg = must('register', await app.req('POST', '/register', { body: { name, email, password } }), 201);
  const login = must('login', await app.req('POST', '/login', { body: { email, password } }), 200);
  return { id: reg.json.id, name, email, password, token: login.json.access_token };
};

/** Registers a permanent client with real Proteus prekeys. */
export const addClient = async (app: TestApp, user: UserSession): Promise<UserWithClient> => {
  const proteus = await createProteusParty();
  const prekeys = proteus.generatePrekeys(5);
  const lastkey = proteus.lastResortPrekey();
  const r = must('client', await app.req('POST', '/clients', { token: user.token, body: { type: 'permanent', class: 'desktop', prekeys, lastkey } }), 201);
  return { ...user, clientId: r.json.id, proteus };
};

export const userWithClient = async (app: TestApp, name: string) => addClient(app, await registerUser(app, name));

export const createConversation = async (
  app: TestApp,
  owner: UserSession,
  opts: { users?: readonly string[]; name?: string; team?: string; access_role?: readonly string[]; conversation_role?: string } = {},
): Promise<string> => {
  const body: Record<string, unknown> = { users: opts.users ?? [], name: opts.name ?? 'Chat' };
  if (opts.team) body.team = { teamid: opts.team, managed: false };
  if (opts.access_role) body.access_role = opts.access_role;
  if (opts.conversation_role) body.conversation_role = opts.conversation_role;
  return must('conversation', await app.req('POST', '/conversations', { token: owner.token, body }), 201).json.id;
};

/** Creates a service pointing at a fake service, with its key and token, and enables it. */
export const createService = async (
  app: TestApp,
  provider: ProviderSession,
  fake: FakeService,
  opts: { name?: string; enable?: boolean; identityFingerprints?: readonly string[]; tags?: readonly string[] } = {},
): Promise<string> => {
  const r = must(
    'service',
    await app.req('POST', '/provider/services', {
      token: provider.token,
      body: {
        name: opts.name ?? 'Echo',
        summary: 'Repeats what you say',
        description: 'A bot that echoes every text message.',
        base_url: fake.url,
        public_key: fake.publicKeyPem,
        auth_token: fake.authToken,
        tags: opts.tags ?? ['tutorial'],
        ...(opts.identityFingerprints ? { identity_fingerprints: opts.identityFingerprints } : {}),
      },
    }),
    201,
  );
  if (opts.enable !== false) await setEnabled(app, provider, r.json.id, true);
  return r.json.id;
};

export const setEnabled = async (app: TestApp, provider: ProviderSession, serviceId: string, enabled: boolean) =>
  must(
    'connection',
    await app.req('PUT', `/provider/services/${serviceId}/connection`, { token: provider.token, body: { password: provider.password, enabled } }),
    200,
  );

export const addBot = (app: TestApp, user: UserSession, convId: string, providerId: string, serviceId: string) =>
  app.req('POST', `/conversations/${convId}/bots`, { token: user.token, body: { provider: providerId, service: serviceId } });

/** Sends a text from a user client to every client of the conversation with real Proteus, bots included. */
export const sendText = async (app: TestApp, sender: UserWithClient, convId: string, text: string): Promise<TestResponse> => {
  const probe = await app.req('POST', `/conversations/${convId}/otr/messages`, { token: sender.token, body: { sender: sender.clientId, recipients: {} } });
  if (probe.status !== 412) throw new Error(`expected 412 listing clients, got ${probe.status} ${probe.text}`);
  const missing: Record<string, string[]> = probe.json.missing;
  const recipients: Record<string, Record<string, string>> = {};
  const needBundles: Record<string, string[]> = {};
  for (const [uid, clients] of Object.entries(missing))
    for (const c of clients) if (!sender.proteus.hasSession(`${uid}@${c}`)) (needBundles[uid] ??= []).push(c);
  const bundles: Record<string, Record<string, { key: string } | null>> = {};
  for (const [uid, clients] of Object.entries(needBundles)) {
    bundles[uid] = {};
    for (const c of clients) {
      const r = must('prekey', await app.req('GET', `/users/${uid}/prekeys/${c}`, { token: sender.token }), 200);
      bundles[uid]![c] = r.json.prekey;
    }
  }
  for (const [uid, clients] of Object.entries(missing)) {
    recipients[uid] = {};
    for (const c of clients) recipients[uid]![c] = sender.proteus.encrypt(`${uid}@${c}`, text, bundles[uid]?.[c]?.key);
  }
  return app.req('POST', `/conversations/${convId}/otr/messages`, { token: sender.token, body: { sender: sender.clientId, recipients } });
};

/** The user's notifications (all pages). */
export const notifications = async (app: TestApp, user: UserSession, client?: string): Promise<any[]> => {
  const r = await app.req('GET', `/notifications?size=10000${client ? `&client=${client}` : ''}`, { token: user.token });
  if (r.status !== 200) throw new Error(`notifications: ${r.status} ${r.text}`);
  return r.json.notifications.flatMap((n: any) => n.payload);
};
