import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScryptHasher } from '@spp/adapters';
import type { PortOverrides } from '@spp/app';
import { mintToken } from '@spp/domain';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.js';

/** scrypt at 2^10: these tests are about behaviour, not hash cost (one test keeps the default). */
export const cheapHasher = () => new ScryptHasher({ ln: 10, r: 8, p: 1 });

/** The app with a cheap hasher; rate limits off unless the env turns them on. */
export const startProviderApp = (env: Record<string, string> = {}, overrides: PortOverrides = {}): Promise<TestApp> =>
  startTestApp({ RATE_LIMITS: 'false', ...env }, { hasher: cheapHasher(), ...overrides });

let n = 0;
export const uniqueEmail = (tag = 'dev'): string => `${tag}-${process.pid}-${++n}@acme.example`;

export const PASSWORD = 'correct horse battery staple';

export const registration = (over: Record<string, unknown> = {}) => ({
  name: 'Acme Bots',
  email: uniqueEmail(),
  url: 'https://acme.example/',
  description: 'We build helpful bots.',
  password: PASSWORD,
  ...over,
});

export const admin = (app: TestApp, method: string, path: string, body?: unknown) =>
  app.req(method, path, { token: ADMIN_TOKEN, ...(body !== undefined ? { body } : {}) });

export interface Registered {
  readonly id: string;
  readonly email: string;
  readonly password: string;
}

export const register = async (app: TestApp, over: Record<string, unknown> = {}): Promise<Registered> => {
  const body = registration(over);
  const r = await app.req('POST', '/provider/register', { body });
  if (r.status !== 201) throw new Error(`register: ${r.status} ${r.text}`);
  return { id: r.json.id, email: body.email as string, password: (r.json.password ?? body.password) as string };
};

export const pendingCode = async (app: TestApp, email: string): Promise<{ key: string; code: string }> => {
  const r = await admin(app, 'GET', `/i/provider/activation-code?email=${encodeURIComponent(email)}`);
  if (r.status !== 200) throw new Error(`activation-code: ${r.status} ${r.text}`);
  return r.json;
};

export const activate = async (app: TestApp, email: string) => {
  const { key, code } = await pendingCode(app, email);
  return app.req('GET', `/provider/activate?key=${key}&code=${code}`);
};

/** the provider token from a login's Set-Cookie */
export const login = async (app: TestApp, email: string, password: string): Promise<string> => {
  const r = await app.req('POST', '/provider/login', { body: { email, password } });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${r.text}`);
  return /zprovider=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')![1]!;
};

/** registered → active → approved (staff) → logged in */
export const approvedProvider = async (app: TestApp, over: Record<string, unknown> = {}) => {
  const p = await register(app, over);
  const a = await activate(app, p.email);
  if (a.status !== 200) throw new Error(`activate: ${a.status} ${a.text}`);
  if (app.ctx.config.providerApproval === 'staff') {
    const ok = await admin(app, 'POST', `/i/providers/${p.id}/approve`);
    if (ok.status !== 200) throw new Error(`approve: ${ok.status} ${ok.text}`);
  }
  return { ...p, token: await login(app, p.email, p.password) };
};

/** a user access token (type a), for the public provider profile */
export const userToken = (app: TestApp, userId = '33333333-3333-4333-8333-333333333333') =>
  mintToken(app.ctx.deps.signer, { type: 'a', userId }, Math.floor(app.ctx.deps.clock.now() / 1000) + 3600);

export const waitFor = async <T>(probe: () => T | undefined | Promise<T | undefined>, what = 'condition', ms = 10_000): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

export interface OutboxMail {
  readonly file: string;
  readonly raw: string;
  /** lowercased header names, unfolded values */
  readonly headers: Record<string, string>;
  /** the decoded text/plain part */
  readonly text: string;
  /** the decoded text/html part */
  readonly html: string;
}

const decodeQp = (s: string): string =>
  Buffer.from(
    s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');

const decodePart = (part: string): string => {
  const split = part.search(/\r?\n\r?\n/);
  const head = part.slice(0, split);
  const body = part.slice(split).replace(/^\r?\n\r?\n/, '');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) return decodeQp(body);
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
};

export const parseEml = (file: string, raw: string): OutboxMail => {
  const split = raw.search(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const c = line.indexOf(':');
    headers[line.slice(0, c).toLowerCase()] = line.slice(c + 1).trim();
  }
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  const parts = boundary ? raw.split(`--${boundary}`).slice(1, -1) : [];
  const find = (type: string) => decodePart(parts.find((p) => new RegExp(`content-type:\\s*${type}`, 'i').test(p)) ?? '');
  return { file, raw, headers, text: find('text/plain'), html: find('text/html') };
};

/** every .eml the outbox transport wrote so far, oldest first */
export const outbox = (app: TestApp): OutboxMail[] => {
  const dir = join(app.dataDir, 'outbox');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return files.map((f) => parseEml(f, readFileSync(join(dir, f), 'utf8')));
};

/** waits for a mail of `purpose` to `to` */
export const mailTo = (app: TestApp, to: string, purpose: string): Promise<OutboxMail> =>
  waitFor(
    () => outbox(app).find((m) => m.headers['x-zeta-purpose'] === purpose && m.headers.to?.toLowerCase() === to.toLowerCase()),
    `${purpose} mail to ${to}`,
  );
