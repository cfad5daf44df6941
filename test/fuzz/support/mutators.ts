import fc from 'fast-check';
import { ADMIN_TOKEN } from '../../support/app.js';
import { headerSafe, targetSafe, type RawRequest } from './rawHttp.js';
import { fillPath, tokenOf, type Seed } from './seeds.js';
import type { FuzzWorld } from './world.js';

/**
 * Mutations are plain data drawn by fast-check (so failures shrink to a readable case) and applied to a seed
 * request at send time, against the world as it is then.
 */

export const BODY_LIMIT = 256 * 1024;

const hugeString = (n: number) => 'x'.repeat(n);
const deepArray = (depth: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};
const deepJsonText = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** values that break naive handlers: wrong types, extremes, odd unicode, huge and deep shapes */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', 'a\udfffb', '\u0000', '\u202e\u0301', '💥'.repeat(300), ' ', '', '\t\n') },
  { weight: 1, arbitrary: fc.constantFrom(hugeString(5_000), hugeString(70_000)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      0,
      -1,
      1e308,
      -1e308,
      2 ** 53 + 1,
      0.5,
      2147483648,
      65535,
      65536,
      true,
      null,
      [],
      {},
      'null',
      'true',
      '00000000-0000-0000-0000-000000000000',
      'FFFFFFFF-FFFF-4FFF-8FFF-FFFFFFFFFFFF',
      '__proto__',
      JSON.parse('{"__proto__":{"polluted":true}}'),
      JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 3_000 }).map(deepArray) },
);

export type BodyMutation =
  | { readonly kind: 'keep' }
  | { readonly kind: 'replace'; readonly value: unknown }
  | { readonly kind: 'set'; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly kind: 'drop'; readonly at: number }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'oversize'; readonly extra: number }
  | { readonly kind: 'deepText'; readonly depth: number }
  | { readonly kind: 'bom' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'controlChar'; readonly code: number };

export const bodyMutation: fc.Arbitrary<BodyMutation> = fc.oneof(
  { weight: 24, arbitrary: fc.constant({ kind: 'keep' as const }) },
  { weight: 3, arbitrary: hostileValue.map((value) => ({ kind: 'replace' as const, value })) },
  {
    weight: 10,
    arbitrary: fc
      .record({ at: fc.nat(), key: fc.oneof(fc.constant(''), fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor')), value: hostileValue })
      .map((r) => ({ kind: 'set' as const, ...r })),
  },
  { weight: 4, arbitrary: fc.nat().map((at) => ({ kind: 'drop' as const, at })) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }).map((text) => ({ kind: 'text' as const, text })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 80 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  { weight: 2, arbitrary: fc.nat().map((at) => ({ kind: 'truncate' as const, at })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 50_000 }).map((extra) => ({ kind: 'oversize' as const, extra })) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 100_000 }).map((depth) => ({ kind: 'deepText' as const, depth })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((code) => ({ kind: 'controlChar' as const, code })) },
);

/** every container in a JSON value, as a path of keys */
const containers = (v: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] => {
  if (v !== null && typeof v === 'object') {
    out.push(path);
    for (const [k, child] of Object.entries(v)) containers(child, [...path, Array.isArray(v) ? Number(k) : k], out);
  }
  return out;
};

const clone = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

const at = (root: unknown, path: (string | number)[]): any => path.reduce((o: any, k) => o[k], root);

/** Applies a body mutation; returns the bytes to send (undefined: no body). */
export const mutateBody = (seed: unknown, m: BodyMutation): Buffer | undefined => {
  const json = (v: unknown) => (v === undefined ? undefined : Buffer.from(JSON.stringify(v), 'utf8'));
  switch (m.kind) {
    case 'keep':
      return json(seed);
    case 'replace':
      return json(m.value);
    case 'set': {
      const root = clone(seed ?? {});
      const spots = containers(root);
      if (spots.length === 0) return json(m.value);
      const target = at(root, spots[m.at % spots.length]!);
      const keys = Object.keys(target);
      const key = m.key !== '' || keys.length === 0 ? m.key : keys[m.at % keys.length]!;
      // defineProperty: `__proto__` becomes an own key, as a hostile client's JSON would make it
      if (Array.isArray(target)) target[m.at % (target.length + 1)] = m.value;
      else Object.defineProperty(target, key, { value: m.value, enumerable: true, writable: true, configurable: true });
      return json(root);
    }
    case 'drop': {
      const root = clone(seed ?? {});
      const spots = containers(root).filter((p) => Object.keys(at(root, p)).length > 0);
      if (spots.length === 0) return json(root);
      const target = at(root, spots[m.at % spots.length]!);
      const keys = Object.keys(target);
      const key = keys[m.at % keys.length]!;
      if (Array.isArray(target)) target.splice(Number(key), 1);
      else delete target[key];
      return json(root);
    }
    case 'text':
      return Buffer.from(m.text, 'utf8');
    case 'bytes':
      return Buffer.from(m.bytes);
    case 'truncate': {
      const full = JSON.stringify(seed ?? { a: 1 });
      return Buffer.from(full.slice(0, m.at % full.length), 'utf8');
    }
    case 'oversize': {
      const base = seed !== null && typeof seed === 'object' && !Array.isArray(seed) ? seed : {};
      return json({ ...base, padding: hugeString(BODY_LIMIT + m.extra) });
    }
    case 'deepText':
      return Buffer.from(deepJsonText(m.depth), 'utf8');
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(seed ?? {})!]);
    case 'empty':
      return Buffer.alloc(0);
    case 'controlChar': {
      // raw control characters inside a string: LF/CR/TAB are tolerated (PEM pasting), others are malformed JSON
      const text = JSON.stringify(seed ?? { s: 'x' }).replace(/"([^"\\]*)"/, (_all, s: string) => `"${s}${String.fromCharCode(m.code)}"`);
      return Buffer.from(text, 'utf8');
    }
  }
};

export type ContentTypeMutation = { readonly kind: 'keep' } | { readonly kind: 'none' } | { readonly kind: 'set'; readonly value: string };

export const contentTypeMutation: fc.Arbitrary<ContentTypeMutation> = fc.oneof(
  { weight: 30, arbitrary: fc.constant({ kind: 'keep' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.constantFrom(
          'text/plain',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'APPLICATION/JSON; CHARSET=UTF-8',
          'application/json;charset="utf-8"',
          'application/json, text/plain',
          'application/jsonx',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          'application/json; boundary=' + 'x'.repeat(2_000),
          '',
        ),
        fc.string({ maxLength: 30 }),
      )
      .map((value) => ({ kind: 'set' as const, value })),
  },
);

export type AuthMutation =
  | { readonly kind: 'keep' }
  | { readonly kind: 'none' }
  | { readonly kind: 'other'; readonly which: string }
  | { readonly kind: 'scheme'; readonly scheme: string }
  | { readonly kind: 'query' }
  | { readonly kind: 'cookie'; readonly browser: boolean }
  | { readonly kind: 'tamper'; readonly pos: number; readonly char: string }
  | { readonly kind: 'garbage'; readonly value: string };

const TOKEN_KINDS = ['provider', 'user', 'bot', 'admin', 'expiredProvider', 'expiredUser', 'neverExpiringProvider', 'botWithExpiry', 'unknownProvider', 'unknownUser', 'unknownBot', 'deletedProvider'];

export const authMutation: fc.Arbitrary<AuthMutation> = fc.oneof(
  { weight: 40, arbitrary: fc.constant({ kind: 'keep' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 3, arbitrary: fc.constantFrom(...TOKEN_KINDS).map((which) => ({ kind: 'other' as const, which })) },
  { weight: 1, arbitrary: fc.constantFrom('Basic', 'bearer', 'BEARER', 'Token', '', 'Bearer  ', 'Bearer\t').map((scheme) => ({ kind: 'scheme' as const, scheme })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'query' as const }) },
  { weight: 1, arbitrary: fc.boolean().map((browser) => ({ kind: 'cookie' as const, browser })) },
  {
    weight: 2,
    arbitrary: fc.record({ pos: fc.nat(), char: fc.constantFrom('A', '_', '-', '=', '.', '0', 'é', '%') }).map((r) => ({ kind: 'tamper' as const, ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 120 }),
        fc.constantFrom('x.v=1.k=1.d=-1.t=b.l=.', `${'A'.repeat(86)}==.v=1.k=99.d=-1.t=p.l=.p=x`, '.'.repeat(500), 'a'.repeat(1_025), 'a'.repeat(8_000)),
      )
      .map((value) => ({ kind: 'garbage' as const, value })),
  },
);

export type PathMutation =
  | { readonly kind: 'keep' }
  | { readonly kind: 'param'; readonly index: number; readonly value: string }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'suffix'; readonly suffix: string }
  | { readonly kind: 'upper' }
  | { readonly kind: 'raw'; readonly path: string };

const badParam = fc.oneof(
  fc.constantFrom(
    'not-a-uuid',
    '',
    '%zz',
    '%',
    '%00',
    '%2F',
    '%E0%A4%A',
    '%C0%AF',
    '..',
    '.',
    '00000000-0000-0000-0000-000000000000',
    '123e4567-e89b-12d3-a456-4266141740000',
    '{123e4567-e89b-12d3-a456-426614174000}',
    'urn:uuid:123e4567-e89b-12d3-a456-426614174000',
    'ffffffffffffffff',
    '0',
    '00abc',
    'x'.repeat(3_000),
    '%F0%9F%92%A5',
    '%ED%A0%80',
  ),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid(),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

export const pathMutation: fc.Arbitrary<PathMutation> = fc.oneof(
  { weight: 30, arbitrary: fc.constant({ kind: 'keep' as const }) },
  { weight: 5, arbitrary: fc.record({ index: fc.nat(), value: badParam }).map((r) => ({ kind: 'param' as const, ...r })) },
  { weight: 1, arbitrary: fc.constantFrom('/v0', '/v7', '/v9', '/v10', '/V1', '/v', '/v1/v2', '//', '/.', '/%76%31').map((prefix) => ({ kind: 'prefix' as const, prefix })) },
  { weight: 1, arbitrary: fc.constantFrom('/', '//', '/.', '/..', '/%2F', '%00', '/x', '/../i/providers', ';x', '%20', '#frag').map((suffix) => ({ kind: 'suffix' as const, suffix })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'upper' as const }) },
  { weight: 1, arbitrary: fc.webPath().map((path) => ({ kind: 'raw' as const, path: path || '/' })) },
);

export type QueryMutation =
  | { readonly kind: 'keep' }
  | { readonly kind: 'add'; readonly pairs: readonly (readonly [string, string])[] }
  | { readonly kind: 'replace'; readonly raw: string };

const QUERY_NAMES = ['size', 'cursor', 'tags', 'start', 'prefix', 'status', 'email', 'key', 'code', 'ids', 'since', 'client', 'filter_disabled', 'access_token', 'ignore_missing', 'report_missing'];

const queryValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('-1', '0', '1', '500', '501', '10001', '1e3', '0x10', ' 5', '5 ', 'true', 'false', '', '%zz', '%', '%00', 'x'.repeat(4_000), 'a,b,,', ',,,'),
  fc.uuid(),
  fc.integer().map(String),
);

export const queryMutation: fc.Arbitrary<QueryMutation> = fc.oneof(
  { weight: 30, arbitrary: fc.constant({ kind: 'keep' as const }) },
  {
    weight: 4,
    arbitrary: fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.string({ maxLength: 8 })), queryValue), { minLength: 1, maxLength: 4 })
      .map((pairs) => ({ kind: 'add' as const, pairs })),
  },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('%', '&&&', '=&=', 'a=%E0%A4%A', '?', 'size=1&size=2', 'cursor=!!!'), fc.string({ maxLength: 40 })).map((raw) => ({ kind: 'replace' as const, raw })) },
);

export type HeaderMutation = { readonly kind: 'keep' } | { readonly kind: 'add'; readonly headers: readonly (readonly [string, string])[] };

const HEADER_NAMES = ['x-forwarded-for', 'z-user', 'z-bot', 'z-provider', 'origin', 'sec-fetch-site', 'x-csrf-token', 'accept', 'accept-encoding', 'content-encoding', 'content-language', 'x-http-method-override', 'range', 'if-none-match', 'host'];

export const headerMutation: fc.Arbitrary<HeaderMutation> = fc.oneof(
  { weight: 20, arbitrary: fc.constant({ kind: 'keep' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...HEADER_NAMES), fc.oneof(fc.string({ maxLength: 40 }), fc.uuid(), fc.constantFrom('gzip', 'DELETE', '127.0.0.1', 'https://evil.example', 'cross-site', 'bytes=0-1', '*/*'))), {
        minLength: 1,
        maxLength: 3,
      })
      .map((headers) => ({ kind: 'add' as const, headers })),
  },
);

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE', 'LOCK'] as const;

export type MethodMutation = { readonly kind: 'keep' } | { readonly kind: 'set'; readonly method: string };

export const methodMutation: fc.Arbitrary<MethodMutation> = fc.oneof(
  { weight: 24, arbitrary: fc.constant({ kind: 'keep' as const }) },
  { weight: 2, arbitrary: fc.constantFrom(...METHODS).map((method) => ({ kind: 'set' as const, method })) },
);

export interface Mutations {
  readonly seed: number;
  readonly method: MethodMutation;
  readonly path: PathMutation;
  readonly query: QueryMutation;
  readonly auth: AuthMutation;
  readonly contentType: ContentTypeMutation;
  readonly body: BodyMutation;
  readonly headers: HeaderMutation;
}

export const mutations: fc.Arbitrary<Mutations> = fc.record({
  seed: fc.nat(),
  method: methodMutation,
  path: pathMutation,
  query: queryMutation,
  auth: authMutation,
  contentType: contentTypeMutation,
  body: bodyMutation,
  headers: headerMutation,
});

const encodeParam = (v: string) => encodeURIComponent(v);

/** Builds the raw request a seed plus its mutations describe. */
export const applyMutations = (w: FuzzWorld, seed: Seed, m: Mutations): RawRequest => {
  const method = m.method.kind === 'set' ? m.method.method : seed.route.split(' ')[0]!;
  const params: Record<string, string> = Object.fromEntries(Object.entries(seed.params ?? {}).map(([k, v]) => [k, encodeParam(v)]));
  if (m.path.kind === 'param') {
    const names = Object.keys(params);
    if (names.length > 0) params[names[m.path.index % names.length]!] = m.path.value;
  }
  let path = fillPath(seed.path, params);
  if (m.path.kind === 'prefix') path = m.path.prefix + path;
  if (m.path.kind === 'suffix') path = path + m.path.suffix;
  if (m.path.kind === 'upper') path = path.toUpperCase();
  if (m.path.kind === 'raw') path = m.path.path.startsWith('/') ? m.path.path : `/${m.path.path}`;

  const query: string[] = seed.query ? [seed.query] : [];
  if (m.query.kind === 'add') for (const [k, v] of m.query.pairs) query.push(`${encodeURIComponent(k)}=${v.includes('%') ? v : encodeURIComponent(v)}`);
  if (m.query.kind === 'replace') query.splice(0, query.length, m.query.raw);

  const headers: Record<string, string> = {};
  const token = tokenOf(w, seed.auth);
  const others: Record<string, string | undefined> = { ...w.oddTokens, provider: w.provider.token, user: w.alice.token, bot: w.botToken, admin: ADMIN_TOKEN };
  const a = m.auth;
  if (a.kind === 'keep' && token) headers.authorization = `Bearer ${token}`;
  if (a.kind === 'other') headers.authorization = `Bearer ${others[a.which]}`;
  if (a.kind === 'scheme') headers.authorization = `${a.scheme} ${token ?? w.alice.token}`;
  if (a.kind === 'query') query.push(`access_token=${encodeURIComponent(token ?? w.provider.token)}`);
  if (a.kind === 'cookie') {
    headers.cookie = `zprovider=${token ?? w.provider.token}`;
    if (a.browser) headers.origin = 'https://evil.example';
  }
  if (a.kind === 'tamper') {
    const t = token ?? w.provider.token;
    const i = a.pos % t.length;
    headers.authorization = `Bearer ${t.slice(0, i)}${a.char}${t.slice(i + 1)}`;
  }
  if (a.kind === 'garbage') headers.authorization = `Bearer ${a.value}`;

  const body = m.body.kind === 'keep' && seed.body === undefined ? undefined : mutateBody(seed.body, m.body);
  const sendsJson = seed.body !== undefined || body !== undefined;
  if (m.contentType.kind === 'keep' && sendsJson) headers['content-type'] = 'application/json';
  if (m.contentType.kind === 'set') headers['content-type'] = m.contentType.value;
  if (m.headers.kind === 'add') for (const [k, v] of m.headers.headers) headers[k] = v;

  for (const k of Object.keys(headers)) headers[k] = headerSafe(headers[k]!);
  if (headers.host !== undefined && headers.host.trim() === '') delete headers.host;
  const target = targetSafe(path + (query.length ? `?${query.join('&')}` : ''));
  return { method, path: target, headers, ...(body !== undefined ? { body } : {}) };
};
