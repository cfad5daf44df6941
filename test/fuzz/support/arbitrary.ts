import fc from 'fast-check';
import { ADMIN_TOKEN } from '../../support/app.js';
import { METHODS } from './mutators.js';
import { headerSafe, targetSafe, type RawRequest } from './rawHttp.js';
import type { FuzzWorld } from './world.js';

/** Requests built from nothing: any method, a path made of real and garbage segments, any headers and body. */

const SEGMENTS = [
  'provider', 'providers', 'services', 'service', 'bot', 'bots', 'conversations', 'users', 'clients', 'teams', 'i', 'v7', 'v0',
  'self', 'login', 'register', 'notifications', 'portal', 'static', 'api-version', 'api-docs', 'openapi.json', 'whitelist',
  'whitelisted', 'prekeys', 'messages', 'assets', 'connection', 'tags', 'access', 'name', 'otr', 'members', 'activate',
  'approve', 'reject', 'password', 'email', 'metrics', 'status', 'activation-code', 'handle', 'client', 'conversation',
  'password-reset', 'complete', 'logout', 'localhost', '..', '.', '',
];

const segment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SEGMENTS) },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '%00', '%2F', '%C0%AF', '%E0%A4%A', '%F0%9F%92%A5', 'ffffffffffffffff', '0', '*', ';', '%u0041') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
);

export interface ArbitraryRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string | null;
  /** index into the world's tokens, or a literal header value */
  readonly auth: { readonly token: number } | { readonly raw: string } | null;
  readonly contentType: string | null;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: { readonly json: unknown } | { readonly text: string } | { readonly bytes: Uint8Array } | null;
}

export const arbitraryRequest: fc.Arbitrary<ArbitraryRequest> = fc.record({
  method: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
  path: fc.oneof(
    { weight: 5, arbitrary: fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => `/${s.join('/')}`) },
    { weight: 1, arbitrary: fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)) },
  ),
  query: fc.option(fc.oneof(fc.webQueryParameters(), fc.string({ maxLength: 60 })), { nil: null }),
  auth: fc.option(fc.oneof(fc.nat().map((token) => ({ token })), fc.string({ maxLength: 100 }).map((raw) => ({ raw }))), { nil: null }),
  contentType: fc.option(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', ''), { nil: null }),
  headers: fc.array(fc.tuple(fc.constantFrom('accept', 'x-forwarded-for', 'z-user', 'cookie', 'origin', 'x-csrf-token', 'user-agent', 'range'), fc.string({ maxLength: 60 })), {
    maxLength: 3,
  }),
  body: fc.option(
    fc.oneof(
      { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((json) => ({ json })) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }).map((text) => ({ text })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ bytes })) },
    ),
    { nil: null },
  ),
});

export const materialise = (w: FuzzWorld, a: ArbitraryRequest): RawRequest => {
  const tokens = [w.provider.token, w.alice.token, w.botToken, ADMIN_TOKEN, ...Object.values(w.oddTokens)];
  const headers: Record<string, string> = {};
  for (const [k, v] of a.headers) headers[k] = headerSafe(v);
  if (a.auth !== null) headers.authorization = 'token' in a.auth ? `Bearer ${tokens[a.auth.token % tokens.length]}` : headerSafe(a.auth.raw);
  if (a.contentType !== null) headers['content-type'] = a.contentType;
  const body =
    a.body === null ? undefined : 'json' in a.body ? Buffer.from(JSON.stringify(a.body.json) ?? 'null') : 'text' in a.body ? Buffer.from(a.body.text) : Buffer.from(a.body.bytes);
  return { method: a.method, path: targetSafe(a.path + (a.query !== null ? `?${a.query}` : '')), headers, ...(body !== undefined ? { body } : {}) };
};
