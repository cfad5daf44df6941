import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { approvedProvider, verifiedProvider, type ProviderSession } from '../support/providers.js';
import { keys, VECTOR_FINGERPRINT, VECTOR_PEM } from './fixtures.js';
import { createServiceOk, newServiceBody, newUser, setConnection, startServiceApp } from './support.js';
import { freshHealth } from '@spp/domain';

const FRESH_HEALTH = {
  status: 'healthy',
  consecutive_failures: 0,
  delivered: 0,
  failed: 0,
  gone: 0,
  dropped: 0,
  last_error: null,
  last_error_at: null,
  last_success_at: null,
  probe_at: null,
};

describe('services of a provider (services.md §5)', () => {
  let app: TestApp;
  let p: ProviderSession;
  beforeAll(async () => {
    app = await startServiceApp();
    p = await approvedProvider(app);
  });
  afterAll(async () => app.stop());

  const create = (body: Record<string, unknown>, token = p.token) => app.req('POST', '/provider/services', { token, body: newServiceBody(body) });

  describe('POST /provider/services', () => {
    it('creates a disabled service and returns a generated auth token once', async () => {
      const r = await create({ public_key: VECTOR_PEM, assets: [{ type: 'image', key: '3-1-0a2b', size: 'complete' }], tags: ['tutorial', 'social'] });
      expect(r.status).toBe(201);
      expect(Object.keys(r.json).sort()).toEqual(['auth_token', 'id']);
      expect(r.json.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.json.auth_token).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const got = await app.req('GET', `/provider/services/${r.json.id}`, { token: p.token });
      expect(got.status).toBe(200);
      expect(got.json).toEqual({
        id: r.json.id,
        name: 'Echo',
        summary: 'Repeats what you say',
        description: 'A bot that echoes every text message.',
        base_url: 'https://echo.acme.example/api',
        auth_tokens: [r.json.auth_token],
        public_keys: [{ type: 'rsa', size: 2048, pem: VECTOR_PEM, fingerprint: VECTOR_FINGERPRINT }],
        assets: [{ type: 'image', key: '3-1-0a2b', size: 'complete' }],
        tags: ['social', 'tutorial'],
        enabled: false,
        identity_fingerprints: [],
        health: FRESH_HEALTH,
      });
    });

    it('keeps a given auth token and answers only the id; optional fields may be absent or null', async () => {
      const r = await create({ auth_token: 'secret-token', assets: null, identity_fingerprints: null, unknown_field: 1 });
      expect(r.status).toBe(201);
      expect(r.json).toEqual({ id: expect.any(String) });
      const got = await app.req('GET', `/provider/services/${r.json.id}`, { token: p.token });
      expect(got.json.auth_tokens).toEqual(['secret-token']);
      expect(got.json.assets).toEqual([]);
    });

    it('accepts all 31 tags, returned in list order', async () => {
      const tags = [
        'audio', 'books', 'business', 'design', 'education', 'entertainment', 'finance', 'fitness', 'food-drink', 'games', 'graphics',
        'health', 'integration', 'lifestyle', 'media', 'medical', 'movies', 'music', 'news', 'photography', 'poll', 'productivity',
        'quiz', 'rating', 'shopping', 'social', 'sports', 'travel', 'tutorial', 'video', 'weather',
      ];
      for (let i = 0; i < tags.length; i += 3) {
        const chunk = tags.slice(i, i + 3);
        const id = await createServiceOk(app, p.token, { tags: [...chunk].reverse() });
        const got = await app.req('GET', `/provider/services/${id}`, { token: p.token });
        expect(got.json.tags).toEqual(chunk);
      }
    });

    it('collapses duplicate tags and fingerprints before counting, lowercasing fingerprints', async () => {
      const f = 'AB'.repeat(32);
      const id = await createServiceOk(app, p.token, {
        tags: ['quiz', 'music', 'quiz', 'music', 'audio'],
        identity_fingerprints: [f, f.toLowerCase(), 'c'.repeat(64), 'd'.repeat(64), 'e'.repeat(64)],
      });
      const got = await app.req('GET', `/provider/services/${id}`, { token: p.token });
      expect(got.json.tags).toEqual(['audio', 'music', 'quiz']);
      expect(got.json.identity_fingerprints).toEqual(['ab'.repeat(32), 'c'.repeat(64), 'd'.repeat(64), 'e'.repeat(64)]);
    });

    it('counts name lengths in code points', async () => {
      expect((await create({ name: '😀'.repeat(128) })).status).toBe(201);
      const long = await create({ name: '😀'.repeat(129) });
      expect(long.status).toBe(400);
      expect(long.json.message).toContain('name');
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      ['missing name', { name: undefined }, 'name'],
      ['empty summary', { summary: '' }, 'summary'],
      ['long description', { description: 'x'.repeat(1025) }, 'description'],
      ['http base_url', { base_url: 'http://echo.example/' }, 'base_url'],
      ['relative base_url', { base_url: '/api' }, 'base_url'],
      ['base_url with query', { base_url: 'https://echo.example/api?x=1' }, 'base_url'],
      ['base_url with fragment', { base_url: 'https://echo.example/api#x' }, 'base_url'],
      ['base_url with credentials', { base_url: 'https://user:pw@echo.example/api' }, 'base_url'],
      ['base_url too long', { base_url: `https://echo.example/${'a'.repeat(2030)}` }, 'base_url'],
      ['11 assets', { assets: Array.from({ length: 11 }, () => ({ type: 'image', key: 'k' })) }, 'assets'],
      ['asset key with a space', { assets: [{ type: 'image', key: 'a b' }] }, 'assets'],
      ['asset of another type', { assets: [{ type: 'video', key: 'k' }] }, 'assets'],
      ['asset size', { assets: [{ type: 'image', key: 'k', size: 'huge' }] }, 'assets'],
      ['no tags', { tags: [] }, 'tags'],
      ['four tags', { tags: ['audio', 'books', 'music', 'news'] }, 'tags'],
      ['short auth token', { auth_token: '12345' }, 'auth_token'],
      ['auth token with a space', { auth_token: 'abc def' }, 'auth_token'],
      ['long auth token', { auth_token: 'a'.repeat(513) }, 'auth_token'],
      ['bad fingerprint', { identity_fingerprints: ['xyz'] }, 'identity_fingerprints'],
      ['five fingerprints', { identity_fingerprints: ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(64)) }, 'identity_fingerprints'],
      ['public_key not a string', { public_key: 5 }, 'public_key'],
    ];
    for (const [name, over, field] of invalid)
      it(`400 bad-request: ${name}`, async () => {
        const r = await create(over);
        expect(r.status).toBe(400);
        expect(r.json).toEqual({ code: 400, label: 'bad-request', message: expect.stringContaining(field) });
      });

    it('400 "Invalid tag: <value>" for an unknown tag', async () => {
      const r = await create({ tags: ['social', 'cooking'] });
      expect(r.json).toEqual({ code: 400, label: 'bad-request', message: 'Invalid tag: cooking' });
    });

    it('accepts auth tokens of 6 and 512 characters', async () => {
      expect((await create({ auth_token: 'a-b_=9' })).status).toBe(201);
      expect((await create({ auth_token: 'Z'.repeat(512) })).status).toBe(201);
    });

    it('400 invalid-service-key with the reason of the first failing rule', async () => {
      const k = keys();
      const cases: [string, string][] = [
        ['no pem', 'not a PEM-encoded public key'],
        [k.pemA + k.pemB, 'expected exactly one PEM block, found 2'],
        [k.pkcs1A, 'openssl rsa -RSAPublicKey_in -in k.pem -pubout'],
        [k.privateA, 'a private key was submitted'],
        [k.ec, 'key type ec is not supported; an RSA key is required'],
        [k.rsa1024, 'RSA key has 1024 bits; at least 2048 (at most 16384) are required'],
      ];
      for (const [pem, reason] of cases) {
        const r = await create({ public_key: pem });
        expect(r.status).toBe(400);
        expect(r.json.label).toBe('invalid-service-key');
        expect(r.json.message).toMatch(/^Invalid service key: /);
        expect(r.json.message).toContain(reason);
      }
    });

    it('403 provider-not-approved for a verified but unapproved provider, before the key is checked', async () => {
      const active = await verifiedProvider(app, { approve: false });
      const r = await create({ public_key: 'junk' }, active.token);
      expect(r.status).toBe(403);
      expect(r.json.label).toBe('provider-not-approved');
      expect((await app.req('GET', '/provider/services', { token: active.token })).json).toEqual([]);
    });

    it('refuses other token types and absent bodies', async () => {
      expect((await app.req('POST', '/provider/services', { body: newServiceBody() })).json.label).toBe('missing-auth');
      const r = await app.req('POST', '/provider/services', { token: p.token, rawBody: JSON.stringify(newServiceBody()) });
      expect(r.status).toBe(415);
    });
  });

  it('POST /provider/assets → 501 not-implemented', async () => {
    const r = await app.req('POST', '/provider/assets', { token: p.token, rawBody: 'x', headers: { 'content-type': 'application/octet-stream' } });
    expect(r.status).toBe(501);
    expect(r.json.label).toBe('not-implemented');
  });

  describe('GET /provider/services', () => {
    it('lists every non-deleting service sorted by (lowercased name, id); [] when none', async () => {
      const q = await approvedProvider(app);
      expect((await app.req('GET', '/provider/services', { token: q.token })).json).toEqual([]);
      const ids: Record<string, string> = {};
      for (const name of ['beta', 'Alpha', 'gamma', 'alpha2']) ids[name] = await createServiceOk(app, q.token, { name });
      const del = await app.req('DELETE', `/provider/services/${ids.gamma}`, { token: q.token, body: { password: q.password } });
      expect(del.status).toBe(202);
      const list = await app.req('GET', '/provider/services', { token: q.token });
      expect(list.json.map((s: { name: string }) => s.name)).toEqual(['Alpha', 'alpha2', 'beta']);
      expect(list.json[0].health).toEqual(FRESH_HEALTH);
    });
  });

  describe('GET /provider/services/{sid}', () => {
    it('404 "Service not found." for unknown, foreign and deleting services; 400 for a malformed id', async () => {
      const other = await approvedProvider(app);
      const foreign = await createServiceOk(app, other.token);
      for (const sid of ['00000000-0000-4000-8000-000000000000', foreign]) {
        const r = await app.req('GET', `/provider/services/${sid}`, { token: p.token });
        expect(r.json).toEqual({ code: 404, label: 'not-found', message: 'Service not found.' });
      }
      expect((await app.req('GET', '/provider/services/not-a-uuid', { token: p.token })).json.label).toBe('bad-request');
      const upper = foreign.toUpperCase();
      expect((await app.req('GET', `/provider/services/${upper}`, { token: other.token })).json.id).toBe(foreign);
    });
  });

  describe('PUT /provider/services/{sid}', () => {
    it('updates the profile without a password; absent fields stay', async () => {
      const sid = await createServiceOk(app, p.token, { tags: ['social'], assets: [{ type: 'image', key: 'a1' }] });
      const r = await app.req('PUT', `/provider/services/${sid}`, { token: p.token, body: { name: 'Echo Pro', tags: ['quiz', 'education'] } });
      expect(r.status).toBe(200);
      expect(r.text).toBe('');
      const got = (await app.req('GET', `/provider/services/${sid}`, { token: p.token })).json;
      expect(got).toMatchObject({ name: 'Echo Pro', summary: 'Repeats what you say', tags: ['education', 'quiz'], assets: [{ type: 'image', key: 'a1' }] });
      const more = await app.req('PUT', `/provider/services/${sid}`, {
        token: p.token,
        body: { summary: 'Echoes', description: 'Echoes text.', assets: [] },
      });
      expect(more.status).toBe(200);
      expect((await app.req('GET', `/provider/services/${sid}`, { token: p.token })).json).toMatchObject({
        name: 'Echo Pro',
        summary: 'Echoes',
        description: 'Echoes text.',
        assets: [],
      });
    });

    it('400 for invalid fields, 404 for foreign services; nothing changes', async () => {
      const sid = await createServiceOk(app, p.token, { name: 'Stays' });
      const bad = await app.req('PUT', `/provider/services/${sid}`, { token: p.token, body: { name: 'New', tags: ['nope'] } });
      expect(bad.json).toEqual({ code: 400, label: 'bad-request', message: 'Invalid tag: nope' });
      expect((await app.req('PUT', `/provider/services/${sid}`, { token: p.token, body: { name: '' } })).status).toBe(400);
      expect((await app.req('GET', `/provider/services/${sid}`, { token: p.token })).json.name).toBe('Stays');
      const other = await approvedProvider(app);
      const r = await app.req('PUT', `/provider/services/${sid}`, { token: other.token, body: { name: 'Hijack' } });
      expect(r.json).toEqual({ code: 404, label: 'not-found', message: 'Service not found.' });
    });
  });

  describe('PUT /provider/services/{sid}/connection', () => {
    it('replaces keys and tokens, keeping their order, and toggles enabled', async () => {
      const k = keys();
      const sid = await createServiceOk(app, p.token, { auth_token: 'old-token' });
      const r = await setConnection(app, p, sid, {
        base_url: 'https://echo2.acme.example:8443/api',
        public_keys: [k.pemB, VECTOR_PEM],
        auth_tokens: ['123456', 'old-token'],
        identity_fingerprints: ['F'.repeat(64)],
        enabled: true,
      });
      expect(r.status).toBe(200);
      expect(r.text).toBe('');
      const got = (await app.req('GET', `/provider/services/${sid}`, { token: p.token })).json;
      expect(got.base_url).toBe('https://echo2.acme.example:8443/api');
      expect(got.auth_tokens).toEqual(['123456', 'old-token']);
      expect(got.public_keys.map((x: { pem: string }) => x.pem)).toEqual([k.pemB, VECTOR_PEM]);
      expect(got.public_keys[1].fingerprint).toBe(VECTOR_FINGERPRINT);
      expect(got.identity_fingerprints).toEqual(['f'.repeat(64)]);
      expect(got.enabled).toBe(true);
      expect((await setConnection(app, p, sid, { enabled: false })).status).toBe(200);
      const after = (await app.req('GET', `/provider/services/${sid}`, { token: p.token })).json;
      expect(after.enabled).toBe(false);
      expect(after.auth_tokens).toEqual(['123456', 'old-token']);
      expect(after.health).toEqual(FRESH_HEALTH);
    });

    it('names the index of a rejected key and changes nothing', async () => {
      const k = keys();
      const sid = await createServiceOk(app, p.token);
      const r = await setConnection(app, p, sid, { public_keys: [k.pemB, k.ed25519], enabled: true });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({
        code: 400,
        label: 'invalid-service-key',
        message: 'Invalid service key: public_keys[1]: key type ed25519 is not supported; an RSA key is required',
      });
      const got = (await app.req('GET', `/provider/services/${sid}`, { token: p.token })).json;
      expect(got.enabled).toBe(false);
      expect(got.public_keys.map((x: { pem: string }) => x.pem)).toEqual([k.pemA]);
    });

    it('validates the body first', async () => {
      const sid = await createServiceOk(app, p.token);
      const cases: Record<string, unknown>[] = [
        {},
        { password: '' },
        { password: p.password, public_keys: [] },
        { password: p.password, public_keys: ['a', 'b', 'c'] },
        { password: p.password, auth_tokens: ['12345'] },
        { password: p.password, auth_tokens: ['123456', '234567', '345678'] },
        { password: p.password, enabled: 'yes' },
        { password: p.password, base_url: 'ftp://x/' },
      ];
      for (const body of cases) {
        const r = await app.req('PUT', `/provider/services/${sid}/connection`, { token: p.token, body });
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.json.label).toBe('bad-request');
      }
    });

    it('403 invalid-credentials for a wrong password, before approval and service are looked at', async () => {
      const sid = await createServiceOk(app, p.token);
      const r = await app.req('PUT', `/provider/services/${sid}/connection`, { token: p.token, body: { password: 'wrong password', enabled: true } });
      expect(r.json).toEqual({ code: 403, label: 'invalid-credentials', message: expect.any(String) });
      const unknown = await app.req('PUT', '/provider/services/00000000-0000-4000-8000-000000000000/connection', {
        token: p.token,
        body: { password: 'wrong password' },
      });
      expect(unknown.json.label).toBe('invalid-credentials');
      const active = await verifiedProvider(app, { approve: false });
      const na = await app.req('PUT', `/provider/services/${sid}/connection`, { token: active.token, body: { password: 'nope nope' } });
      expect(na.json.label).toBe('invalid-credentials');
    });

    it('403 provider-not-approved after the password; 404 for unknown or foreign services', async () => {
      const sid = await createServiceOk(app, p.token);
      const active = await verifiedProvider(app, { approve: false });
      const na = await setConnection(app, active, sid, { enabled: true });
      expect(na.json.label).toBe('provider-not-approved');
      const other = await approvedProvider(app);
      const foreign = await setConnection(app, other, sid, { enabled: true });
      expect(foreign.json).toEqual({ code: 404, label: 'not-found', message: 'Service not found.' });
    });
  });

  describe('health in the Service view', () => {
    it('shows the stored record: penalised while the breaker is open, failing with failures, reset by a connection change', async () => {
      const sid = await createServiceOk(app, p.token);
      const store = app.ctx.deps.store;
      const at = Date.UTC(2026, 0, 31, 12, 0, 0);
      const open = {
        ...freshHealth(),
        consecutiveFailures: 20,
        delivered: 3,
        failed: 20,
        gone: 1,
        dropped: 4,
        lastError: 'status 503',
        lastErrorAt: at,
        lastSuccessAt: at - 1000,
        penalised: true,
        probeAt: at + 1000,
      };
      await store.transaction((tx) => tx.services.putHealth(sid, open));
      const view = async () => (await app.req('GET', `/provider/services/${sid}`, { token: p.token })).json.health;
      expect(await view()).toEqual({
        status: 'penalised',
        consecutive_failures: 20,
        delivered: 3,
        failed: 20,
        gone: 1,
        dropped: 4,
        last_error: 'status 503',
        last_error_at: '2026-01-31T12:00:00.000Z',
        last_success_at: '2026-01-31T11:59:59.000Z',
        probe_at: '2026-01-31T12:00:01.000Z',
      });
      await store.transaction((tx) => tx.services.putHealth(sid, { ...open, penalised: false, probeAt: null, consecutiveFailures: 2 }));
      expect((await view()).status).toBe('failing');
      await store.transaction((tx) => tx.services.putHealth(sid, open));
      expect((await setConnection(app, p, sid, { enabled: true })).status).toBe(200);
      expect(await view()).toMatchObject({ status: 'healthy', consecutive_failures: 0, probe_at: null, delivered: 3, failed: 20, dropped: 4, last_error: 'status 503' });
    });
  });

  describe('DELETE /provider/services/{sid}', () => {
    it('answers 202 and the service is gone from every view at once', async () => {
      const sid = await createServiceOk(app, p.token);
      const r = await app.req('DELETE', `/provider/services/${sid}`, { token: p.token, body: { password: p.password } });
      expect(r.status).toBe(202);
      expect(r.text).toBe('');
      expect((await app.req('GET', `/provider/services/${sid}`, { token: p.token })).status).toBe(404);
      expect((await app.req('PUT', `/provider/services/${sid}`, { token: p.token, body: { name: 'x' } })).status).toBe(404);
      expect((await setConnection(app, p, sid, { enabled: true })).json.message).toBe('Service not found.');
      const again = await app.req('DELETE', `/provider/services/${sid}`, { token: p.token, body: { password: p.password } });
      expect(again.json).toEqual({ code: 404, label: 'not-found', message: 'Service not found.' });
    });

    it('checks body, password, then service', async () => {
      const sid = await createServiceOk(app, p.token);
      expect((await app.req('DELETE', `/provider/services/${sid}`, { token: p.token, body: {} })).json.label).toBe('bad-request');
      const wrong = await app.req('DELETE', `/provider/services/${sid}`, { token: p.token, body: { password: 'not it at all' } });
      expect(wrong.json.label).toBe('invalid-credentials');
      const unknown = await app.req('DELETE', '/provider/services/00000000-0000-4000-8000-000000000000', {
        token: p.token,
        body: { password: p.password },
      });
      expect(unknown.json).toEqual({ code: 404, label: 'not-found', message: 'Service not found.' });
      expect((await app.req('GET', `/provider/services/${sid}`, { token: p.token })).status).toBe(200);
    });
  });
});

describe('a deleted provider', () => {
  it('404 "Provider not found." on the service routes', async () => {
    const app = await startServiceApp();
    try {
      const p = await approvedProvider(app);
      const sid = await createServiceOk(app, p.token);
      expect((await app.req('DELETE', '/provider', { token: p.token, body: { password: p.password } })).status).toBe(200);
      const notFound = { code: 404, label: 'not-found', message: 'Provider not found.' };
      expect((await app.req('POST', '/provider/services', { token: p.token, body: newServiceBody() })).json).toEqual(notFound);
      expect((await app.req('GET', '/provider/services', { token: p.token })).json).toEqual(notFound);
      expect((await setConnection(app, p, sid, { enabled: true })).json).toEqual(notFound);
      expect((await app.req('DELETE', `/provider/services/${sid}`, { token: p.token, body: { password: p.password } })).json).toEqual(notFound);
      // its services are deleting: gone from the public page too
      const user = await newUser(app);
      expect((await app.req('GET', `/providers/${p.id}/services`, { token: user.token })).json).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

describe('password bucket on the service routes', () => {
  it('429 with Retry-After once the bucket of the provider’s e-mail is empty; no password is checked', async () => {
    const app = await startServiceApp({ RATE_LIMITS: 'true' });
    try {
      const p = await approvedProvider(app); // login took one token
      const sid = await createServiceOk(app, p.token);
      for (let i = 0; i < 4; i++) expect((await setConnection(app, { ...p, password: 'wrong password' }, sid, {})).status).toBe(403);
      const limited = await app.req('DELETE', `/provider/services/${sid}`, { token: p.token, body: { password: p.password } });
      expect(limited.status).toBe(429);
      expect(limited.json.label).toBe('too-many-requests');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await app.req('GET', `/provider/services/${sid}`, { token: p.token })).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
