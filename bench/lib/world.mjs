/** Builds a world through the public API, as a provider, a user and their clients would. */
import { ADMIN_TOKEN } from './platform.mjs';

let n = 0;
const unique = (what) => `${what}-${process.pid}-${Date.now()}-${++n}`;

export const must = (what, r, expected) => {
  if (r.status !== expected) throw new Error(`${what}: expected ${expected}, got ${r.status} ${r.text.slice(0, 300)}`);
  return r;
};

/** Registers, verifies (test route) and approves a provider; returns {id, password, token}. */
export async function approvedProvider(http) {
  const email = `${unique('provider')}@bench.example`;
  const password = 'correct horse battery staple';
  const reg = must('register provider', await http.req('POST', '/provider/register', {
    body: { name: 'Bench Bots', email, url: 'https://bench.example/', description: 'Benchmark services.', password },
  }), 201);
  const id = reg.json.id;
  const code = must('activation code', await http.req('GET', `/i/provider/activation-code?email=${encodeURIComponent(email)}`, { token: ADMIN_TOKEN }), 200);
  must('activate', await http.req('GET', `/provider/activate?key=${code.json.key}&code=${code.json.code}`), 200);
  must('approve', await http.req('POST', `/i/providers/${id}/approve`, { token: ADMIN_TOKEN }), 200);
  const login = must('provider login', await http.req('POST', '/provider/login', { body: { email, password } }), 200);
  const cookies = [].concat(login.headers['set-cookie'] ?? []).join(';');
  const token = /zprovider=([^;]+)/.exec(cookies)?.[1];
  if (!token) throw new Error('provider login: no zprovider cookie');
  return { id, password, token };
}

/** A service of `provider` pointing at fake service `fake` ({url, publicKeyPem, authToken}), enabled. */
export async function createService(http, provider, fake, { name = 'Echo', tags = ['tutorial'] } = {}) {
  const r = must('create service', await http.req('POST', '/provider/services', {
    token: provider.token,
    body: {
      name,
      summary: 'Benchmark service',
      description: 'Answers instantly.',
      base_url: fake.url,
      public_key: fake.publicKeyPem,
      auth_token: fake.authToken,
      tags,
    },
  }), 201);
  must('enable service', await http.req('PUT', `/provider/services/${r.json.id}/connection`, {
    token: provider.token,
    body: { password: provider.password, enabled: true },
  }), 200);
  return r.json.id;
}

export async function registerUser(http, name = 'Alice') {
  const email = `${unique('user')}@bench.example`;
  const password = `${name}'s long password`;
  const reg = must('register user', await http.req('POST', '/register', { body: { name, email, password } }), 201);
  const login = must('user login', await http.req('POST', '/login', { body: { email, password } }), 200);
  return { id: reg.json.id, name, token: login.json.access_token };
}

/** A permanent client with real Proteus prekeys ({prekeys, lastPrekey}). */
export async function addClient(http, user, keys) {
  const r = must('client', await http.req('POST', '/clients', {
    token: user.token,
    body: { type: 'permanent', class: 'desktop', prekeys: keys.prekeys, lastkey: keys.lastPrekey },
  }), 201);
  return r.json.id;
}

export async function createConversation(http, owner, { users = [], name = 'Bench chat' } = {}) {
  return must('conversation', await http.req('POST', '/conversations', { token: owner.token, body: { users, name } }), 201).json.id;
}

export const addBot = (http, user, convId, providerId, serviceId) =>
  http.req('POST', `/conversations/${convId}/bots`, { token: user.token, body: { provider: providerId, service: serviceId } });
