/**
 * The baselines' HTTP client: raw undici Pools with the platform's outbound TLS settings — TLS 1.2 only, the four seed
 * suites, one shared secure context, no session resumption, the same connect-time pin check (checkPeer) — and the
 * same pool shape (16 connections per service, pipelining 1, 4 s keep-alive). No domain code, no store.
 */
import { createPublicKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { buildConnector, Pool } from 'undici';
import { TLS12_CIPHERS, checkPeer } from '@spp/adapters';

const secureContext = createSecureContext({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: TLS12_CIPHERS });

/** A pool to one fake service (`{url, publicKeyPem, authToken}`) that pins its key on every new connection. */
export function rawServicePool(service, { connections = 16 } = {}) {
  const url = new URL(service.url);
  const pinned = [createPublicKey(service.publicKeyPem).export({ type: 'spki', format: 'der' })];
  const base = buildConnector({ secureContext, rejectUnauthorized: false, checkServerIdentity: () => undefined, maxCachedSessions: 0, timeout: 30_000 });
  const connect = (opts, cb) =>
    base(opts, (err, socket) => {
      if (err) return cb(err, null);
      const problem = checkPeer(socket, pinned, Date.now());
      if (problem) {
        socket.destroy();
        return cb(problem, null);
      }
      cb(null, socket);
    });
  const pool = new Pool(url.origin, { connections, pipelining: 1, connect, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 4_000 });
  const basePath = url.pathname.replace(/\/+$/, '');
  const authorization = `Bearer ${service.authToken}`;
  return {
    /** POST {base}{path}; resolves with {status, body} once the response is fully read */
    async post(path, body, extraHeaders = {}) {
      const res = await pool.request({
        method: 'POST',
        path: basePath + path,
        headers: { ...extraHeaders, authorization, 'content-type': 'application/json' },
        body,
      });
      const text = await res.body.text();
      return { status: res.statusCode, body: text };
    },
    close: () => pool.close(),
  };
}

