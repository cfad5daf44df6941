import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
const REFUSAL = { code: 403, label: 'access-denied', message: 'CSRF token missing or invalid.' };
const STATIC = join(import.meta.dirname, '../../packages/app/src/portal/static');
const PAGES = ['/portal', '/portal/register', '/portal/activate', '/portal/login', '/portal/account', '/portal/services',
  '/portal/services/new', '/portal/services/22222222-2222-4222-8222-222222222222',
  '/portal/providers/11111111-1111-4111-8111-111111111111', '/portal/staff'];

let app: TestApp;
let csrf: string;

beforeAll(async () => {
  app = await startTestApp();
  const res = await app.req('GET', '/portal/login');
  csrf = /portal_csrf=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
});
afterAll(() => app?.stop());

/** A browser-like request: Origin is what every browser adds to a state-changing fetch or form post. */
const browserReq = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  app.req(method, path, { headers: { origin: app.url, ...headers }, ...(body !== undefined ? { body } : {}) });

describe('portal pages', () => {
  it('serves every page as HTML with the strict CSP and hands out a SameSite=Strict CSRF cookie the script can read', async () => {
    for (const path of PAGES) {
      const res = await app.req('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toBe(CSP);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.text).toContain('<script type="module" src="/portal/static/js/');
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^portal_csrf=[A-Za-z0-9_-]{43}; Path=\/; SameSite=Strict$/);
    }
  });

  it('keeps an existing CSRF cookie instead of issuing a new one per page', async () => {
    const res = await app.req('GET', '/portal/services', { headers: { cookie: `portal_csrf=${csrf}` } });
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('serves scripts and the stylesheet from the same origin, and a 404 page for unknown portal paths', async () => {
    const js = await app.req('GET', '/portal/static/js/common.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.text).toContain('X-CSRF-Token');
    const css = await app.req('GET', '/portal/static/portal.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const missing = await app.req('GET', '/portal/no-such-page');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CSP);
    expect(missing.text).toContain('Page not found');
  });

  // The served pages, not the files: each is composed from the shared layout and its body at startup.
  it('has no inline scripts, inline styles or event-handler attributes, and never builds HTML from strings', async () => {
    for (const path of [...PAGES, '/portal/no-such-page']) {
      const html = (await app.req('GET', path)).text;
      expect(html, path).not.toContain('{{');
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
        const src = /\bsrc="(\/portal\/static\/js\/[a-z-]+\.js)"/.exec(tag)?.[1];
        expect(src, `${path}: ${tag}`).toBeDefined();
        expect((await app.req('GET', src!)).status, src).toBe(200);
      }
      expect(html, path).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
      for (const id of [...html.matchAll(/<(?:input|textarea|select)\b[^>]*\bid="([^"]+)"/g)].map((m) => m[1]))
        expect(html, `${path}: #${id} has a label`).toContain(`for="${id}"`);
    }
    for (const file of readdirSync(join(STATIC, 'js'))) {
      const js = readFileSync(join(STATIC, 'js', file), 'utf8');
      expect(js, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    }
  });
});

describe('CSRF guard (double submit, before the dispatcher)', () => {
  it('refuses state-changing cookie-authenticated requests to /provider... without a matching X-CSRF-Token', async () => {
    const cookie = `zprovider=some-provider-token; portal_csrf=${csrf}`;
    const cases: [string, string][] = [
      ['POST', '/provider/services'],
      ['PUT', '/provider'],
      ['DELETE', '/provider'],
      ['PUT', '/provider/services/22222222-2222-4222-8222-222222222222/connection'],
      ['POST', '/v7/provider/services'],
    ];
    for (const [method, path] of cases) {
      const none = await browserReq(method, path, { cookie }, {});
      expect(none.status, `${method} ${path}`).toBe(403);
      expect(none.json).toEqual(REFUSAL);
      // another last character: a 32-byte token ends in 'A' once in 16
      const wrong = await browserReq(method, path, { cookie, 'x-csrf-token': `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` }, {});
      expect(wrong.json, `${method} ${path} wrong token`).toEqual(REFUSAL);
    }
    const noCsrfCookie = await browserReq('POST', '/provider/services', { cookie: 'zprovider=t', 'x-csrf-token': csrf }, {});
    expect(noCsrfCookie.json).toEqual(REFUSAL);
    expect(app.logs.some((l) => l.includes('CSRF check refused'))).toBe(true);
    expect(app.logs.some((l) => l.includes(csrf) || l.includes('some-provider-token'))).toBe(false);
  });

  it('passes matching tokens, Bearer calls, cookie-less logins, reads and non-browser cookie clients through to the API', async () => {
    const cookie = `zprovider=not-a-valid-token; portal_csrf=${csrf}`;
    const answers = [
      await browserReq('PUT', '/provider', { cookie, 'x-csrf-token': csrf }, { name: 'x' }),
      await browserReq('PUT', '/provider', { cookie, authorization: 'Bearer not-a-valid-token' }, { name: 'x' }),
      await browserReq('PUT', '/provider?access_token=not-a-valid-token', { cookie }, { name: 'x' }),
      await app.req('PUT', '/provider', { headers: { cookie: 'zprovider=not-a-valid-token' }, body: { name: 'x' } }),
      await browserReq('GET', '/provider', { cookie }),
    ];
    // The dispatcher, not the guard, answers: a garbage token is 401 invalid-token.
    for (const a of answers) expect(a.json).toEqual({ code: 401, label: 'invalid-token', message: expect.any(String) });
    const login = await browserReq('POST', '/provider/login', { cookie: `portal_csrf=${csrf}` }, { email: 'nobody@example.com', password: 'x' });
    expect(login.json).not.toEqual(REFUSAL);
  });
});

describe('portal logout', () => {
  it('deletes the HttpOnly provider cookie, and only for a request carrying the CSRF token', async () => {
    const refused = await browserReq('POST', '/portal/logout', { cookie: `zprovider=t; portal_csrf=${csrf}` });
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual(REFUSAL);
    expect(refused.headers.get('set-cookie')).toBeNull();

    const ok = await browserReq('POST', '/portal/logout', { cookie: `zprovider=t; portal_csrf=${csrf}`, 'x-csrf-token': csrf });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('set-cookie')).toBe(
      'zprovider=; Path=/provider; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict',
    );
  });
});
