import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/app.js';
import { startFakeService, type FakeService } from '../support/fakeService.js';
import { rawRequest, type RawRequest } from '../fuzz/support/rawHttp.js';
import { prekey } from '../fuzz/support/runner.js';
import { fillPath, seedsOf, tokenOf } from '../fuzz/support/seeds.js';
import { buildFuzzWorld, type FuzzWorld } from '../fuzz/support/world.js';
import { initProteus } from '../host/support.js';

/**
 * Secrets (README "Storage, durability, observability"): every route is driven with known secrets, then all log
 * output (at LOG_LEVEL=trace) and every file in DATA_DIR (SQLite file, WAL, outbox, keys) are scanned. No plaintext
 * password anywhere; no password, token, code or Authorization header in any log line (codes only in the dev-outbox
 * link line). Service auth tokens are stored by necessity (the platform sends them), so only the logs are checked
 * for them.
 */

const PROVIDER_PW = 'Pässwort-🔑-provider-7f3a9c';
const PROVIDER_PW_NEW = 'neues-Geheimnis-provider-2b8e41';
const GUESS = 'wrong-guess-d41d8cd98f00b204';
const USER_PW = 'user-secret-ÅÄÖ-5e9c1a0b';
const OWNER_PW = 'team-owner-secret-81aa3f';
const SVC_TOKEN_1 = 'svc-auth-token-a1b2c3d4e5f6';
const SVC_TOKEN_2 = 'svc-auth-token-second-9z8y7x';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });

describe('secrets never reach the logs, and passwords never reach the disk', () => {
  let w: FuzzWorld;
  let fake: FakeService;
  const passwords = new Map<string, string>();
  const tokens = new Map<string, string>();
  const codes = new Map<string, string>();
  const serviceTokens = [SVC_TOKEN_1, SVC_TOKEN_2];

  const send = async (r: RawRequest) => rawRequest(w.app.url, r);
  const json = (method: string, path: string, body: unknown, token?: string) =>
    send({ method, path, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const must = async (what: string, p: Promise<{ status: number; text: string; json: any; headers: any }>, ...ok: number[]) => {
    const r = await p;
    if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.text}`);
    return r;
  };
  /** a header of the outbox mail to `to` that mentions `about` */
  const outboxHeader = (to: string, header: string, about = to): string | undefined => {
    const dir = join(w.app.dataDir, 'outbox');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.eml'))) {
      const raw = readFileSync(join(dir, f), 'utf8');
      if (raw.includes(`To: ${to}`) && raw.includes(about)) {
        const v = new RegExp(`^${header}: (\\S+)`, 'mi').exec(raw)?.[1];
        if (v) return v;
      }
    }
    return undefined;
  };
  const waitFor = async <T>(f: () => T | undefined, what: string): Promise<T> => {
    const until = Date.now() + 10_000;
    for (;;) {
      const v = f();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    await initProteus();
    w = await buildFuzzWorld({ env: { LOG_LEVEL: 'trace' }, workers: true });
    fake = await startFakeService({ authToken: SVC_TOKEN_1 });
    passwords.set('world provider', w.provider.password).set('alice', w.alice.password).set('bob', w.bob.password).set('pending', 'pending password');
    tokens.set('admin', ADMIN_TOKEN).set('world provider', w.provider.token).set('alice', w.alice.token).set('bob', w.bob.token).set('world bot', w.botToken);
  });
  afterAll(async () => {
    await w?.stop();
    await fake?.close();
  });

  it('drives every route, every token transport and every password flow, then finds no secret in logs or files', async () => {
    // 1. every route, as a valid request: token in the Authorization header, again in ?access_token=, and for
    //    provider routes in the zprovider cookie
    const seeds = seedsOf(w, prekey);
    for (const seed of seeds) {
      const method = seed.route.split(' ')[0]!;
      const token = tokenOf(w, seed.auth);
      const path = fillPath(seed.path, Object.fromEntries(Object.entries(seed.params ?? {}).map(([k, v]) => [k, encodeURIComponent(v)])));
      const target = path + (seed.query ? `?${seed.query}` : '');
      const body = seed.body === undefined ? undefined : JSON.stringify(seed.body);
      const base = { ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
      const variants: RawRequest[] = [{ method, path: target, headers: { ...base, ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body ? { body } : {}) }];
      if (token && seed.auth !== 'admin')
        variants.push({ method, path: `${target}${target.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`, headers: base, ...(body ? { body } : {}) });
      if (token && seed.auth === 'provider') variants.push({ method, path: target, headers: { ...base, cookie: `zprovider=${token}; other=1` }, ...(body ? { body } : {}) });
      for (const v of variants) {
        const r = await send(v);
        expect(r.status >= 500 && r.status !== 501, `${seed.route}: ${r.status} ${r.text}`).toBe(false);
        if (r.status < 400 && (method === 'DELETE' || method === 'PUT')) await w.repair();
      }
    }
    for (const [k, v] of [['world provider', w.provider.token], ['world bot', w.botToken]] as const) tokens.set(`${k} (after repair)`, v);

    // 2. a provider's whole life with its own secrets
    const email = `secret-${Date.now()}@acme.example`;
    passwords.set('provider', PROVIDER_PW).set('provider new', PROVIDER_PW_NEW).set('guess', GUESS);
    const reg = await must('register', json('POST', '/provider/register', { name: 'Secretive', email, url: 'https://s.example/', description: 'd', password: PROVIDER_PW }), 201);
    const generated = await must('register (generated password)', json('POST', '/provider/register', { name: 'Gen', email: `gen-${email}`, url: 'https://s.example/', description: 'd' }), 201);
    passwords.set('generated', generated.json.password);
    const activation = await must('activation code', send({ method: 'GET', path: `/i/provider/activation-code?email=${encodeURIComponent(email)}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }), 200);
    codes.set('activation', activation.json.code);
    await must('activate', send({ method: 'GET', path: `/provider/activate?key=${activation.json.key}&code=${activation.json.code}`, headers: {} }), 200);
    const approvalKey = await waitFor(() => outboxHeader('staff@localhost', 'X-Zeta-Key', reg.json.id), 'the approval-request mail');
    const approvalCode = outboxHeader('staff@localhost', 'X-Zeta-Code', reg.json.id)!;
    codes.set('approval', approvalCode);
    await must('approve by link', send({ method: 'GET', path: `/provider/approve?key=${approvalKey}&code=${approvalCode}`, headers: {} }), 200);
    await must('wrong login', json('POST', '/provider/login', { email, password: GUESS }), 403);
    const login = await must('login', json('POST', '/provider/login', { email, password: PROVIDER_PW }), 200);
    const ptoken = /zprovider=([^;]+)/.exec(String(login.headers['set-cookie']))![1]!;
    tokens.set('provider', ptoken);
    await must('wrong old password', json('PUT', '/provider/password', { old_password: GUESS, new_password: PROVIDER_PW_NEW }, ptoken), 403);
    await must('change password', json('PUT', '/provider/password', { old_password: PROVIDER_PW, new_password: PROVIDER_PW_NEW }, ptoken), 200);
    const svc = await must(
      'service',
      json('POST', '/provider/services', { name: 'Secret', summary: 's', description: 'd', base_url: fake.url, public_key: fake.publicKeyPem, auth_token: SVC_TOKEN_1, tags: ['tutorial'] }, ptoken),
      201,
    );
    await must('enable', json('PUT', `/provider/services/${svc.json.id}/connection`, { password: PROVIDER_PW_NEW, enabled: true, auth_tokens: [SVC_TOKEN_1, SVC_TOKEN_2] }, ptoken), 200);
    const bot = await must('add bot', json('POST', `/conversations/${w.convId}/bots`, { provider: reg.json.id, service: svc.json.id }, w.alice.token), 201);
    tokens.set('bot', fake.bots.get(bot.json.id)!.token);
    await must('rename (an event the service receives with its auth token)', json('PUT', `/conversations/${w.convId}/name`, { name: 'Secret chat' }, w.alice.token), 200);
    await fake.waitForEvents(bot.json.id, 2);

    // 3. users: register, log in, guess, delete a team with the owner's password
    passwords.set('user', USER_PW).set('team owner', OWNER_PW);
    const uemail = `secret-user-${Date.now()}@example.com`;
    await must('user register', json('POST', '/register', { name: 'Sue', email: uemail, password: USER_PW }), 201);
    await must('user wrong login', json('POST', '/login', { email: uemail, password: GUESS }), 403);
    tokens.set('user', (await must('user login', json('POST', '/login', { email: uemail, password: USER_PW }), 200)).json.access_token);
    const oemail = `secret-owner-${Date.now()}@example.com`;
    await must('owner register', json('POST', '/register', { name: 'Owen', email: oemail, password: OWNER_PW }), 201);
    const otoken = (await must('owner login', json('POST', '/login', { email: oemail, password: OWNER_PW }), 200)).json.access_token;
    tokens.set('team owner', otoken);
    const team = await must('team', json('POST', '/teams', { name: 'Doomed' }, otoken), 201);
    await must('delete team', json('DELETE', `/teams/${team.json.id}`, { password: OWNER_PW }, otoken), 202);

    // 4. the end of the provider: service and account deleted with the password
    await must('delete service', json('DELETE', `/provider/services/${svc.json.id}`, { password: PROVIDER_PW_NEW }, ptoken), 202);
    await must('delete provider', json('DELETE', '/provider', { password: PROVIDER_PW_NEW }, ptoken), 200);
    await waitFor(() => outboxHeader(`gen-${email}`, 'X-Zeta-Code'), 'the last activation mail');
    await new Promise((r) => setTimeout(r, 300));

    // every route of the app was driven (its pattern appears in a request log line)
    const doc = await must('openapi', send({ method: 'GET', path: '/api-docs/openapi.json', headers: { authorization: `Bearer ${w.alice.token}` } }), 200);
    const routes = Object.entries(doc.json.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([A-Za-z]+)\}/g, ':$1')}`),
    );
    const logged = new Set(
      w.app.logs.flatMap((l) => {
        const j = JSON.parse(l);
        return j.msg === 'request' ? [`${j.method} ${j.route}`] : [];
      }),
    );
    expect(routes.filter((r) => !logged.has(r))).toEqual([]);

    // --- the logs ---
    const logs = w.app.logs;
    expect(logs.length).toBeGreaterThan(300);
    const leaks: string[] = [];
    const scan = (kind: string, secrets: Map<string, string> | string[], allowed: (line: string) => boolean = () => false) => {
      for (const [name, secret] of secrets instanceof Map ? secrets : secrets.map((s, i) => [`#${i + 1}`, s] as const))
        for (const line of logs) if (line.includes(secret) && !allowed(line)) leaks.push(`${kind} ${name}: ${line.slice(0, 300)}`);
    };
    scan('password', passwords);
    scan('token', tokens);
    // the signature alone identifies a token as well as the whole
    scan('token signature', new Map([...tokens].filter(([n]) => n !== 'admin').map(([n, t]) => [n, t.split('.')[0]!])));
    scan('service auth token', serviceTokens);
    scan('verification code', codes, (line) => JSON.parse(line).msg === 'mail written to outbox');
    for (const line of logs) {
      if (/bearer\s/i.test(line)) leaks.push(`a Bearer credential: ${line.slice(0, 300)}`);
      if (/"(authorization|cookie|set-cookie)":"(?!\[redacted\])/i.test(line)) leaks.push(`a credential header: ${line.slice(0, 300)}`);
      if (/zprovider=/.test(line)) leaks.push(`the provider cookie: ${line.slice(0, 300)}`);
    }
    expect(leaks).toEqual([]);
    // control: the scan does see the one place a code may appear (the dev-outbox link line)
    expect(logs.some((l) => l.includes(codes.get('activation')!) && JSON.parse(l).msg === 'mail written to outbox')).toBe(true);

    // --- every file in DATA_DIR: the SQLite file with its WAL, the outbox, the keys ---
    const files = filesUnder(w.app.dataDir);
    expect(files.some((f) => f.endsWith('platform.db'))).toBe(true);
    expect(files.some((f) => f.endsWith('.eml'))).toBe(true);
    const onDisk: string[] = [];
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const [name, pw] of passwords)
        for (const enc of ['utf8', 'utf16le', 'latin1'] as const) if (bytes.includes(Buffer.from(pw, enc))) onDisk.push(`password ${name} (${enc}) in ${f}`);
      for (const [name, t] of tokens) if (bytes.includes(Buffer.from(t.split('.')[0]!))) onDisk.push(`token ${name} in ${f}`);
    }
    expect(onDisk).toEqual([]);
    // control: the scan does see what the database holds (service auth tokens are stored: the platform sends them)
    expect(files.some((f) => readFileSync(f).includes(Buffer.from(SVC_TOKEN_2)))).toBe(true);
    console.log(
      `[secrets] ${routes.length} routes driven, ${logs.length} log lines (trace) and ${files.length} files scanned ` +
        `(${files.map((f) => `${f.slice(w.app.dataDir.length + 1)} ${statSync(f).size} B`).filter((x) => !x.startsWith('outbox/')).join(', ')}, ` +
        `${files.filter((f) => f.includes('/outbox/')).length} outbox mails) for ${passwords.size} passwords, ${tokens.size} tokens, ` +
        `${serviceTokens.length} service auth tokens, ${codes.size} codes: no leak`,
    );
  }, 120_000);
});
