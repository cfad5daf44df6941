import { readFileSync } from 'node:fs';
import { isIP, type LookupFunction } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext, type TLSSocket } from 'node:tls';
import { buildConnector, Pool, type Dispatcher } from 'undici';
import type {
  Logger,
  OutboundRequest,
  OutboundResult,
  ServiceClient,
  ServiceEndpoint,
  TransportCause,
} from '@spp/domain';
import { isForbiddenAddress, publicOnlyLookup, type ServiceAddressPolicy } from './addressPolicy.js';
import { isOutboundTransportError, OutboundTransportError } from './errors.js';
import { checkPeer, sameKeys, toPinnedKeys } from './pinning.js';

/** The TLS 1.2 suites of external-service-api.md §5, in this order. */
export const TLS12_CIPHERS =
  'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256';
/** The TLS 1.3 suites offered with `OUTBOUND_TLS13=true`. Node takes them through `ciphers` (names starting TLS_). */
export const TLS13_CIPHERSUITES = 'TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256';

export interface UndiciServiceClientOptions {
  /** `OUTBOUND_TLS13`: also offer TLS 1.3 (TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256). Default false. */
  readonly tls13?: boolean;
  /** `SERVICE_ADDRESSES`: `public` refuses loopback/private/link-local/unspecified addresses. Default `any`. */
  readonly serviceAddresses?: ServiceAddressPolicy;
  /**
   * Extra trusted root CAs (PEM), for tests (NODE_EXTRA_CA_CERTS is read once at process start, so an in-process test
   * can't set it). When given, the trust store is Node's bundled roots + the NODE_EXTRA_CA_CERTS file (if any) + these.
   * Production leaves it unset: bundled roots + NODE_EXTRA_CA_CERTS, as Node does by default.
   */
  readonly extraCa?: readonly string[];
  /** Max connections per service. Default 16. */
  readonly maxConnectionsPerService?: number;
  /** Wall clock (Unix ms) for the self-signed validity check. Default Date.now. */
  readonly now?: () => number;
  /**
   * Upper bound of one TCP+TLS connect attempt of the pool (the request deadline usually fires first; this bounds a
   * connect that outlives the request that triggered it). Default 30 000.
   */
  readonly connectTimeoutMs?: number;
  /** Idle time after which a pooled keep-alive connection is closed. Default 4 000 (undici's default). */
  readonly keepAliveTimeoutMs?: number;
  /** How long closeService/close wait for in-flight requests before destroying the pool. Default 5 000. */
  readonly closeGraceMs?: number;
  /** Name resolver (tests); default dns.lookup. Under `public` it is wrapped by the address policy. */
  readonly lookup?: LookupFunction;
  /** Log sink for connect-time failures. Never receives auth tokens. */
  readonly logger?: Logger;
}

interface PoolEntry {
  readonly baseUrl: string;
  /** the endpoint's keys as given (compared to decide whether the pool still fits) */
  readonly keys: readonly Buffer[];
  /** base path without trailing '/' ('' for the root) */
  readonly basePath: string;
  readonly pool: Pool;
}

const noopLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Request headers the caller may not set: computed by the client or refused by undici. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'content-type',
  'content-length',
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]);

function failure(cause: TransportCause, beforeConnect: boolean, detail: string): OutboundResult {
  return { ok: false, cause, beforeConnect, detail };
}

/** `base` path and `path` joined by exactly one '/'. */
export function joinPath(basePath: string, path: string): string {
  return `${basePath.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

const TLS_ERROR_CODES = new Set([
  'EPROTO',
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_TLS_INVALID_PROTOCOL_VERSION',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
]);

/** Maps an error surfaced by undici/Node to a transport cause. */
export function classifyError(err: unknown): { cause: TransportCause; detail: string } {
  if (isOutboundTransportError(err)) return { cause: err.transportCause, detail: err.message };
  const e = (err ?? {}) as { code?: unknown; message?: unknown; library?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const detail = code ? `${code}: ${message}` : message;
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { cause: 'timeout', detail };
  }
  if (code.startsWith('ERR_SSL_') || TLS_ERROR_CODES.has(code) || e.library === 'SSL routines') {
    return { cause: 'TlsHandshakeFailed', detail };
  }
  return { cause: 'ConnectionFailure', detail };
}

/**
 * ServiceClient over undici: one Pool per service (≤16 connections), a connector that pins every new connection
 * (external-service-api.md §5) before undici may write to it, and a whole-call deadline.
 */
export class UndiciServiceClient implements ServiceClient {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly secureContext: SecureContext;
  private readonly policy: ServiceAddressPolicy;
  private readonly lookup: LookupFunction | undefined;
  private readonly maxConnections: number;
  private readonly now: () => number;
  private readonly connectTimeoutMs: number;
  private readonly keepAliveTimeoutMs: number;
  private readonly closeGraceMs: number;
  private readonly logger: Logger;
  private closed = false;

  constructor(options: UndiciServiceClientOptions = {}) {
    const tls13 = options.tls13 ?? false;
    this.policy = options.serviceAddresses ?? 'any';
    this.maxConnections = options.maxConnectionsPerService ?? 16;
    this.now = options.now ?? Date.now;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 4_000;
    this.closeGraceMs = options.closeGraceMs ?? 5_000;
    this.logger = options.logger ?? noopLogger;
    this.lookup = this.policy === 'public' ? publicOnlyLookup(options.lookup) : options.lookup;
    // One secure context for every connection of this client: versions, suites and trust store are fixed.
    this.secureContext = createSecureContext({
      minVersion: 'TLSv1.2',
      maxVersion: tls13 ? 'TLSv1.3' : 'TLSv1.2',
      // Node reads TLS 1.3 suites from `ciphers` (the TLS_ names); without them it would offer its default 1.3 set.
      ciphers: tls13 ? `${TLS13_CIPHERSUITES}:${TLS12_CIPHERS}` : TLS12_CIPHERS,
      ...(options.extraCa !== undefined && options.extraCa.length > 0
        ? { ca: [...rootCertificates, ...readNodeExtraCaCerts(), ...options.extraCa] }
        : {}),
    });
  }

  async post(endpoint: ServiceEndpoint, request: OutboundRequest): Promise<OutboundResult> {
    if (this.closed) return failure('ConnectionFailure', true, 'service client is closed');
    let url: URL;
    try {
      url = new URL(endpoint.baseUrl);
    } catch {
      return failure('ConnectionFailure', true, 'base_url is not a valid URL');
    }
    if (url.protocol !== 'https:') return failure('ConnectionFailure', true, 'base_url is not https');

    let entry: PoolEntry;
    try {
      entry = this.poolFor(endpoint, url);
    } catch (err) {
      return failure('ConnectionFailure', true, classifyError(err).detail);
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      const lower = name.toLowerCase();
      if (!RESERVED_HEADERS.has(lower)) headers[lower] = value;
    }
    headers['authorization'] = `Bearer ${endpoint.authToken}`;
    headers['content-type'] = 'application/json';

    return this.dispatch(entry.pool, {
      method: 'POST',
      path: joinPath(entry.basePath, request.path),
      headers,
      body: request.body,
    }, request);
  }

  async closeService(serviceId: string): Promise<void> {
    const entry = this.pools.get(serviceId);
    if (entry === undefined) return;
    this.pools.delete(serviceId);
    await this.shutdown(entry.pool);
  }

  async close(): Promise<void> {
    this.closed = true;
    const entries = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(entries.map((e) => this.shutdown(e.pool)));
  }

  // ---- internals ----

  private dispatch(pool: Pool, opts: Dispatcher.DispatchOptions, request: OutboundRequest): Promise<OutboundResult> {
    return new Promise<OutboundResult>((resolve) => {
      let settled = false;
      /** onRequestStart ran: undici is about to write (or has written) request bytes on a pinned connection */
      let started = false;
      let controller: Dispatcher.DispatchController | null = null;
      let status = 0;
      let received = 0;
      const chunks: Buffer[] = [];

      const finish = (result: OutboundResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };

      const timer = setTimeout(() => {
        finish(failure('timeout', !started, `deadline of ${request.deadlineMs} ms passed`));
        // abort destroys the connection; a request still queued is aborted when it reaches a connection
        controller?.abort(new Error('deadline passed'));
      }, request.deadlineMs);

      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c;
          if (settled) {
            c.abort(new Error('deadline passed before the request was sent'));
            return;
          }
          started = true;
        },
        onResponseStart(_c, statusCode) {
          status = statusCode;
        },
        onResponseData(c, chunk) {
          if (settled) return;
          received += chunk.length;
          if (received > request.maxResponseBytes) {
            chunks.length = 0;
            finish({ ok: true, status, body: '', tooLarge: true });
            c.abort(new Error('response body too large'));
            return;
          }
          chunks.push(chunk);
        },
        onResponseEnd() {
          if (settled) return;
          const result: OutboundResult = { ok: true, status, body: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
          // With pipelining 1, undici hands the connection back to the pool in a setImmediate queued right after this
          // callback returns. Resolving later than that lets a caller's next request reuse this (pinned) connection
          // instead of opening a new one. The microtask runs after the parser callback, so our immediate is queued
          // after undici's.
          queueMicrotask(() => setImmediate(() => finish(result)));
        },
        onResponseError(_c, err) {
          if (settled) return;
          const { cause, detail } = classifyError(err);
          finish(failure(cause, !started, detail));
        },
      };

      try {
        pool.dispatch(opts, handler);
      } catch (err) {
        finish(failure('ConnectionFailure', !started, classifyError(err).detail));
      }
    });
  }

  private poolFor(endpoint: ServiceEndpoint, url: URL): PoolEntry {
    const existing = this.pools.get(endpoint.serviceId);
    if (existing !== undefined) {
      if (existing.baseUrl === endpoint.baseUrl && sameKeys(existing.keys, endpoint.pinnedKeys)) return existing;
      // base_url or keys changed: connections pinned to the old keys must not serve the new configuration
      this.pools.delete(endpoint.serviceId);
      void this.shutdown(existing.pool);
    }
    const keys = toPinnedKeys(endpoint.pinnedKeys);
    const pool = new Pool(url.origin, {
      connections: this.maxConnections,
      pipelining: 1,
      connect: this.connector(endpoint.serviceId, keys),
      headersTimeout: 0, // the per-call deadline governs
      bodyTimeout: 0,
      keepAliveTimeout: this.keepAliveTimeoutMs,
    });
    // connect errors are delivered to the failed requests; this listener only keeps the emitter quiet
    pool.on('connectionError', () => {});
    const entry: PoolEntry = { baseUrl: endpoint.baseUrl, keys, basePath: url.pathname.replace(/\/+$/, ''), pool };
    this.pools.set(endpoint.serviceId, entry);
    return entry;
  }

  private connector(serviceId: string, pinned: readonly Buffer[]): buildConnector.connector {
    const base = buildConnector({
      secureContext: this.secureContext,
      rejectUnauthorized: false, // the chain result is read from socket.authorized in checkPeer
      checkServerIdentity: () => undefined, // no hostname verification: pinning replaces it
      maxCachedSessions: 0, // every new connection does a full handshake and is pinned
      timeout: this.connectTimeoutMs,
      ...(this.lookup !== undefined ? { lookup: this.lookup } : {}),
    });
    const policy = this.policy;
    const now = this.now;
    const logger = this.logger;
    return (opts, callback) => {
      // IP literals never reach `lookup`, so the address policy is applied to them here
      if (policy === 'public' && isIP(opts.hostname) !== 0 && isForbiddenAddress(opts.hostname)) {
        const err = new OutboundTransportError('ForbiddenAddress', `${opts.hostname} is not a public address`);
        logger.warn({ serviceId, cause: err.transportCause, detail: err.message }, 'outbound connection refused');
        callback(err, null);
        return;
      }
      base(opts, (err, socket) => {
        if (err !== null) {
          if (isOutboundTransportError(err)) {
            logger.warn({ serviceId, cause: err.transportCause, detail: err.message }, 'outbound connection refused');
          }
          callback(err, null);
          return;
        }
        const problem = checkPeer(socket as TLSSocket, pinned, now());
        if (problem !== null) {
          socket.destroy();
          logger.warn({ serviceId, cause: problem.transportCause, detail: problem.message }, 'service pinning failed');
          callback(problem, null);
          return;
        }
        callback(null, socket);
      });
    };
  }

  private async shutdown(pool: Pool): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace'>((r) => {
      timer = setTimeout(() => r('grace'), this.closeGraceMs);
    });
    try {
      const outcome = await Promise.race([pool.close().then(() => 'closed' as const), graceOver]);
      if (outcome === 'grace') await pool.destroy();
    } catch {
      // closing twice or destroying a closed pool: nothing left to release
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Contents of NODE_EXTRA_CA_CERTS, so passing `ca` (which replaces the default store) does not drop it. */
function readNodeExtraCaCerts(): string[] {
  const file = process.env['NODE_EXTRA_CA_CERTS'];
  if (!file) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    return [];
  }
}
