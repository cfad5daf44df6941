import { ScryptHasher } from '@spp/adapters';
import { startTestApp, type TestApp } from '../support/app.js';
import { keys } from './fixtures.js';

/** the app as the service tests use it: no rate limits (unless asked), cheap password hashing */
export const startServiceApp = (env: Record<string, string> = {}, options: Parameters<typeof startTestApp>[2] = {}) =>
  startTestApp({ RATE_LIMITS: 'false', ...env }, { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) }, options);

export const newServiceBody = (over: Record<string, unknown> = {}) => ({
  name: 'Echo',
  summary: 'Repeats what you say',
  description: 'A bot that echoes every text message.',
  base_url: 'https://echo.acme.example/api',
  public_key: keys().pemA,
  tags: ['social'],
  ...over,
});

/** creates a service and returns its id (asserting 201) */
export const createServiceOk = async (app: TestApp, token: string, over: Record<string, unknown> = {}): Promise<string> => {
  const r = await app.req('POST', '/provider/services', { token, body: newServiceBody(over) });
  if (r.status !== 201) throw new Error(`create service: ${r.status} ${r.text}`);
  return r.json.id as string;
};

/** PUT …/connection with the password */
export const setConnection = (app: TestApp, provider: { token: string; password: string }, sid: string, fields: Record<string, unknown>) =>
  app.req('PUT', `/provider/services/${sid}/connection`, { token: provider.token, body: { password: provider.password, ...fields } });

export const enable = async (app: TestApp, provider: { token: string; password: string }, sid: string) => {
  const r = await setConnection(app, provider, sid, { enabled: true });
  if (r.status !== 200) throw new Error(`enable: ${r.status} ${r.text}`);
};

let users = 0;
/** a user account with an access token (host.md §1) */
export const newUser = async (app: TestApp, name = 'Alice'): Promise<{ id: string; token: string; email: string }> => {
  const email = `user-${process.pid}-${Date.now()}-${++users}@example.com`;
  const password = "alice's long password";
  const reg = await app.req('POST', '/register', { body: { name, email, password } });
  if (reg.status !== 201) throw new Error(`register user: ${reg.status} ${reg.text}`);
  const login = await app.req('POST', '/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login user: ${login.status} ${login.text}`);
  return { id: reg.json.id, token: login.json.access_token, email };
};
