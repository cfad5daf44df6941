import { ADMIN_TOKEN, readResponse, type TestResponse } from '../../support/app.js';

export type ApiResponse = TestResponse;

/** A minimal JSON client for an app at `base`; network failures reject (a crashed app acknowledges nothing). */
export const api =
  (base: string) =>
  async (method: string, path: string, init: { body?: unknown; token?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    return readResponse(
      await fetch(base + path, {
        method,
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(init.timeoutMs ?? 15_000),
      }),
    );
  };

export type Api = ReturnType<typeof api>;

export const expectStatus = async (what: string, p: Promise<ApiResponse>, ...ok: number[]): Promise<ApiResponse> => {
  const r = await p;
  if (!ok.includes(r.status)) throw new Error(`${what}: expected ${ok.join('/')}, got ${r.status} ${r.text}`);
  return r;
};

/** Registers, verifies, approves (staff) and logs in a provider; returns its id and token. */
export const approvedProviderVia = async (call: Api, email: string, password: string): Promise<{ id: string; token: string }> => {
  const reg = await expectStatus(
    'register',
    call('POST', '/provider/register', { body: { name: 'Crash Test Bots', email, url: 'https://crash.example/', description: 'Bots.', password } }),
    201,
  );
  const code = await expectStatus('activation code', call('GET', `/i/provider/activation-code?email=${encodeURIComponent(email)}`, { token: ADMIN_TOKEN }), 200);
  await expectStatus('activate', call('GET', `/provider/activate?key=${code.json.key}&code=${code.json.code}`), 200);
  await expectStatus('approve', call('POST', `/i/providers/${reg.json.id}/approve`, { token: ADMIN_TOKEN }), 200);
  const login = await expectStatus('login', call('POST', '/provider/login', { body: { email, password } }), 200);
  const token = /zprovider=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (!token) throw new Error('login: no zprovider cookie');
  return { id: reg.json.id, token };
};

export const userVia = async (call: Api, email: string, password: string): Promise<{ id: string; token: string }> => {
  const reg = await expectStatus('user register', call('POST', '/register', { body: { name: 'Crash User', email, password } }), 201);
  const login = await expectStatus('user login', call('POST', '/login', { body: { email, password } }), 200);
  return { id: reg.json.id, token: login.json.access_token };
};
