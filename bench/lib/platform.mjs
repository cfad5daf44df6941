/**
 * The platform under test, started in this process exactly as `npm start` composes it (startApp: SQLite in DATA_DIR,
 * the real undici service client, pino at LOG_LEVEL=info writing synchronously). Its log lines go to /dev/null — one
 * write syscall per line, as to a stdout pipe, without the disk (which other jobs on this machine keep busy); set
 * BENCH_LOG=1 to keep them in DATA_DIR/platform.log instead. Only the password hasher is cheaper (setup registers
 * users; no measured route hashes a password).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Pool } from 'undici';
import { ScryptHasher } from '@spp/adapters';
import { createLogger, loadConfig, startApp } from '@spp/app';

export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef0123456789';

export const tempDir = (name) => mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), `spp-bench-${name}-`));

export async function startPlatform({ dataDir, workers = true, env = {} }) {
  mkdirSync(dataDir, { recursive: true });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    INTERNAL_API: 'true',
    RATE_LIMITS: 'false',
    PUBLIC_URL: 'http://localhost:8080',
    LOG_LEVEL: 'info',
    ...env,
  });
  const dest = process.env.BENCH_LOG === '1' ? join(dataDir, 'platform.log') : '/dev/null';
  const logger = createLogger(config.logLevel, pino.destination({ dest, sync: true }));
  const app = await startApp(config, logger, { workers, overrides: { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) } });
  return { app, url: app.url, dataDir, stop: () => app.stop() };
}

export const removeDir = (dir) => rmSync(dir, { recursive: true, force: true });

const parse = (text) => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

/** A keep-alive HTTP client for one base URL: `req(method, path, {body, token, headers})` → {status, headers, text, json}. */
export function httpClient(baseUrl, { connections = 16 } = {}) {
  const pool = new Pool(baseUrl, { connections, pipelining: 1 });
  return {
    async req(method, path, { body, token, headers } = {}) {
      const h = { ...(headers ?? {}) };
      let payload;
      if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        h['content-type'] = 'application/json';
      }
      if (token) h.authorization = `Bearer ${token}`;
      const res = await pool.request({ method, path, headers: h, body: payload });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, text, json: parse(text) };
    },
    close: () => pool.close(),
  };
}

/** Waits until the delivery queue is empty and no bot is being worked on. */
export async function drainDeliveries(app, timeoutMs = 600_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const pending = await app.ctx.deps.store.read((tx) => tx.deliveries.totalPending());
    if (pending === 0 && app.ctx.deliveries.busy === 0) return;
    if (Date.now() > until) throw new Error(`deliveries not drained: ${pending} pending`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
