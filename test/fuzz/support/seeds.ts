import { ADMIN_TOKEN } from '../../support/app.js';
import type { FuzzWorld } from './world.js';

export type AuthKind = 'none' | 'provider' | 'user' | 'bot' | 'admin';

/**
 * One well-formed request per route: the starting point the mutators bend. `route` is `METHOD pattern` exactly as
 * the OpenAPI document (and the request log) names it, so coverage can be checked against the app's own list.
 * Requests that would destroy the world use a wrong password or a foreign id; `repair()` covers the rest.
 */
export interface Seed {
  readonly route: string;
  /** the route pattern with `:name` parameters */
  readonly path: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: string;
  readonly auth: AuthKind;
  readonly body?: unknown;
}

let n = 0;
const unique = (what: string) => `${what}-${process.pid}-${Date.now()}-${++n}`;

export const tokenOf = (w: FuzzWorld, kind: AuthKind): string | undefined =>
  kind === 'provider' ? w.provider.token : kind === 'user' ? w.alice.token : kind === 'bot' ? w.botToken : kind === 'admin' ? ADMIN_TOKEN : undefined;

export const seedsOf = (w: FuzzWorld, prekey: (id: number) => string): Seed[] => {
  const pid = w.provider.id;
  const sid = w.serviceId;
  const s = (method: string, path: string, auth: AuthKind, rest: Omit<Seed, 'route' | 'path' | 'auth'> = {}): Seed => ({
    route: `${method} ${path}`,
    path,
    auth,
    ...rest,
  });
  const newService = {
    name: 'Echo',
    summary: 'Repeats what you say',
    description: 'A bot that echoes every text message.',
    base_url: w.fake.url,
    public_key: w.fake.publicKeyPem,
    auth_token: 'fuzzing-auth-token',
    tags: ['tutorial'],
    assets: [{ type: 'image', key: '3-1-abc', size: 'preview' }],
  };
  const botClient = w.fake.bots.get(w.botId)?.clientId ?? '1';
  return [
    // meta and admin
    s('GET', '/api-version', 'none'),
    s('GET', '/api-docs/openapi.json', 'user'),
    s('GET', '/i/status', 'admin'),
    s('GET', '/i/metrics', 'admin'),
    s('GET', '/i/providers', 'admin', { query: 'status=pending&size=5' }),
    s('POST', '/i/providers/:pid/approve', 'admin', { params: { pid } }),
    s('POST', '/i/providers/:pid/reject', 'admin', { params: { pid }, body: { reason: 'Not convincing.' } }),
    s('GET', '/i/provider/activation-code', 'admin', { query: `email=${encodeURIComponent(w.pendingEmail)}` }),
    // providers
    s('POST', '/provider/register', 'none', {
      body: { name: 'Acme', email: `${unique('fuzz')}@acme.example`, url: 'https://acme.example/', description: 'Bots.', password: 'a long password' },
    }),
    s('GET', '/provider/activate', 'none', { query: `key=${w.activationKey}&code=AAAAAAAAAAAAAAAAAAAA` }),
    s('GET', '/provider/approve', 'none', { query: `key=${w.activationKey}&code=AAAAAAAAAAAAAAAAAAAA` }),
    s('POST', '/provider/login', 'none', { body: { email: w.provider.email, password: w.provider.password } }),
    s('POST', '/provider/password-reset', 'none', { body: { email: w.provider.email } }),
    s('POST', '/provider/password-reset/complete', 'none', { body: { key: 'k', code: 'c', password: 'new password' } }),
    s('GET', '/provider', 'provider'),
    s('PUT', '/provider', 'provider', { body: { name: 'Acme Bots', url: 'https://acme.example/', description: 'We build bots.' } }),
    s('PUT', '/provider/email', 'provider', { body: { email: `${unique('new')}@acme.example` } }),
    s('PUT', '/provider/password', 'provider', { body: { old_password: 'not the password', new_password: 'another long password' } }),
    s('DELETE', '/provider', 'provider', { body: { password: 'not the password' } }),
    s('GET', '/providers/:pid', 'user', { params: { pid } }),
    // services
    s('POST', '/provider/services', 'provider', { body: newService }),
    s('POST', '/provider/assets', 'provider', { body: {} }),
    s('GET', '/provider/services', 'provider'),
    s('GET', '/provider/services/:sid', 'provider', { params: { sid } }),
    s('PUT', '/provider/services/:sid', 'provider', {
      params: { sid },
      body: { name: 'Echo', summary: 'Echoes', description: 'Echoes text.', tags: ['tutorial', 'social'] },
    }),
    s('PUT', '/provider/services/:sid/connection', 'provider', {
      params: { sid },
      body: { password: 'not the password', enabled: true, base_url: w.fake.url, public_keys: [w.fake.publicKeyPem], auth_tokens: ['abcdefgh'] },
    }),
    s('DELETE', '/provider/services/:sid', 'provider', { params: { sid }, body: { password: 'not the password' } }),
    // directory and whitelist
    s('GET', '/services', 'user', { query: 'tags=tutorial&start=E&size=10' }),
    s('GET', '/services/tags', 'user'),
    s('GET', '/providers/:pid/services', 'user', { params: { pid } }),
    s('GET', '/providers/:pid/services/:sid', 'user', { params: { pid, sid } }),
    s('GET', '/teams/:tid/services/whitelisted', 'user', { params: { tid: w.teamId }, query: 'prefix=E&size=10&filter_disabled=false' }),
    s('POST', '/teams/:tid/services/whitelist', 'user', { params: { tid: w.teamId }, body: { provider: pid, id: sid, whitelisted: true } }),
    // users and clients
    s('POST', '/register', 'none', { body: { name: 'Carol', email: `${unique('carol')}@example.com`, password: 'carol long password', locale: 'en', accent_id: 3 } }),
    s('POST', '/login', 'none', { body: { email: w.alice.email, password: w.alice.password } }),
    s('GET', '/self', 'user'),
    s('PUT', '/self/handle', 'user', { body: { handle: unique('alice').slice(0, 40) } }),
    s('GET', '/users', 'user', { query: `ids=${w.alice.id},${w.bob.id}` }),
    s('GET', '/users/:uid/clients', 'user', { params: { uid: w.bob.id } }),
    s('GET', '/users/:domain/:uid/clients', 'user', { params: { domain: 'localhost', uid: w.bob.id } }),
    s('GET', '/users/:uid/prekeys/:client', 'user', { params: { uid: w.bob.id, client: w.bob.clientId } }),
    s('GET', '/users/:domain/:uid/prekeys/:client', 'user', { params: { domain: 'localhost', uid: w.bob.id, client: w.bob.clientId } }),
    s('GET', '/users/:uid', 'user', { params: { uid: w.bob.id } }),
    s('GET', '/users/:domain/:uid', 'user', { params: { domain: 'localhost', uid: w.bob.id } }),
    s('POST', '/clients', 'user', {
      body: { type: 'temporary', class: 'phone', label: 'Fuzz', prekeys: [{ id: 1, key: prekey(1) }], lastkey: { id: 65535, key: prekey(65535) } },
    }),
    s('GET', '/clients', 'user'),
    s('DELETE', '/clients/:client', 'user', { params: { client: 'abcdef' } }),
    // teams and conversations
    s('POST', '/teams', 'user', { body: { name: 'Another team' } }),
    s('POST', '/teams/:tid/members', 'user', { params: { tid: w.teamId }, body: { user: w.bob.id, role: 'member' } }),
    s('DELETE', '/teams/:tid', 'user', { params: { tid: w.teamId }, body: { password: 'not the password' } }),
    s('DELETE', '/teams/:tid/conversations/:cid', 'user', { params: { tid: w.teamId, cid: w.teamConvId } }),
    s('POST', '/conversations', 'user', { body: { users: [w.bob.id], name: 'Fuzz chat', access: ['invite'], access_role_v2: ['team_member', 'service'] } }),
    s('GET', '/conversations/:cid', 'user', { params: { cid: w.convId } }),
    s('GET', '/conversations/:domain/:cid', 'user', { params: { domain: 'localhost', cid: w.convId } }),
    s('PUT', '/conversations/:cid/access', 'user', {
      params: { cid: w.convId },
      body: { access: ['invite', 'code'], access_role_v2: ['team_member', 'non_team_member', 'guest', 'service'] },
    }),
    s('PUT', '/conversations/:domain/:cid/access', 'user', {
      params: { domain: 'localhost', cid: w.convId },
      body: { access: ['invite'], access_role: 'activated' },
    }),
    s('PUT', '/conversations/:cid/name', 'user', { params: { cid: w.convId }, body: { name: 'Renamed' } }),
    s('POST', '/conversations/:cid/otr/messages', 'user', {
      params: { cid: w.convId },
      query: 'ignore_missing=false',
      body: { sender: w.alice.clientId, recipients: { [w.bob.id]: { [w.bob.clientId]: 'aGVsbG8=' } }, transient: false },
    }),
    s('GET', '/notifications', 'user', { query: `size=5&client=${w.alice.clientId}` }),
    // bots, as users add and remove them
    s('POST', '/conversations/:cnv/bots', 'user', { params: { cnv: w.convId }, body: { provider: pid, service: sid, locale: 'en' } }),
    s('POST', '/bot/conversations/:cnv', 'user', { params: { cnv: w.convId }, body: { provider: pid, service: sid } }),
    s('DELETE', '/conversations/:cnv/bots/:bot', 'user', { params: { cnv: w.convId, bot: w.botId } }),
    s('DELETE', '/bot/conversations/:cnv/:bot', 'user', { params: { cnv: w.convId, bot: w.botId } }),
    // the inbound bot API
    s('GET', '/bot/self', 'bot'),
    s('DELETE', '/bot/self', 'bot'),
    s('GET', '/bot/client', 'bot'),
    s('GET', '/bot/client/prekeys', 'bot'),
    s('POST', '/bot/client/prekeys', 'bot', { body: { prekeys: [{ id: 7, key: prekey(7) }] } }),
    s('POST', '/bot/users/prekeys', 'bot', { body: { [w.alice.id]: [w.alice.clientId] } }),
    s('GET', '/bot/users', 'bot', { query: `ids=${w.alice.id}` }),
    s('GET', '/bot/users/:uid/clients', 'bot', { params: { uid: w.alice.id } }),
    s('GET', '/bot/conversation', 'bot'),
    s('POST', '/bot/messages', 'bot', { body: { sender: botClient, recipients: {}, data: 'AAAA' }, query: 'report_missing=' + w.alice.id }),
    s('GET', '/bot/assets', 'bot'),
    s('POST', '/bot/assets', 'bot'),
    s('DELETE', '/bot/assets', 'bot'),
    { ...s('GET', '/bot/assets/*rest', 'bot'), params: { rest: '3-1-abc' } },
    { ...s('POST', '/bot/assets/*rest', 'bot'), params: { rest: 'x' } },
    { ...s('DELETE', '/bot/assets/*rest', 'bot'), params: { rest: 'v3/y' } },
    // the portal (HTML pages and assets)
    s('GET', '/portal', 'none'),
    s('GET', '/portal/login', 'none'),
    s('GET', '/portal/services/:sid', 'none', { params: { sid } }),
    s('GET', '/portal/providers/:pid', 'none', { params: { pid } }),
    s('GET', '/portal/static/portal.css', 'none'),
    s('POST', '/portal/logout', 'none'),
  ];
};

/** `/providers/:pid/services` with params filled in (values are used raw: mutators put hostile bytes there) */
export const fillPath = (pattern: string, params: Readonly<Record<string, string>> = {}): string =>
  pattern
    .split('/')
    .map((seg) => (seg.startsWith(':') || seg.startsWith('*') ? (params[seg.slice(1)] ?? seg) : seg))
    .join('/');
