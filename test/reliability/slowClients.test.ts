import { createServer, type Server } from 'node:http';
import { ScryptHasher } from '@spp/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../packages/app/src/http/createHttpApp.js';
import { expressExtensions } from '../../packages/app/src/http/extensions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { approvedProvider, type ProviderSession } from '../support/providers.js';
import { rawExchange } from './support/socket.js';

/**
 * Slow-loris: a client that sends its headers or body a byte at a time holds a connection open. The app's server
 * gives headers 10 s and a whole request 30 s (App.ts). Node checks those deadlines every 30 s by default, so the
 * same app is also mounted on a server with every limit scaled down 10× and a 100 ms check, to watch the cut-off
 * happen within the test's time. Both servers share the app, its store, its request pipeline and its handling of
 * HTTP-level errors (`clientError` listeners).
 */
describe('slow clients are cut off', () => {
  let app: TestApp;
  let provider: ProviderSession;
  let scaled: Server;
  let scaledUrl: string;

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMITS: 'false' }, { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });
    provider = await approvedProvider(app);
    scaled = createServer(
      { maxHeaderSize: (app.server as unknown as { maxHeaderSize: number }).maxHeaderSize, headersTimeout: 1_000, requestTimeout: 3_000, connectionsCheckingInterval: 100 },
      createHttpApp(app.ctx, expressExtensions),
    );
    // whatever the app's server does with HTTP-level errors, the scaled one does too
    for (const l of app.server.listeners('clientError')) scaled.on('clientError', l as (...args: unknown[]) => void);
    await new Promise<void>((r) => scaled.listen(0, '127.0.0.1', r));
    const a = scaled.address();
    scaledUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(async () => {
    scaled?.closeAllConnections();
    await new Promise((r) => scaled?.close(r));
    await app?.stop();
  });

  it('the app server allows 10 s for headers and 30 s for a whole request', () => {
    expect(app.server.headersTimeout).toBe(10_000);
    expect(app.server.requestTimeout).toBe(30_000);
  });

  it('a body dripping one byte every 200 ms is cut at the request deadline (3 s scaled), with no fault in the app', async () => {
    const head =
      `PUT /provider HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${provider.token}\r\n` + 'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":"';
    const r = await rawExchange(scaledUrl, head, { drip: 'slow', dripEveryMs: 200, maxMs: 8_000 }).done;
    console.log(`[slow] dripping body: ${r.status} after ${r.closedAfterMs} ms`);
    expect(r.closedAfterMs).toBeDefined();
    expect(r.closedAfterMs!).toBeGreaterThanOrEqual(2_900);
    expect(r.closedAfterMs!).toBeLessThan(4_500);
    expect(r.status).toBe(408);
    // the handler that was waiting for the body settled without an unexpected fault, and nothing was changed
    expect(app.logs.filter((l) => l.includes('unexpected fault'))).toEqual([]);
    expect((await app.req('GET', '/provider', { token: provider.token })).json.name).toBe('Acme Bots');
  });

  it('headers dripping one line every 200 ms are cut at the headers deadline (1 s scaled)', async () => {
    const r = await rawExchange(scaledUrl, 'GET /api-version HTTP/1.1\r\nHost: x\r\n', { drip: 'X-Slow: y\r\n', dripEveryMs: 20, maxMs: 6_000 }).done;
    console.log(`[slow] dripping headers: ${r.status} after ${r.closedAfterMs} ms`);
    expect(r.closedAfterMs).toBeDefined();
    expect(r.closedAfterMs!).toBeLessThan(2_500);
    expect(r.status).toBe(408);
  });

  it('100 slow-loris connections do not delay anyone else, and all are gone after the deadline', async () => {
    const head = `POST /register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`;
    const slow = Array.from({ length: 100 }, () => rawExchange(scaledUrl, head, { drip: ' ', dripEveryMs: 250, maxMs: 10_000 }));
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    const res = await fetch(`${scaledUrl}/api-version`);
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(500);
    const normalMs = Date.now() - t0;
    const results = await Promise.all(slow.map((s) => s.done));
    expect(results.filter((r) => r.closedAfterMs === undefined || r.closedAfterMs > 5_000)).toEqual([]);
    console.log(`[slow] a normal request took ${normalMs} ms beside 100 slow-loris connections; they were cut after ${Math.min(...results.map((r) => r.closedAfterMs!))}–${Math.max(...results.map((r) => r.closedAfterMs!))} ms`);
  });

  it('answers from the HTTP layer itself (malformed request, unknown method, oversized headers, timeout) carry the error body and the security headers', async () => {
    const cases: [string, string, number][] = [
      ['unknown method', 'FOO /api-version HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['malformed request line', 'GET /api-version HTTP/1.1 trailing\r\nHost: x\r\n\r\n', 400],
      ['header without a colon', 'GET /api-version HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n', 400],
      ['conflicting framing', 'POST /register HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello', 400],
      ['headers over 64 KiB', `GET /api-version HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(70_000)}\r\n\r\n`, 431],
    ];
    const failures: string[] = [];
    for (const [what, raw, status] of cases) {
      const r = await rawExchange(app.url, raw, { maxMs: 2_000 }).done;
      const [head = '', body = ''] = r.text.split('\r\n\r\n');
      let json: any;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      if (r.status !== status) failures.push(`${what}: status ${r.status}, expected ${status}`);
      if (json?.code !== status || typeof json?.label !== 'string' || typeof json?.message !== 'string')
        failures.push(`${what}: body is not {code,label,message}: ${JSON.stringify(r.text.slice(0, 200))}`);
      if (!/x-content-type-options: nosniff/i.test(head)) failures.push(`${what}: no X-Content-Type-Options`);
    }
    const timeout = await rawExchange(scaledUrl, 'GET /api-version HTTP/1.1\r\nHost: x\r\n', { maxMs: 4_000 }).done;
    if (!/\r\n\r\n\{"code":408,"label":"[a-z-]+","message":"[^"]+"\}$/.test(timeout.text))
      failures.push(`request timeout: body is not {code,label,message}: ${JSON.stringify(timeout.text.slice(0, 200))}`);
    expect(failures).toEqual([]);
  });
});
