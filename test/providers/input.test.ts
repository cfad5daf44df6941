import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '@spp/domain';
import type { TestApp } from '../support/app.js';
import { admin, approvedProvider, outbox, PASSWORD, register, registration, startProviderApp, uniqueEmail, userToken, waitFor } from './http.js';

/**
 * Bad input on every provider route answers the right label, never a 5xx, and changes nothing.
 */
describe('provider routes refuse bad input without side effects', () => {
  let app: TestApp;
  let p: Awaited<ReturnType<typeof approvedProvider>>;
  beforeAll(async () => {
    app = await startProviderApp();
    p = await approvedProvider(app);
  });
  afterAll(async () => app.stop());

  /** everything a refused request could have changed (mails: once the queue is drained, the outbox files) */
  const snapshot = async () => {
    await waitFor(async () => (await app.ctx.deps.store.read((tx) => tx.mails.list(1))).length === 0 || undefined, 'mail queue drained');
    return {
      providers: (await admin(app, 'GET', '/i/providers?size=500')).json,
      me: (await app.req('GET', '/provider', { token: p.token })).json,
      mails: outbox(app).map((m) => m.file),
    };
  };

  const bodyRoutes: [string, string, Record<string, unknown>, boolean][] = [
    ['POST', '/provider/register', registration(), false],
    ['POST', '/provider/login', { email: 'x@acme.example', password: PASSWORD }, false],
    ['PUT', '/provider', { name: 'x' }, true],
    ['PUT', '/provider/email', { email: 'y@acme.example' }, true],
    ['PUT', '/provider/password', { old_password: PASSWORD, new_password: 'another long passphrase' }, true],
    ['DELETE', '/provider', { password: PASSWORD }, true],
  ];

  it('malformed JSON, wrong types, missing fields, non-objects → 400 naming the field; nothing changes', async () => {
    const before = await snapshot();
    for (const [method, path, good, auth] of bodyRoutes) {
      const token = auth ? p.token : undefined;
      const send = (init: { rawBody?: string; body?: unknown; headers?: Record<string, string> }) =>
        app.req(method, path, { ...init, ...(token ? { token } : {}), headers: { 'content-type': 'application/json', ...init.headers } });
      for (const raw of ['{', '{"a":1,}', "{'a':1}", 'nul', '{"name":"\u0001"}', '', '[]', '"text"', '42', 'null']) {
        const r = await send({ rawBody: raw });
        expect(r.status, `${method} ${path} ${JSON.stringify(raw)}`).toBe(400);
        expect(r.json).toMatchObject({ code: 400, label: 'bad-request' });
      }
      for (const field of Object.keys(good)) {
        const missing = { ...good };
        delete missing[field];
        if (path !== '/provider' && !(path === '/provider/register' && field === 'password')) {
          const r = await send({ body: missing });
          expect(r.status, `${path} without ${field}`).toBe(400);
          expect(r.json.message, `${path} without ${field}`).toContain(field);
        }
        for (const wrong of [42, true, null, ['x'], { x: 1 }]) {
          const r = await send({ body: { ...good, [field]: wrong } });
          expect(r.status, `${path} ${field}=${JSON.stringify(wrong)}`).toBe(400);
          expect(r.json.message).toContain(field);
        }
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('wrong or missing Content-Type → 415 (even for an empty body); more than 256 KiB → 413; nothing changes', async () => {
    const before = await snapshot();
    for (const [method, path, good, auth] of bodyRoutes) {
      const token = auth ? { token: p.token } : {};
      for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
        const r = await app.req(method, path, { ...token, rawBody: JSON.stringify(good), headers: type ? { 'content-type': type } : {} });
        expect(r.status, `${path} ${type}`).toBe(415);
        expect(r.json.label).toBe('unsupported-media-type');
      }
      expect((await app.req(method, path, { ...token })).status).toBe(415);
      const big = { ...good, padding: 'x'.repeat(256 * 1024) };
      const r = await app.req(method, path, { ...token, body: big });
      expect(r.status, path).toBe(413);
      expect(r.json.label).toBe('payload-too-large');
    }
    expect(await snapshot()).toEqual(before);
    // unknown fields are ignored, as wire-server ignores them
    const ok = await app.req('PUT', '/provider', { token: p.token, body: { name: 'Acme Bots', unknown: [1, 2] } });
    expect(ok.status).toBe(200);
    expect((await app.req('POST', '/provider/register', { body: { ...registration(), extra: { nested: true } } })).status).toBe(201);
  });

  it('accepts application/json with charset=utf-8 and literal newlines inside strings', async () => {
    const r = await app.req('PUT', '/provider', {
      token: p.token,
      rawBody: '{"description":"line one\nline two"}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(r.status).toBe(200);
    expect((await app.req('GET', '/provider', { token: p.token })).json.description).toBe('line one\nline two');
  });

  it('registration field rules: e-mail syntax and length, password 8..1024 code points, https URL, name and description lengths', async () => {
    const bad: Record<string, unknown>[] = [
      { email: 'not-an-email' },
      { email: `${'a'.repeat(250)}@b.cd` },
      { email: 'a"b@acme.example' },
      { email: 'a@acme_example.com' },
      { password: 'seven77' },
      { password: '🤖'.repeat(7) },
      { password: 'p'.repeat(1025) },
      { url: 'ftp://acme.example/' },
      { url: `https://acme.example/${'x'.repeat(2048)}` },
      { name: '' },
      { description: '' },
    ];
    for (const over of bad) {
      const r = await app.req('POST', '/provider/register', { body: registration(over) });
      expect(r.status, JSON.stringify(over).slice(0, 80)).toBe(400);
      expect(r.json.message).toContain(Object.keys(over)[0]);
    }
    // 8 code points of astral characters are 16 UTF-16 units: fine either way; 8 of them is the minimum
    expect((await app.req('POST', '/provider/register', { body: registration({ password: '🤖'.repeat(8) }) })).status).toBe(201);
    expect((await app.req('POST', '/provider/register', { body: registration({ password: 'p'.repeat(1024) }) })).status).toBe(201);
  });

  it('login and re-authentication check passwords of 1..1024 code points', async () => {
    for (const password of ['', 'p'.repeat(1025)]) {
      expect((await app.req('POST', '/provider/login', { body: { email: p.email, password } })).status).toBe(400);
      expect((await app.req('DELETE', '/provider', { token: p.token, body: { password } })).status).toBe(400);
    }
    expect((await app.req('GET', '/provider', { token: p.token })).status).toBe(200);
  });

  it('activation and approval links: missing, malformed or repeated key/code → 400; unknown → 403', async () => {
    const key = 'A'.repeat(20);
    const code = 'B'.repeat(20);
    for (const path of ['/provider/activate', '/provider/approve']) {
      for (const q of [
        '',
        `?key=${key}`,
        `?code=${code}`,
        `?key=${key.slice(1)}&code=${code}`,
        `?key=${key}A&code=${code}`,
        `?key=${key}&code=${code.slice(0, 5)}`,
        `?key=${key}&code=${code}B`,
        `?key=${key}&code=abc%2Bdefg`,
        `?key=${key}&code=abc=defg`,
        `?key=${key}&key=${key}&code=${code}`,
      ]) {
        const r = await app.req('GET', path + q);
        expect(r.status, path + q).toBe(400);
        expect(r.json.label).toBe('bad-request');
      }
      const r = await app.req('GET', `${path}?key=${key}&code=${code}`);
      expect(r.status).toBe(403);
      expect(r.json.label).toBe('invalid-code');
    }
  });

  it('password reset routes always answer 403 password-reset-disabled without reading the body', async () => {
    const existing = p.email;
    for (const path of ['/provider/password-reset', '/provider/password-reset/complete', '/v5/provider/password-reset/']) {
      for (const init of [
        { body: { email: existing } },
        { body: { email: uniqueEmail() } },
        { rawBody: '{not json', headers: { 'content-type': 'application/json' } },
        { rawBody: 'x'.repeat(300 * 1024), headers: { 'content-type': 'text/plain' } },
        {},
      ]) {
        const r = await app.req('POST', path, init);
        expect(r.status, path).toBe(403);
        expect(r.json).toEqual({ code: 403, label: 'password-reset-disabled', message: 'Password reset is not available for provider accounts.' });
      }
    }
    expect((await app.req('GET', '/provider/password-reset')).status).toBe(405);
  });

  it('provider-token routes: no token 401 missing-auth; bad, expired or foreign-key tokens 401 invalid-token; other token types 403 access-denied', async () => {
    const signer = app.ctx.deps.signer;
    const nowS = Math.floor(Date.now() / 1000);
    const expired = mintToken(signer, { type: 'p', providerId: p.id }, nowS - 10);
    const bot = mintToken(signer, { type: 'b', providerId: p.id, botId: p.id, convId: p.id }, -1);
    const tampered = p.token.replace(/p=[0-9a-f-]+$/, 'p=11111111-1111-4111-8111-111111111111');
    const routes: [string, string, unknown?][] = [
      ['GET', '/provider'],
      ['PUT', '/provider', { name: 'Hacked' }],
      ['PUT', '/provider/email', { email: 'evil@acme.example' }],
      ['PUT', '/provider/password', { old_password: PASSWORD, new_password: 'hacked password' }],
      ['DELETE', '/provider', { password: PASSWORD }],
    ];
    const before = await snapshot();
    for (const [method, path, body] of routes) {
      const init = body === undefined ? {} : { body };
      expect((await app.req(method, path, init)).json.label, `${method} ${path}`).toBe('missing-auth');
      for (const t of [expired, tampered, 'garbage', `${p.token}x`, p.token.replace('.k=1.', '.k=2.')]) {
        expect((await app.req(method, path, { ...init, token: t })).json.label, `${method} ${path}`).toBe('invalid-token');
      }
      expect((await app.req(method, path, { ...init, headers: { authorization: `Basic ${p.token}` } })).json.label).toBe('invalid-token');
      for (const t of [userToken(app), bot]) {
        const r = await app.req(method, path, { ...init, token: t });
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.json.label).toBe('access-denied');
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a refused registration stores nothing: no provider, no code, no mail', async () => {
    const before = await snapshot();
    const taken = await app.req('POST', '/provider/register', { body: registration({ email: p.email.toUpperCase() }) });
    expect(taken.status).toBe(409);
    expect(taken.json.label).toBe('email-exists');
    expect(await snapshot()).toEqual(before);
    const fresh = await register(app);
    expect(fresh.id).toBeDefined();
  });
});
