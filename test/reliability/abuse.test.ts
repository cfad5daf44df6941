import { randomUUID } from 'node:crypto';
import { ScryptHasher } from '@spp/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.js';
import { approvedProvider, type ProviderSession } from '../support/providers.js';
import { rawRequest, type RawRequest, type RawResponse } from '../fuzz/support/rawHttp.js';
import { rawExchange } from './support/socket.js';

/**
 * Abuse from the internet side (providers.md §4, README "Conventions"): password guessing and registration floods
 * are rate-limited, every response carries the security headers, bodies and headers are size-limited. Rate limits
 * are on (the default). Client addresses 127.0.0.x stand for different internet clients.
 */

/** Retry-After values seen, for the README */
const retryAfter = new Map<string, number>();

const expect429 = (r: RawResponse, what = 'limit') => {
  retryAfter.set(what, Number(r.headers['retry-after']));
  expect(r.status).toBe(429);
  expect(r.json).toEqual({ code: 429, label: 'too-many-requests', message: 'Please try again later.' });
  expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
};

describe('abuse: guessing, floods, headers and size limits', () => {
  let app: TestApp;
  let provider: ProviderSession;
  const send = (r: Omit<RawRequest, 'headers'> & { headers?: Record<string, string>; json?: unknown }) =>
    rawRequest(app.url, {
      ...r,
      headers: { ...(r.json !== undefined ? { 'content-type': 'application/json' } : {}), ...(r.headers ?? {}) },
      ...(r.json !== undefined ? { body: JSON.stringify(r.json) } : {}),
    });
  const login = (email: string, password: string, from?: string) =>
    send({ method: 'POST', path: '/provider/login', json: { email, password }, ...(from ? { localAddress: from } : {}) });

  beforeAll(async () => {
    app = await startTestApp({}, { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });
    provider = await approvedProvider(app, { email: `victim-${randomUUID()}@acme.example` });
  });
  afterAll(async () => {
    console.log(`[abuse] Retry-After seconds: ${JSON.stringify(Object.fromEntries(retryAfter))}`);
    await app?.stop();
  });

  describe('password guessing', () => {
    it('is limited per account (e-mail), whichever address the guesses come from: 5 checks, then 429 + Retry-After even for the right password', async () => {
      // the setup's login was the first of the 5 checks
      const froms = ['127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14'];
      for (const from of froms) expect((await login(provider.email, 'wrong guess', from)).status).toBe(403);
      // a sixth address does not get a fresh budget, and the right password is not even checked
      expect429(await login(provider.email, provider.password, '127.0.0.16'), 'password');
      expect429(await login(provider.email.toUpperCase(), provider.password, '127.0.0.17'));
    });

    it('guesses against one account do not lock out another, and unknown accounts are limited alike (no existence oracle)', async () => {
      const other = await approvedProvider(app, { email: `other-${randomUUID()}@acme.example` });
      for (let i = 0; i < 5; i++) expect((await login(`nobody-${i}-${randomUUID()}@acme.example`, 'guess')).status).toBe(403);
      const ghost = `ghost-${randomUUID()}@acme.example`;
      for (let i = 0; i < 5; i++) expect((await login(ghost, 'guess')).status).toBe(403);
      expect429(await login(ghost, 'guess'));
      expect((await login(other.email, other.password)).status).toBe(200);
    });

    it('re-authentication routes share the bucket: guessing through PUT /provider/password is limited too', async () => {
      const p = await approvedProvider(app, { email: `reauth-${randomUUID()}@acme.example` });
      const change = (old: string) =>
        send({ method: 'PUT', path: '/provider/password', headers: { authorization: `Bearer ${p.token}` }, json: { old_password: old, new_password: 'a new long password' } });
      // the setup's login was the first of the 5 checks
      for (let i = 0; i < 4; i++) expect((await change(`guess ${i}`)).status).toBe(403);
      expect429(await change(p.password));
      expect429(await login(p.email, p.password));
    });

    it('user logins (POST /login) have the same per-account bucket', async () => {
      const email = `user-${randomUUID()}@example.com`;
      expect((await send({ method: 'POST', path: '/register', json: { name: 'U', email, password: 'user long password' }, localAddress: '127.0.0.30' })).status).toBe(201);
      for (let i = 0; i < 5; i++) expect((await send({ method: 'POST', path: '/login', json: { email, password: 'nope' } })).status).toBe(403);
      expect429(await send({ method: 'POST', path: '/login', json: { email, password: 'user long password' } }));
    });
  });

  describe('registration floods', () => {
    const reg = (from: string, headers: Record<string, string> = {}) =>
      send({
        method: 'POST',
        path: '/provider/register',
        localAddress: from,
        headers,
        json: { name: 'Flood', email: `flood-${randomUUID()}@acme.example`, url: 'https://flood.example/', description: 'x', password: 'flood password' },
      });

    it('allow 5 provider registrations per client address, then 429 + Retry-After; another address is unaffected', async () => {
      for (let i = 0; i < 5; i++) expect((await reg('127.0.0.41')).status).toBe(201);
      expect429(await reg('127.0.0.41'), 'provider registration');
      expect((await reg('127.0.0.42')).status).toBe(201);
    });

    it('cannot be escaped with X-Forwarded-For (client addresses come from the socket only)', async () => {
      for (let i = 0; i < 5; i++) expect((await reg('127.0.0.43', { 'x-forwarded-for': `203.0.113.${i}` })).status).toBe(201);
      expect429(await reg('127.0.0.43', { 'x-forwarded-for': '198.51.100.7', forwarded: 'for=198.51.100.8' }));
    });

    it('limit user registrations in their own namespace, and a flood of invalid bodies costs nothing', async () => {
      const user = (from: string) =>
        send({ method: 'POST', path: '/register', localAddress: from, json: { name: 'U', email: `u-${randomUUID()}@example.com`, password: 'user long password' } });
      for (let i = 0; i < 20; i++)
        expect((await send({ method: 'POST', path: '/register', localAddress: '127.0.0.51', json: { name: 'U', email: 'not an e-mail', password: 'x' } })).status).toBe(400);
      for (let i = 0; i < 5; i++) expect((await user('127.0.0.51')).status).toBe(201);
      expect429(await user('127.0.0.51'), 'user registration');
      // the provider bucket of the same address is separate
      expect((await reg('127.0.0.51')).status).toBe(201);
    });
  });

  describe('security headers', () => {
    it('every kind of response carries nosniff and frame-deny; HTML also a CSP; no CORS, no server banner', async () => {
      const cases: [string, RawRequest][] = [
        ['JSON 200', { method: 'GET', path: '/api-version', headers: {} }],
        ['JSON 401', { method: 'GET', path: '/provider', headers: {} }],
        ['JSON 404', { method: 'GET', path: '/nowhere', headers: {} }],
        ['JSON 405', { method: 'PATCH', path: '/provider', headers: {} }],
        ['JSON 413', { method: 'POST', path: '/register', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(300_000) }],
        ['JSON 415', { method: 'POST', path: '/register', headers: { 'content-type': 'text/plain' }, body: '{}' }],
        ['metrics text', { method: 'GET', path: '/i/metrics', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }],
        ['HTML page', { method: 'GET', path: '/portal/login', headers: {} }],
        ['HTML 404 page', { method: 'GET', path: '/portal/nowhere', headers: {} }],
        ['static asset', { method: 'GET', path: '/portal/static/portal.css', headers: {} }],
        ['CORS preflight', { method: 'OPTIONS', path: '/provider', headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' } }],
      ];
      for (const [what, req] of cases) {
        const r = await rawRequest(app.url, req);
        expect(r.headers['x-content-type-options'], what).toBe('nosniff');
        expect(r.headers['x-frame-options'], what).toBe('DENY');
        if (/html/.test(String(r.headers['content-type']))) expect(r.headers['content-security-policy'], what).toMatch(/default-src/);
        expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-')), what).toEqual([]);
        expect(r.headers['x-powered-by'], what).toBeUndefined();
      }
    });
  });

  describe('size limits', () => {
    it('a body over 256 KiB is 413 whether declared up front or streamed without a length', async () => {
      // 10 MiB announced, nothing sent: the answer comes at once, without waiting for (or buffering) the body
      const declared = await rawExchange(
        app.url,
        `PUT /provider HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${provider.token}\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
        { maxMs: 1_500 },
      ).done;
      expect(declared.status).toBe(413);
      expect(declared.text).toContain('"label":"payload-too-large"');
      const streamed = await new Promise<RawResponse>((resolve, reject) => {
        // chunked: no Content-Length, 1 MiB in 64 KiB pieces
        import('node:http').then(({ request }) => {
          const u = new URL(app.url);
          const req = request({ host: u.hostname, port: u.port, method: 'PUT', path: '/provider', headers: { authorization: `Bearer ${provider.token}`, 'content-type': 'application/json' } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString();
              resolve({ status: res.statusCode!, headers: res.headers, text, json: JSON.parse(text) });
            });
          });
          req.on('error', reject);
          const piece = Buffer.alloc(64 * 1024, 0x20);
          for (let i = 0; i < 16; i++) req.write(piece);
          req.end();
        }, reject);
      });
      expect(streamed.status).toBe(413);
      expect(streamed.json.label).toBe('payload-too-large');
    });

    it('request headers over 64 KiB are refused with 431 and the server keeps serving', async () => {
      expect((app.server as unknown as { maxHeaderSize: number }).maxHeaderSize).toBe(64 * 1024);
      const r = await rawRequest(app.url, { method: 'GET', path: '/api-version', headers: { 'x-padding': 'a'.repeat(70_000) } });
      expect(r.status).toBe(431);
      expect((await rawRequest(app.url, { method: 'GET', path: '/api-version', headers: {} })).status).toBe(200);
    });
  });
});
