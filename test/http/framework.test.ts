import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.js';

describe('HTTP conventions shared by every route', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app.stop());

  it('answers unknown paths with 404 not-found and wrong methods with 405', async () => {
    const unknown = await app.req('GET', '/no/such/path');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ code: 404, label: 'not-found', message: expect.any(String) });
    const wrong = await app.req('DELETE', '/api-version');
    expect(wrong.status).toBe(405);
    expect(wrong.json.label).toBe('method-not-allowed');
  });

  it('accepts a /vN prefix and one trailing slash', async () => {
    for (const p of ['/api-version', '/v0/api-version', '/v9/api-version/', '/api-version/']) {
      const r = await app.req('GET', p);
      expect(r.status, p).toBe(200);
      expect(r.json.supported).toContain(7);
    }
    expect((await app.req('GET', '/v10/api-version')).status).toBe(404);
  });

  it('guards /i/ routes with the admin token only from the Authorization header', async () => {
    expect((await app.req('GET', '/i/status')).json.label).toBe('missing-auth');
    expect((await app.req('GET', '/i/status', { token: 'wrong' })).json.label).toBe('invalid-token');
    expect((await app.req('GET', `/i/status?access_token=${ADMIN_TOKEN}`)).status).toBe(401);
    const ok = await app.req('GET', '/i/status', { token: ADMIN_TOKEN });
    expect(ok.json).toEqual({ status: 'ok' });
    const metrics = await app.req('GET', '/i/metrics', { token: ADMIN_TOKEN });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('http_requests_total');
  });

  it('sends security headers and no CORS headers', async () => {
    const r = await app.req('GET', '/api-version', { headers: { origin: 'https://evil.example' } });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect([...r.headers.keys()].some((k) => k.startsWith('access-control-'))).toBe(false);
  });

  it('serves an OpenAPI document built from the route table', async () => {
    const r = await app.req('GET', '/api-docs/openapi.json');
    expect(r.json.openapi).toBe('3.1.0');
    expect(Object.keys(r.json.paths)).toContain('/api-version');
  });
});

describe('without ADMIN_TOKEN', () => {
  it('hides every /i/ path', async () => {
    const app = await startTestApp({ ADMIN_TOKEN: '' });
    try {
      const r = await app.req('GET', '/i/status', { token: ADMIN_TOKEN });
      expect(r.status).toBe(404);
    } finally {
      await app.stop();
    }
  });
});

describe('U+0000 in input', () => {
  it('is refused with 400 in bodies, queries and path parameters, the same on every storage engine', async () => {
    const app = await startTestApp();
    try {
      const body = await app.req('POST', '/provider/register', {
        body: { name: 'A\u0000B', email: 'nul@acme.example', url: 'https://acme.example/', description: 'x', password: 'long enough password' },
      });
      expect([body.status, body.json.label]).toEqual([400, 'bad-request']);
      const query = await app.req('GET', '/api-version?x=a%00b');
      expect([query.status, query.json.label]).toEqual([400, 'bad-request']);
      const path = await app.req('GET', '/providers/a%00b', { headers: {} });
      expect([401, 400]).toContain(path.status);
      expect(app.logs.some((l) => l.includes('unexpected fault'))).toBe(false);
    } finally {
      await app.stop();
    }
  });
});

describe('review findings', () => {
  it('takes 500 ids in a query (Node would refuse the long request line by default) and keeps /i/ unversioned', async () => {
    const app = await startTestApp();
    try {
      const ids = Array.from({ length: 500 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      const r = await app.req('GET', `/bot/users?${ids.map((id) => `ids=${id}`).join('&')}`);
      expect([r.status, r.json?.label]).toEqual([401, 'missing-auth']);
      const v = await app.req('GET', '/v7/i/status', { token: ADMIN_TOKEN });
      expect([v.status, v.json.label]).toEqual([404, 'not-found']);
    } finally {
      await app.stop();
    }
  });
});
