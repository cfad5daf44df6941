import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, loadConfig, startApp, type PortOverrides, type RunningApp, type StartOptions } from '@spp/app';
import { createThrowawayDatabase, dropDatabases, postgresAdminUrl } from './stores.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';

/** The environment every test app starts from: a random loopback port, staff and internal routes on. */
export const TEST_APP_ENV = {
  PORT: '0',
  HOST: '127.0.0.1',
  ADMIN_TOKEN,
  INTERNAL_API: 'true',
  PUBLIC_URL: 'http://localhost:8080',
} as const;

export interface TestApp extends RunningApp {
  readonly dataDir: string;
  /** every log line the app wrote, as text */
  readonly logs: string[];
  /** fetch against the app: path relative to its URL */
  req(method: string, path: string, init?: { body?: unknown; rawBody?: string; headers?: Record<string, string>; token?: string }): Promise<TestResponse>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** parsed JSON, or undefined for an empty/non-JSON body */
  readonly json: any;
}

/** Reads a fetch response whole: its text, and the JSON it holds if any. */
export const readResponse = async (res: Response): Promise<TestResponse> => {
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
};

/**
 * Starts the real app on 127.0.0.1:0 with a fresh data dir (SQLite unless `store` is overridden),
 * ADMIN_TOKEN and INTERNAL_API set, rate limits on unless the env says otherwise.
 * With TEST_STORE=postgres (the `postgres` vitest project) each app gets its own throwaway PostgreSQL database.
 */
export const startTestApp = async (
  env: Record<string, string> = {},
  overrides: PortOverrides = {},
  options: Omit<StartOptions, 'overrides'> = {},
): Promise<TestApp> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'spp-test-'));
  const adminUrl = process.env.TEST_STORE === 'postgres' && !env.DATABASE_URL && !overrides.store ? postgresAdminUrl() : undefined;
  if (process.env.TEST_STORE === 'postgres' && !adminUrl && !env.DATABASE_URL && !overrides.store)
    throw new Error('TEST_STORE=postgres but no PostgreSQL server answers (set TEST_DATABASE_URL)');
  const pgdb = adminUrl ? await createThrowawayDatabase(adminUrl) : undefined;
  if (pgdb) env = { ...env, DATABASE_URL: pgdb.url };
  const config = loadConfig({ ...TEST_APP_ENV, DATA_DIR: dataDir, LOG_LEVEL: 'debug', ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const app = await startApp(config, logger, { ...options, overrides });
  const req: TestApp['req'] = async (method, path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    let body: string | undefined;
    if (init.rawBody !== undefined) body = init.rawBody;
    else if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    return readResponse(await fetch(app.url + path, { method, headers, body }));
  };
  return {
    ...app,
    dataDir,
    logs,
    req,
    stop: async () => {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (pgdb && adminUrl) await dropDatabases(adminUrl, [pgdb.name]);
    },
  };
};
