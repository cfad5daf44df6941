import { beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { OutboundRequest, OutboundResult, ServiceEndpoint } from '@spp/domain';
import {
  UndiciServiceClient,
  type UndiciServiceClientOptions,
  TLS12_CIPHERS,
  expandIPv6,
  isForbiddenAddress,
  joinPath,
} from '../../packages/adapters/src/outbound-undici/index.js';
import {
  makeCa,
  makeLeafSignedBy,
  makeSelfSigned,
  spkiDerOfPem,
  startHttpsServer,
  startSilentTcpServer,
  unusedPort,
  type CertBundle,
  type HttpsServerOptions,
  type HttpsTestServer,
  type LeafBundle,
} from '../support/tls.js';

const TOKEN = 'secret-service-token-ABC123';
let seq = 0;

function endpoint(baseUrl: string, keys: readonly Uint8Array[], serviceId = `svc-${++seq}`): ServiceEndpoint {
  return { serviceId, baseUrl, pinnedKeys: keys, authToken: TOKEN };
}

function req(overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return { path: '/bots', body: '{"hello":"world"}', deadlineMs: 5_000, maxResponseBytes: 1024 * 1024, ...overrides };
}

/** Run `fn` with a fresh client and server, closing both afterwards. */
async function withServer<T>(
  serverOptions: HttpsServerOptions,
  clientOptions: UndiciServiceClientOptions,
  fn: (server: HttpsTestServer, client: UndiciServiceClient) => Promise<T>,
): Promise<T> {
  const server = await startHttpsServer(serverOptions);
  const client = new UndiciServiceClient(clientOptions);
  try {
    return await fn(server, client);
  } finally {
    await client.close();
    await server.close();
  }
}

function expectFailure(result: OutboundResult, cause: string): asserts result is Extract<OutboundResult, { ok: false }> {
  if (result.ok) throw new Error(`expected ${cause}, got status ${result.status}`);
  expect(result.cause, result.detail).toBe(cause);
  expect(result.detail).not.toContain(TOKEN);
}

function expectOk(result: OutboundResult): asserts result is Extract<OutboundResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected success, got ${result.cause}: ${result.detail}`);
}

/** A resolver answering every name with fixed addresses (no real DNS in tests). */
function fixedLookup(...addresses: string[]): LookupFunction {
  const list: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  return ((_host: string, options: LookupOptions, cb: (e: NodeJS.ErrnoException | null, a: string | LookupAddress[], f?: number) => void) => {
    setImmediate(() => {
      if (options.all) cb(null, list);
      else cb(null, list[0]!.address, list[0]!.family);
    });
  }) as LookupFunction;
}

let selfA: CertBundle; // the service's certificate
let selfB: CertBundle; // another RSA key
let ca: CertBundle;
let leaf: LeafBundle;
let expired: CertBundle;
let ec: CertBundle;
let pss: CertBundle;

beforeAll(() => {
  selfA = makeSelfSigned({ cn: 'a.service.test' });
  selfB = makeSelfSigned({ cn: 'b.service.test' });
  ca = makeCa();
  leaf = makeLeafSignedBy(ca);
  expired = makeSelfSigned({ cn: 'expired.service.test', notBefore: '20200101000000Z', notAfter: '20200102000000Z' });
  ec = makeSelfSigned({ keyType: 'ec', cn: 'ec.service.test' });
  pss = makeSelfSigned({ keyType: 'rsa-pss', cn: 'pss.service.test' });
});

describe('test certificate helpers', () => {
  it('produce the keys and dates asked for', () => {
    expect(spkiDerOfPem(selfA.certPem).equals(selfA.spkiDer)).toBe(true);
    expect(spkiDerOfPem(selfA.publicKeyPem).equals(selfA.spkiDer)).toBe(true);
    expect(selfA.spkiDer.equals(selfB.spkiDer)).toBe(false);
    expect(new Date(new X509Certificate(expired.certPem).validTo).getTime()).toBeLessThan(Date.now());
    expect(new X509Certificate(leaf.certPem).checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });
});

describe('UndiciServiceClient: pinning', () => {
  it('right key: status and body come back; bearer token, JSON content type, extra headers and body arrive', async () => {
    await withServer(
      {
        key: selfA.keyPem,
        cert: selfA.certPem,
        handler: (_q, res) => {
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end('{"created":true}');
        },
      },
      {},
      async (server, client) => {
        const result = await client.post(
          endpoint(`${server.url}/api/`, [selfA.spkiDer]),
          req({ path: '/bots', headers: { 'X-Delivery-Id': 'd-1', Authorization: 'Bearer evil' } }),
        );
        expectOk(result);
        expect(result).toEqual({ ok: true, status: 201, body: '{"created":true}', tooLarge: false });
        expect(server.requests).toHaveLength(1);
        const seen = server.requests[0]!;
        expect(seen.method).toBe('POST');
        expect(seen.url).toBe('/api/bots');
        expect(seen.headers['authorization']).toBe(`Bearer ${TOKEN}`);
        expect(seen.headers['content-type']).toBe('application/json');
        expect(seen.headers['content-length']).toBe(String(Buffer.byteLength('{"hello":"world"}')));
        expect(seen.headers['x-delivery-id']).toBe('d-1');
        expect(seen.body).toBe('{"hello":"world"}');
        // TLS 1.2 with one of the four seed suites; no SNI for an IP literal
        expect(server.handshakes).toHaveLength(1);
        expect(server.handshakes[0]!.protocol).toBe('TLSv1.2');
        expect(TLS12_CIPHERS.split(':')).toContain(server.handshakes[0]!.cipher);
        expect(server.handshakes[0]!.servername).toBe(false);
      },
    );
  });

  it('wrong key: PinFingerprintMismatch and no request reaches the server; the log names the cause, not the token', async () => {
    const logged: Array<{ fields: Record<string, unknown>; msg: string }> = [];
    const record = (fields: Record<string, unknown>, msg: string): void => void logged.push({ fields, msg });
    const logger = { debug: record, info: record, warn: record, error: record };
    await withServer({ key: selfA.keyPem, cert: selfA.certPem }, { logger }, async (server, client) => {
      const result = await client.post(endpoint(server.url, [selfB.spkiDer], 'svc-wrong'), req());
      expectFailure(result, 'PinFingerprintMismatch');
      expect(result.beforeConnect).toBe(true);
      expect(server.handshakes).toHaveLength(1); // the handshake happened, the request did not
      expect(server.requests).toHaveLength(0);
      expect(logged.some((l) => l.fields['cause'] === 'PinFingerprintMismatch' && l.fields['serviceId'] === 'svc-wrong')).toBe(true);
      expect(JSON.stringify(logged)).not.toContain(TOKEN);
    });
  });

  it('a second registered key matches', async () => {
    await withServer({ key: selfA.keyPem, cert: selfA.certPem }, {}, async (server, client) => {
      const result = await client.post(endpoint(server.url, [selfB.spkiDer, selfA.spkiDer]), req());
      expectOk(result);
      expect(result.status).toBe(200);
      expect(server.requests).toHaveLength(1);
    });
  });

  it('no registered keys: PinFingerprintMismatch', async () => {
    await withServer({ key: selfA.keyPem, cert: selfA.certPem }, {}, async (server, client) => {
      expectFailure(await client.post(endpoint(server.url, []), req()), 'PinFingerprintMismatch');
      expect(server.requests).toHaveLength(0);
    });
  });

  it('CA-issued leaf whose CA is not trusted: PinInvalidCert, no request', async () => {
    await withServer({ key: leaf.keyPem, cert: leaf.chainPem }, {}, async (server, client) => {
      const result = await client.post(endpoint(server.url, [leaf.spkiDer]), req());
      expectFailure(result, 'PinInvalidCert');
      expect(result.beforeConnect).toBe(true);
      expect(server.requests).toHaveLength(0);
    });
  });

  it('CA-issued leaf whose CA is trusted (extraCa): OK, names ignored', async () => {
    // the leaf names leaf.service.test, the client connects to 127.0.0.1: no hostname verification
    await withServer({ key: leaf.keyPem, cert: leaf.certPem }, { extraCa: [ca.certPem] }, async (server, client) => {
      const result = await client.post(endpoint(server.url, [leaf.spkiDer]), req());
      expectOk(result);
      expect(server.requests).toHaveLength(1);
    });
  });

  it('trusted chain but wrong pinned key: still PinFingerprintMismatch', async () => {
    await withServer({ key: leaf.keyPem, cert: leaf.certPem }, { extraCa: [ca.certPem] }, async (server, client) => {
      expectFailure(await client.post(endpoint(server.url, [selfA.spkiDer]), req()), 'PinFingerprintMismatch');
      expect(server.requests).toHaveLength(0);
    });
  });

  it('expired self-signed certificate: PinInvalidCert', async () => {
    await withServer({ key: expired.keyPem, cert: expired.certPem }, {}, async (server, client) => {
      expectFailure(await client.post(endpoint(server.url, [expired.spkiDer]), req()), 'PinInvalidCert');
      expect(server.requests).toHaveLength(0);
    });
  });

  it('self-signed certificate judged against the injected clock (not yet valid / expired)', async () => {
    await withServer(
      { key: selfA.keyPem, cert: selfA.certPem },
      { now: () => Date.now() + 30 * 86_400_000 },
      async (server, client) => {
        expectFailure(await client.post(endpoint(server.url, [selfA.spkiDer]), req()), 'PinInvalidCert');
      },
    );
  });

  it('EC certificate: TlsHandshakeFailed under TLS 1.2 (RSA suites only), PinInvalidPubKey under TLS 1.3', async () => {
    await withServer({ key: ec.keyPem, cert: ec.certPem }, {}, async (server, client) => {
      const result = await client.post(endpoint(server.url, [ec.spkiDer]), req());
      expectFailure(result, 'TlsHandshakeFailed');
      expect(result.beforeConnect).toBe(true);
      expect(server.requests).toHaveLength(0);
    });
    await withServer({ key: ec.keyPem, cert: ec.certPem }, { tls13: true }, async (server, client) => {
      expectFailure(await client.post(endpoint(server.url, [ec.spkiDer]), req()), 'PinInvalidPubKey');
      expect(server.requests).toHaveLength(0);
    });
  });

  it('RSA-PSS certificate key is not rsaEncryption: PinInvalidPubKey (even when pinned)', async () => {
    await withServer({ key: pss.keyPem, cert: pss.certPem }, {}, async (server, client) => {
      expectFailure(await client.post(endpoint(server.url, [pss.spkiDer]), req()), 'PinInvalidPubKey');
      expect(server.requests).toHaveLength(0);
    });
    await withServer({ key: pss.keyPem, cert: pss.certPem }, { tls13: true }, async (server, client) => {
      expectFailure(await client.post(endpoint(server.url, [pss.spkiDer]), req()), 'PinInvalidPubKey');
      expect(server.requests).toHaveLength(0);
    });
  });
});

describe('UndiciServiceClient: TLS versions and suites', () => {
  it('TLS-1.3-only server: TlsHandshakeFailed by default, OK with tls13', async () => {
    const opts: HttpsServerOptions = { key: selfA.keyPem, cert: selfA.certPem, minVersion: 'TLSv1.3' };
    await withServer(opts, {}, async (server, client) => {
      const result = await client.post(endpoint(server.url, [selfA.spkiDer]), req());
      expectFailure(result, 'TlsHandshakeFailed');
      expect(result.beforeConnect).toBe(true);
    });
    await withServer(opts, { tls13: true }, async (server, client) => {
      expectOk(await client.post(endpoint(server.url, [selfA.spkiDer]), req()));
      expect(server.handshakes[0]!.protocol).toBe('TLSv1.3');
      expect(['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256']).toContain(server.handshakes[0]!.cipher);
    });
  });

  it('tls13 offers only the two AES-GCM TLS 1.3 suites (a ChaCha20-only server fails)', async () => {
    await withServer(
      { key: selfA.keyPem, cert: selfA.certPem, minVersion: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256' },
      { tls13: true },
      async (server, client) => {
        expectFailure(await client.post(endpoint(server.url, [selfA.spkiDer]), req()), 'TlsHandshakeFailed');
      },
    );
  });

  it('a TLS 1.2 server without a common suite: TlsHandshakeFailed', async () => {
    await withServer(
      { key: selfA.keyPem, cert: selfA.certPem, maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305' },
      {},
      async (server, client) => {
        expectFailure(await client.post(endpoint(server.url, [selfA.spkiDer]), req()), 'TlsHandshakeFailed');
        expect(server.requests).toHaveLength(0);
      },
    );
  });

  it('with tls13 a TLS-1.2-only server still works (and is pinned)', async () => {
    await withServer(
      { key: selfA.keyPem, cert: selfA.certPem, maxVersion: 'TLSv1.2' },
      { tls13: true },
      async (server, client) => {
        expectOk(await client.post(endpoint(server.url, [selfA.spkiDer]), req()));
        expectFailure(await client.post(endpoint(server.url, [selfB.spkiDer]), req()), 'PinFingerprintMismatch');
        expect(server.requests).toHaveLength(1);
      },
    );
  });

  it('SNI carries the host name of base_url', async () => {
    await withServer(
      { key: selfA.keyPem, cert: selfA.certPem },
      { lookup: fixedLookup('127.0.0.1') },
      async (server, client) => {
        expectOk(await client.post(endpoint(`https://svc.example.test:${server.port}/x`, [selfA.spkiDer]), req()));
        expect(server.handshakes[0]!.servername).toBe('svc.example.test');
        expect(server.requests[0]!.url).toBe('/x/bots');
        expect(server.requests[0]!.headers['host']).toBe(`svc.example.test:${server.port}`);
      },
    );
  });
});

describe('UndiciServiceClient: connection failures and deadlines', () => {
  it('refused port: ConnectionFailure before connecting', async () => {
    const client = new UndiciServiceClient();
    try {
      const port = await unusedPort();
      const result = await client.post(endpoint(`https://127.0.0.1:${port}`, [selfA.spkiDer]), req());
      expectFailure(result, 'ConnectionFailure');
      expect(result.beforeConnect).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('DNS failure: ConnectionFailure before connecting', async () => {
    const failing = ((_h: string, _o: LookupOptions, cb: (e: NodeJS.ErrnoException | null, a: string) => void) => {
      const err: NodeJS.ErrnoException = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), {
        code: 'ENOTFOUND',
      });
      setImmediate(() => cb(err, ''));
    }) as unknown as LookupFunction;
    const client = new UndiciServiceClient({ lookup: failing });
    try {
      const result = await client.post(endpoint('https://nowhere.invalid', [selfA.spkiDer]), req());
      expectFailure(result, 'ConnectionFailure');
      expect(result.beforeConnect).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('server that accepts TCP but never does TLS: timeout within the deadline, before connecting', async () => {
    const silent = await startSilentTcpServer();
    const client = new UndiciServiceClient({ closeGraceMs: 100 });
    try {
      const started = Date.now();
      const result = await client.post(endpoint(silent.url, [selfA.spkiDer]), req({ deadlineMs: 300 }));
      const elapsed = Date.now() - started;
      expectFailure(result, 'timeout');
      expect(result.beforeConnect).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(1_500);
      expect(silent.connections()).toBe(1);
    } finally {
      await client.close();
      await silent.close();
    }
  });

  it('server that never answers the request: timeout within the deadline, request was sent', async () => {
    await withServer(
      { key: selfA.keyPem, cert: selfA.certPem, handler: () => {} },
      { closeGraceMs: 100 },
      async (server, client) => {
        const started = Date.now();
        const result = await client.post(endpoint(server.url, [selfA.spkiDer]), req({ deadlineMs: 400 }));
        const elapsed = Date.now() - started;
        expectFailure(result, 'timeout');
        expect(result.beforeConnect).toBe(false);
        expect(elapsed).toBeGreaterThanOrEqual(390);
        expect(elapsed).toBeLessThan(1_500);
        expect(server.requests).toHaveLength(1);
      },
    );
  });

  it('a server closing the connection mid-request: ConnectionFailure after connecting', async () => {
    await withServer(
      { key: selfA.keyPem, cert: selfA.certPem, handler: (q) => q.socket.destroy() },
      {},
      async (server, client) => {
        const result = await client.post(endpoint(server.url, [selfA.spkiDer]), req());
        expectFailure(result, 'ConnectionFailure');
        expect(result.beforeConnect).toBe(false);
      },
    );
  });

  it('non-https base_url is refused without connecting', async () => {
    const client = new UndiciServiceClient();
    try {
      const result = await client.post(endpoint('http://127.0.0.1:1', [selfA.spkiDer]), req());
      expectFailure(result, 'ConnectionFailure');
      expect(result.beforeConnect).toBe(true);
    } finally {
      await client.close();
    }
  });
});

describe('UndiciServiceClient: SERVICE_ADDRESSES', () => {
  it('public: an IP literal on loopback is ForbiddenAddress, no TCP connection made', async () => {
    await withServer({ key: selfA.keyPem, cert: selfA.certPem }, { serviceAddresses: 'public' }, async (server, client) => {
      const result = await client.post(endpoint(server.url, [selfA.spkiDer]), req());
      expectFailure(result, 'ForbiddenAddress');
      expect(result.beforeConnect).toBe(true);
      expect(server.handshakes).toHaveLength(0);
      expect(server.requests).toHaveLength(0);
    });
  });

  it('public: a name resolving to loopback/private addresses is ForbiddenAddress (checked at connect time)', async () => {
    await withServer(
      { key: selfA.keyPem, cert: selfA.certPem },
      { serviceAddresses: 'public', lookup: fixedLookup('127.0.0.1', '10.1.2.3', '::ffff:192.168.0.1') },
      async (server, client) => {
        const result = await client.post(endpoint(`https://svc.example.test:${server.port}`, [selfA.spkiDer]), req());
        expectFailure(result, 'ForbiddenAddress');
        expect(result.beforeConnect).toBe(true);
        expect(server.handshakes).toHaveLength(0);
      },
    );
  });

  it('public: an IPv6 loopback literal is ForbiddenAddress', async () => {
    const client = new UndiciServiceClient({ serviceAddresses: 'public' });
    try {
      const result = await client.post(endpoint('https://[::1]:8443/api', [selfA.spkiDer]), req());
      expectFailure(result, 'ForbiddenAddress');
      expect(result.beforeConnect).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('any: loopback is allowed', async () => {
    await withServer({ key: selfA.keyPem, cert: selfA.certPem }, { serviceAddresses: 'any' }, async (server, client) => {
      expectOk(await client.post(endpoint(server.url, [selfA.spkiDer]), req()));
    });
  });

  it('classifies the README ranges', () => {
    const forbidden = [
      '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.255', '127.0.0.1', '127.9.9.9',
      '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.168.1.1', '::', '::1', 'fc00::1', 'fd12:3456::1',
      'fe80::1', 'febf::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:7f00:1', '[::1]', 'fe80::1%eth0',
    ];
    const allowed = [
      '1.1.1.1', '8.8.8.8', '9.255.255.255', '11.0.0.1', '100.63.255.255', '100.128.0.1', '126.255.255.255',
      '128.0.0.1', '169.253.0.1', '172.15.255.255', '172.32.0.1', '192.167.1.1', '192.169.0.1', '2001:4860:4860::8888',
      '::ffff:8.8.8.8', '::2', 'fec0::1', 'fbff::1', '2606:4700::1111',
    ];
    for (const a of forbidden) expect(isForbiddenAddress(a), a).toBe(true);
    for (const a of allowed) expect(isForbiddenAddress(a), a).toBe(false);
    expect(expandIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(expandIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(expandIPv6('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(expandIPv6('1:::2')).toBeNull();
  });
});

describe('UndiciServiceClient: responses', () => {
  it('a body longer than maxResponseBytes is reported tooLarge and not returned; exactly the limit is fine', async () => {
    const big = 'x'.repeat(200_000);
    await withServer(
      {
        key: selfA.keyPem,
        cert: selfA.certPem,
        handler: (q, res) => {
          res.writeHead(201);
          res.end(q.url === '/exact' ? 'y'.repeat(1000) : big);
        },
      },
      {},
      async (server, client) => {
        const ep = endpoint(server.url, [selfA.spkiDer]);
        const large = await client.post(ep, req({ maxResponseBytes: 1000 }));
        expect(large).toEqual({ ok: true, status: 201, body: '', tooLarge: true });
        const exact = await client.post(ep, req({ path: 'exact', maxResponseBytes: 1000 }));
        expect(exact).toEqual({ ok: true, status: 201, body: 'y'.repeat(1000), tooLarge: false });
      },
    );
  });

  it('redirects are not followed', async () => {
    await withServer(
      {
        key: selfA.keyPem,
        cert: selfA.certPem,
        handler: (_q, res) => {
          res.writeHead(302, { location: '/elsewhere' });
          res.end();
        },
      },
      {},
      async (server, client) => {
        const result = await client.post(endpoint(server.url, [selfA.spkiDer]), req());
        expect(result).toEqual({ ok: true, status: 302, body: '', tooLarge: false });
        expect(server.requests.map((r) => r.url)).toEqual(['/bots']);
      },
    );
  });

  it('joins base path and request path with exactly one slash', () => {
    expect(joinPath('', '/bots')).toBe('/bots');
    expect(joinPath('/', 'bots')).toBe('/bots');
    expect(joinPath('/api', '/bots')).toBe('/api/bots');
    expect(joinPath('/api/', '/bots/b1/messages')).toBe('/api/bots/b1/messages');
    expect(joinPath('/api//', '//bots')).toBe('/api/bots');
  });
});

describe('UndiciServiceClient: pooling', () => {
  it('reuses the pinned connection; closeService forces a new handshake', async () => {
    await withServer({ key: selfA.keyPem, cert: selfA.certPem }, {}, async (server, client) => {
      const ep = endpoint(server.url, [selfA.spkiDer], 'svc-pool');
      for (let i = 0; i < 5; i++) expectOk(await client.post(ep, req()));
      expect(server.requests).toHaveLength(5);
      expect(server.handshakes).toHaveLength(1);
      await client.closeService('svc-pool');
      expectOk(await client.post(ep, req()));
      expect(server.handshakes).toHaveLength(2);
    });
  });

  it('changed keys replace the pool: the connection pinned to the old key is not reused', async () => {
    await withServer({ key: selfA.keyPem, cert: selfA.certPem }, {}, async (server, client) => {
      expectOk(await client.post(endpoint(server.url, [selfA.spkiDer], 'svc-keys'), req()));
      expect(server.handshakes).toHaveLength(1);
      // the service's keys changed to one the server does not hold: the old connection must not be used
      expectFailure(await client.post(endpoint(server.url, [selfB.spkiDer], 'svc-keys'), req()), 'PinFingerprintMismatch');
      expect(server.handshakes).toHaveLength(2);
      // keys changed again (a second key added): new pool, new handshake
      expectOk(await client.post(endpoint(server.url, [selfB.spkiDer, selfA.spkiDer], 'svc-keys'), req()));
      expect(server.handshakes).toHaveLength(3);
      expect(server.requests).toHaveLength(2);
    });
  });

  it('a changed base_url replaces the pool', async () => {
    await withServer({ key: selfA.keyPem, cert: selfA.certPem }, {}, async (server, client) => {
      expectOk(await client.post(endpoint(`${server.url}/v1`, [selfA.spkiDer], 'svc-url'), req()));
      expectOk(await client.post(endpoint(`${server.url}/v2`, [selfA.spkiDer], 'svc-url'), req()));
      expect(server.handshakes).toHaveLength(2);
      expect(server.requests.map((r) => r.url)).toEqual(['/v1/bots', '/v2/bots']);
    });
  });

  it('pools are per service: two services on one server do not share connections', async () => {
    await withServer({ key: selfA.keyPem, cert: selfA.certPem }, {}, async (server, client) => {
      expectOk(await client.post(endpoint(server.url, [selfA.spkiDer], 'svc-1'), req()));
      expectOk(await client.post(endpoint(server.url, [selfA.spkiDer], 'svc-2'), req()));
      expect(server.handshakes).toHaveLength(2);
    });
  });

  it('at most 16 connections per service', async () => {
    await withServer(
      {
        key: selfA.keyPem,
        cert: selfA.certPem,
        handler: (_q, res) => {
          setTimeout(() => res.end('{}'), 150);
        },
      },
      {},
      async (server, client) => {
        const ep = endpoint(server.url, [selfA.spkiDer], 'svc-many');
        const results = await Promise.all(Array.from({ length: 24 }, () => client.post(ep, req())));
        for (const r of results) expectOk(r);
        expect(server.requests).toHaveLength(24);
        expect(server.handshakes).toHaveLength(16);
      },
    );
  });

  it('after close() posts fail without connecting', async () => {
    const client = new UndiciServiceClient();
    await client.close();
    const result = await client.post(endpoint('https://127.0.0.1:1', [selfA.spkiDer]), req());
    expectFailure(result, 'ConnectionFailure');
    expect(result.beforeConnect).toBe(true);
  });
});
