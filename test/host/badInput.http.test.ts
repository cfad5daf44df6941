import { ScryptHasher } from '@spp/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { addClient, bundle, initProteus, newClientBody, signUp, type TestUser } from './support.js';

interface BadCase {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly contentType?: string;
  readonly as?: 'alice' | 'bob' | 'none';
  readonly status: number;
  readonly label: string;
}

describe('built-in host: bad input on every route', () => {
  let app: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let a1: string;
  let cid: string;
  let tid: string;

  beforeAll(async () => {
    await initProteus();
    app = await startTestApp({ RATE_LIMITS: 'false' }, { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });
    alice = await signUp(app, 'Alice');
    bob = await signUp(app, 'Bob');
    a1 = await addClient(app, alice);
    await addClient(app, bob);
    tid = (await app.req('POST', '/teams', { token: alice.token, body: { name: 'Acme' } })).json.id;
    cid = (await app.req('POST', '/conversations', { token: alice.token, body: { users: [bob.id], name: 'Chat', team: { teamid: tid } } })).json.id;
  });
  afterAll(async () => app.stop());

  /** what a user can observe of the host's state */
  const snapshot = async () => {
    const out: unknown[] = [];
    for (const u of [alice, bob]) {
      out.push((await app.req('GET', '/self', { token: u.token })).json);
      out.push((await app.req('GET', '/clients', { token: u.token })).json);
      out.push((await app.req('GET', '/notifications', { token: u.token })).json.notifications);
      out.push((await app.req('GET', `/conversations/${cid}`, { token: u.token })).json);
    }
    out.push((await app.req('GET', `/users?ids=${alice.id},${bob.id}`, { token: bob.token })).json);
    return out;
  };

  const uuidX = '77777777-7777-4777-8777-777777777777';
  const cases = (): BadCase[] => [
    // register / login
    { method: 'POST', path: '/register', rawBody: '{"name":"x"}', contentType: 'text/plain', as: 'none', status: 415, label: 'unsupported-media-type' },
    { method: 'POST', path: '/register', rawBody: '{"name":', as: 'none', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/register', body: [], as: 'none', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/register', body: {}, as: 'none', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/register', body: { name: '', email: 'n@example.com', password: 'long enough' }, as: 'none', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/register', body: { name: 'x'.repeat(129), email: 'n@example.com', password: 'long enough' }, as: 'none', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/register', body: { name: 'N', email: 'not-an-email', password: 'long enough' }, as: 'none', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/register', body: { name: 'N', email: 'n@example.com', password: 'short' }, as: 'none', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/register', body: { name: 'N', email: 'n@example.com', password: 'long enough', locale: 'english' }, as: 'none', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/register', body: { name: 'N', email: 'n@example.com', password: 'long enough', accent_id: 1.5 }, as: 'none', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/login', body: {}, as: 'none', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/login', body: { email: 5, password: 'x' }, as: 'none', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/login', body: { email: 'a@example.com', password: '' }, as: 'none', status: 400, label: 'bad-request' },
    // self / users
    { method: 'GET', path: '/self', as: 'none', status: 401, label: 'missing-auth' },
    { method: 'PUT', path: '/self/handle', body: {}, status: 400, label: 'bad-request' },
    { method: 'PUT', path: '/self/handle', body: { handle: 5 }, status: 400, label: 'bad-request' },
    { method: 'PUT', path: '/self/handle', body: { handle: 'Not Valid' }, status: 400, label: 'invalid-handle' },
    { method: 'GET', path: '/users/not-a-uuid', status: 400, label: 'bad-request' },
    { method: 'GET', path: '/users?ids=nope', status: 400, label: 'bad-request' },
    { method: 'GET', path: '/users?ids=', status: 400, label: 'bad-request' },
    { method: 'GET', path: `/users?ids=${uuidX},,${uuidX}`, status: 400, label: 'bad-request' },
    { method: 'GET', path: '/users/localhost/nope', status: 400, label: 'bad-request' },
    // clients
    { method: 'POST', path: '/clients', body: {}, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/clients', body: { ...newClientBody(0), type: 'legalhold-ish' }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/clients', body: { ...newClientBody(0), class: 'watch' }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/clients', body: { ...newClientBody(0), prekeys: 'none' }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/clients', body: { ...newClientBody(0), prekeys: [{ id: 70000, key: bundle(1) }] }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/clients', body: { ...newClientBody(0), prekeys: [{ id: 65535, key: bundle(65535) }] }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/clients', body: { ...newClientBody(0), lastkey: undefined }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/clients', body: { ...newClientBody(0), prekeys: Array.from({ length: 1001 }, (_, i) => ({ id: i, key: 'AAAA' })) }, status: 400, label: 'bad-request' },
    { method: 'DELETE', path: '/clients/XYZ', status: 400, label: 'bad-request' },
    { method: 'DELETE', path: '/clients/0abc', status: 400, label: 'bad-request' },
    { method: 'GET', path: `/users/${uuidX}/prekeys/not-hex`, status: 400, label: 'bad-request' },
    { method: 'GET', path: '/users/nope/prekeys/abc', status: 400, label: 'bad-request' },
    { method: 'GET', path: '/users/nope/clients', status: 400, label: 'bad-request' },
    // teams
    { method: 'POST', path: '/teams', body: {}, as: 'bob', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/teams', body: { name: '' }, as: 'bob', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/teams', body: { name: 'x'.repeat(257) }, as: 'bob', status: 400, label: 'bad-request' },
    { method: 'POST', path: '/teams/nope/members', body: { user: uuidX, role: 'member' }, status: 400, label: 'bad-request' },
    { method: 'POST', path: `/teams/${'TID'}/members`, body: { user: 'x', role: 'member' }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/teams/TID/members', body: { user: uuidX, role: 'boss' }, status: 400, label: 'bad-request' },
    { method: 'DELETE', path: '/teams/TID', status: 415, label: 'unsupported-media-type' },
    { method: 'DELETE', path: '/teams/TID', body: { password: '' }, status: 400, label: 'bad-request' },
    { method: 'DELETE', path: '/teams/nope', body: { password: 'x' }, status: 400, label: 'bad-request' },
    { method: 'DELETE', path: '/teams/TID/conversations/nope', status: 400, label: 'bad-request' },
    // conversations
    { method: 'POST', path: '/conversations', body: { users: ['x'] }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations', body: { users: [uuidX] }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations', body: { qualified_users: [{ id: 'BOB', domain: 'elsewhere.example' }] }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations', body: { access: ['public'] }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations', body: { access_role: [] }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations', body: { access_role: 'private' }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations', body: { access_role_v2: ['robots'] }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations', body: { conversation_role: 'boss' }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations', body: { protocol: 'mls' }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations', body: { name: '' }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations', body: { team: { teamid: 'nope' } }, status: 400, label: 'bad-request' },
    { method: 'GET', path: '/conversations/nope', status: 400, label: 'bad-request' },
    { method: 'PUT', path: '/conversations/CID/access', body: { access: ['invite'] }, status: 400, label: 'bad-request' },
    { method: 'PUT', path: '/conversations/CID/access', body: { access: 'invite', access_role: ['service'] }, status: 400, label: 'bad-request' },
    { method: 'PUT', path: '/conversations/CID/access', body: { access: ['invite'], access_role: 'weird' }, status: 400, label: 'bad-request' },
    { method: 'PUT', path: '/conversations/nope/access', body: { access: ['invite'], access_role: 'team' }, status: 400, label: 'bad-request' },
    { method: 'PUT', path: '/conversations/CID/name', body: { name: '' }, status: 400, label: 'bad-request' },
    { method: 'PUT', path: '/conversations/CID/name', body: {}, status: 400, label: 'bad-request' },
    // messages
    { method: 'POST', path: '/conversations/CID/otr/messages', body: { recipients: {} }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations/CID/otr/messages', body: { sender: 'XYZ', recipients: {} }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations/CID/otr/messages', body: { sender: 'A1', recipients: { bad: {} } }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations/CID/otr/messages', body: { sender: 'A1', recipients: { [uuidX]: { ZZ: 'eA==' } } }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations/CID/otr/messages', body: { sender: 'A1', recipients: { BOB: { abc: 'not base64!' } } }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations/CID/otr/messages', body: { sender: 'A1', recipients: {}, data: '***' }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations/CID/otr/messages', body: { sender: 'A1', recipients: {}, report_missing: ['x'] }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations/CID/otr/messages', body: { sender: 'A1', recipients: {}, transient: 'yes' }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations/CID/otr/messages?report_missing=x,y', body: { sender: 'A1', recipients: {} }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations/CID/otr/messages?ignore_missing=true&ignore_missing=false', body: { sender: 'A1', recipients: {} }, status: 400, label: 'bad-request' },
    { method: 'POST', path: '/conversations/nope/otr/messages', body: { sender: 'A1', recipients: {} }, status: 400, label: 'bad-request' },
    // notifications
    { method: 'GET', path: '/notifications?size=0', status: 400, label: 'bad-request' },
    { method: 'GET', path: '/notifications?size=10001', status: 400, label: 'bad-request' },
    { method: 'GET', path: '/notifications?size=abc', status: 400, label: 'bad-request' },
    { method: 'GET', path: '/notifications?size=1&size=2', status: 400, label: 'bad-request' },
    { method: 'GET', path: '/notifications?since=yesterday', status: 400, label: 'bad-request' },
    { method: 'GET', path: '/notifications?client=XYZ', status: 400, label: 'bad-request' },
  ];

  it('answers each with a 4xx and its label, never a 5xx, and changes nothing', async () => {
    const before = await snapshot();
    for (const c of cases()) {
      const path = c.path.replaceAll('CID', cid).replaceAll('TID', tid);
      const body = c.body === undefined ? undefined : JSON.parse(JSON.stringify(c.body).replaceAll('A1', a1).replaceAll('BOB', bob.id));
      const token = c.as === 'none' ? undefined : c.as === 'bob' ? bob.token : alice.token;
      const r = await app.req(c.method, path, {
        ...(c.rawBody !== undefined ? { rawBody: c.rawBody, headers: { 'content-type': c.contentType ?? 'application/json' } } : {}),
        ...(body !== undefined ? { body } : {}),
        ...(token ? { token } : {}),
      });
      const what = `${c.method} ${c.path} ${JSON.stringify(c.body ?? c.rawBody ?? '').slice(0, 80)}`;
      expect(r.status, what).toBe(c.status);
      expect(r.json, what).toEqual({ code: c.status, label: c.label, message: expect.any(String) });
    }
    expect(await snapshot()).toEqual(before);
    expect(app.logs.some((l) => l.includes('unexpected fault'))).toBe(false);
  });
});
