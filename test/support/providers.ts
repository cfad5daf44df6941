import { ADMIN_TOKEN, type TestApp } from './app.js';

export interface ProviderSession {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  /** provider token, for `Authorization: Bearer` */
  readonly token: string;
}

let n = 0;
const uniqueEmail = () => `provider-${process.pid}-${Date.now()}-${++n}@acme.example`;

const must = (what: string, status: number, expected: number, text: string) => {
  if (status !== expected) throw new Error(`${what}: expected ${expected}, got ${status} ${text}`);
};

/**
 * Registers a provider and verifies its e-mail through the test routes (needs ADMIN_TOKEN + INTERNAL_API, and
 * RATE_LIMITS=false when a test makes many). `approve: false` leaves it `active` (staff mode).
 */
export const verifiedProvider = async (
  app: TestApp,
  opts: { email?: string; password?: string; name?: string; approve?: boolean } = {},
): Promise<ProviderSession> => {
  const email = opts.email ?? uniqueEmail();
  const password = opts.password ?? 'correct horse battery staple';
  const reg = await app.req('POST', '/provider/register', {
    body: { name: opts.name ?? 'Acme Bots', email, url: 'https://acme.example/', description: 'We build helpful bots.', password },
  });
  must('register', reg.status, 201, reg.text);
  const id: string = reg.json.id;
  const code = await app.req('GET', `/i/provider/activation-code?email=${encodeURIComponent(email)}`, { token: ADMIN_TOKEN });
  must('activation-code', code.status, 200, code.text);
  const act = await app.req('GET', `/provider/activate?key=${code.json.key}&code=${code.json.code}`);
  must('activate', act.status, 200, act.text);
  if (opts.approve !== false && app.ctx.config.providerApproval === 'staff') {
    const ok = await app.req('POST', `/i/providers/${id}/approve`, { token: ADMIN_TOKEN });
    must('approve', ok.status, 200, ok.text);
  }
  const login = await app.req('POST', '/provider/login', { body: { email, password } });
  must('login', login.status, 200, login.text);
  const cookie = login.headers.get('set-cookie') ?? '';
  const token = /zprovider=([^;]+)/.exec(cookie)?.[1];
  if (!token) throw new Error(`login: no zprovider cookie in ${cookie}`);
  return { id, email, password, token };
};

/** An approved provider with a provider token. */
export const approvedProvider = (app: TestApp, opts: { email?: string; password?: string; name?: string } = {}) =>
  verifiedProvider(app, { ...opts, approve: true });
