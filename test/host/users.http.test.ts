import { ScryptHasher } from '@spp/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bundle, initProteus, newClientBody, signUp, type TestUser } from './support.js';

const cheap = () => ({ hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });

describe('built-in host: users, login and handles', () => {
  let app: TestApp;
  beforeAll(async () => {
    await initProteus();
    app = await startTestApp({ RATE_LIMITS: 'false' }, cheap());
  });
  afterAll(async () => app.stop());

  it('registers a user (201 SelfUser), refuses the same e-mail in any case, logs in with a user token', async () => {
    const body = { name: 'Alice', email: 'Alice@Example.com', password: "alice's long password", locale: 'en-US', accent_id: 1 };
    const r = await app.req('POST', '/register', { body });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      qualified_id: { id: r.json.id, domain: 'localhost' },
      name: 'Alice',
      email: 'Alice@Example.com',
      accent_id: 1,
      assets: [],
      locale: 'en-US',
    });
    const dup = await app.req('POST', '/register', { body: { ...body, email: 'alice@example.COM' } });
    expect(dup.json).toEqual({ code: 409, label: 'key-exists', message: 'The given e-mail address is in use.' });

    const login = await app.req('POST', '/v7/login', { body: { email: 'alice@example.com', password: body.password } });
    expect(login.status).toBe(200);
    expect(login.json).toEqual({ access_token: expect.stringContaining('.t=a.l=.u='), token_type: 'Bearer', expires_in: 86400, user: r.json.id });
    const self = await app.req('GET', '/self', { token: login.json.access_token });
    expect(self.json.id).toBe(r.json.id);
    // defaults
    const bare = await app.req('POST', '/register', { body: { name: 'Bare', email: 'bare@example.com', password: 'bare long password' } });
    expect(bare.json).toMatchObject({ locale: 'en', accent_id: 0 });
  });

  it('answers every failed login the same way', async () => {
    await app.req('POST', '/register', { body: { name: 'Zed', email: 'zed@example.com', password: 'zed long password' } });
    for (const body of [
      { email: 'zed@example.com', password: 'wrong password' },
      { email: 'nobody@example.com', password: 'zed long password' },
    ]) {
      const r = await app.req('POST', '/login', { body });
      expect(r.json).toEqual({ code: 403, label: 'invalid-credentials', message: 'Authentication failed.' });
    }
  });

  it('sets handles with the spec labels', async () => {
    const a = await signUp(app, 'Hana');
    const b = await signUp(app, 'Hugo');
    const set = (u: TestUser, handle: string) => app.req('PUT', '/self/handle', { token: u.token, body: { handle } });
    const ok = await set(a, 'hana_1');
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    expect((await set(a, 'hana_1')).status).toBe(200);
    expect((await set(b, 'hana_1')).json).toMatchObject({ code: 409, label: 'handle-exists' });
    for (const bad of ['H', 'UPPER', 'x', 'with space', 'é'.repeat(3), 'a'.repeat(257)])
      expect((await set(b, bad)).json, bad).toMatchObject({ code: 400, label: 'invalid-handle' });
    expect((await app.req('GET', '/self', { token: a.token })).json.handle).toBe('hana_1');
    const profile = await app.req('GET', `/users/localhost/${a.id}`, { token: b.token });
    expect(profile.json).toEqual({ id: a.id, qualified_id: { id: a.id, domain: 'localhost' }, name: 'Hana', accent_id: 1, assets: [], handle: 'hana_1' });
  });

  it('looks users up by id, alone or in a list', async () => {
    const a = await signUp(app, 'Ida');
    const unknown = '77777777-7777-4777-8777-777777777777';
    expect((await app.req('GET', `/users/${unknown}`, { token: a.token })).json).toEqual({ code: 404, label: 'not-found', message: 'User not found' });
    expect((await app.req('GET', `/users/other.example/${a.id}`, { token: a.token })).json.label).toBe('not-found');
    const list = await app.req('GET', `/users?ids=${a.id},${unknown}`, { token: a.token });
    expect(list.json.map((u: { id: string }) => u.id)).toEqual([a.id]);
    expect((await app.req('GET', `/users?ids=${a.id}&ids=${a.id.toUpperCase()}`, { token: a.token })).json).toHaveLength(1);
    expect((await app.req('GET', '/users', { token: a.token })).json.label).toBe('bad-request');
  });
});

describe('built-in host: clients and prekeys', () => {
  let app: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    await initProteus();
    app = await startTestApp({ RATE_LIMITS: 'false' }, cheap());
    alice = await signUp(app, 'Alice');
    bob = await signUp(app, 'Bob');
  });
  afterAll(async () => app.stop());

  it('registers a client (201 Client) and hands out its prekeys one by one, then the last resort', async () => {
    const r = await app.req('POST', '/clients', { token: alice.token, body: newClientBody(2) });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ id: expect.stringMatching(/^[1-9a-f][0-9a-f]{0,15}$/), type: 'permanent', class: 'desktop', label: 'Laptop', time: expect.any(String) });
    const id = r.json.id;
    expect((await app.req('GET', '/clients', { token: alice.token })).json).toEqual([r.json]);
    expect((await app.req('GET', `/users/${alice.id}/clients`, { token: bob.token })).json).toEqual([{ id, class: 'desktop' }]);
    const claimed: number[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await app.req('GET', `/users/localhost/${alice.id}/prekeys/${id}`, { token: bob.token });
      expect(c.json.client).toBe(id);
      claimed.push(c.json.prekey.id);
    }
    expect(claimed).toEqual([1, 2, 65535, 65535]);
  });

  it('accepts last_prekey as an alias, but not together with lastkey', async () => {
    const { lastkey, ...rest } = newClientBody(0, 'permanent', { class: null, label: null });
    const alias = await app.req('POST', '/clients', { token: bob.token, body: { ...rest, last_prekey: lastkey } });
    expect(alias.status).toBe(201);
    expect(alias.json).not.toHaveProperty('class');
    const both = await app.req('POST', '/clients', { token: bob.token, body: { ...rest, lastkey, last_prekey: lastkey } });
    expect(both.json.label).toBe('bad-request');
  });

  it('refuses keys that are not bundles with the matching id', async () => {
    const good = newClientBody(1);
    const cases = [
      { ...good, prekeys: [{ id: 2, key: good.prekeys[0]!.key }] },
      { ...good, prekeys: [{ id: 1, key: 'bm90IGEgYnVuZGxl' }] },
      { ...good, prekeys: [{ id: 1, key: '%%%' }] },
      { ...good, lastkey: { id: 65535, key: bundle(1) } },
    ];
    for (const body of cases) {
      const r = await app.req('POST', '/clients', { token: bob.token, body });
      expect(r.json).toEqual({ code: 400, label: 'bad-request', message: 'Malformed prekeys uploaded' });
    }
    const wrongLast = await app.req('POST', '/clients', { token: bob.token, body: { ...good, lastkey: { id: 1, key: bundle(1) } } });
    expect(wrongLast.json.label).toBe('bad-request');
  });

  it('allows 7 permanent clients; a temporary client replaces the previous one', async () => {
    const u = await signUp(app, 'Many');
    for (let i = 0; i < 7; i++) expect((await app.req('POST', '/clients', { token: u.token, body: newClientBody(0) })).status).toBe(201);
    const eighth = await app.req('POST', '/clients', { token: u.token, body: newClientBody(0) });
    expect(eighth.json).toEqual({ code: 403, label: 'too-many-clients', message: 'Too many clients' });
    const t1 = await app.req('POST', '/clients', { token: u.token, body: newClientBody(0, 'temporary') });
    const t2 = await app.req('POST', '/clients', { token: u.token, body: newClientBody(0, 'temporary') });
    expect([t1.status, t2.status]).toEqual([201, 201]);
    const ids = (await app.req('GET', '/clients', { token: u.token })).json.map((c: { id: string }) => c.id);
    expect(ids).toHaveLength(8);
    expect(ids).toContain(t2.json.id);
    expect(ids).not.toContain(t1.json.id);
  });

  it('deletes a client with its prekeys', async () => {
    const r = await app.req('POST', '/clients', { token: alice.token, body: newClientBody(1) });
    const del = await app.req('DELETE', `/clients/${r.json.id}`, { token: alice.token });
    expect([del.status, del.text]).toEqual([200, '']);
    expect((await app.req('DELETE', `/clients/${r.json.id}`, { token: alice.token })).json).toMatchObject({ code: 404, label: 'client-not-found' });
    expect((await app.req('GET', `/users/${alice.id}/prekeys/${r.json.id}`, { token: bob.token })).json.label).toBe('client-not-found');
    // another user's client cannot be deleted
    const bobs = (await app.req('GET', '/clients', { token: bob.token })).json[0].id;
    expect((await app.req('DELETE', `/clients/${bobs}`, { token: alice.token })).json.label).toBe('client-not-found');
    expect((await app.req('GET', `/users/77777777-7777-4777-8777-777777777777/clients`, { token: bob.token })).json).toEqual([]);
  });
});

describe('built-in host: rate limits', () => {
  it('limits registrations per client IP and password checks per e-mail (namespace user:)', async () => {
    const app = await startTestApp({}, cheap());
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await app.req('POST', '/register', { body: { name: 'R', email: `r${i}@example.com`, password: 'a long password' } });
        statuses.push(r.status);
        if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
      // the password bucket is keyed by e-mail, whether or not an account has it
      const logins: number[] = [];
      for (let i = 0; i < 6; i++)
        logins.push((await app.req('POST', '/login', { body: { email: 'nobody@example.com', password: 'wrong password' } })).status);
      expect(logins).toEqual([403, 403, 403, 403, 403, 429]);
      expect((await app.req('POST', '/login', { body: { email: 'r0@example.com', password: 'a long password' } })).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
