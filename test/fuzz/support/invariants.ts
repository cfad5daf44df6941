import type { RawRequest, RawResponse } from './rawHttp.js';

/** What gives an internal fault away in a response: stack frames, runtime error names, file paths. */
const STACK_TRACE = /\bat [^\s()]+ \(|\bat (file|node):|node:internal|\.(ts|js|mjs):\d+:\d+|\/(work|home|usr|tmp)\/|\b(Type|Range|Syntax|Reference|URI)Error\b/g;

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** internal details in a body, ignoring text the request itself carried (400 messages may quote a bad value) */
const leakedDetails = (req: RawRequest, text: string): string[] => {
  const sent = `${req.path} ${safeDecode(req.path)} ${req.body === undefined ? '' : Buffer.from(req.body).toString('utf8')}`;
  return [...text.matchAll(STACK_TRACE)].map((m) => m[0]).filter((m) => !sent.includes(m));
};

/** `/v3/provider/?x` → `/provider` (README: one version prefix, not on /i/, and one trailing slash are ignored) */
const apiPath = (target: string): string => {
  let p: string;
  try {
    // the server's own parsing: dot segments resolved, query and fragment dropped
    p = new URL(target, 'http://x').pathname;
  } catch {
    p = target.split('?')[0]!.split('#')[0]!;
  }
  const m = /^\/v[0-9](\/.*)?$/.exec(p);
  if (m) p = m[1] ?? '/';
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
};

const header = (res: RawResponse, name: string): string | undefined => {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

/** The error bodies the README names as exceptions to `{code,label,message}`. */
const documentedException = (req: RawRequest, res: RawResponse): boolean => {
  const p = apiPath(req.path);
  if (res.status === 412 && req.method === 'POST' && (/^\/conversations\/[^/]+\/otr\/messages$/.test(p) || p === '/bot/messages'))
    return res.json !== null && typeof res.json === 'object' && 'missing' in res.json && 'redundant' in res.json && 'deleted' in res.json;
  if (res.status === 404 && req.method === 'GET' && p === '/notifications') return Array.isArray(res.json?.notifications);
  // the portal's own not-found page for browsers
  if (res.status === 404 && req.method === 'GET' && /^\/portal(\/|$)/i.test(req.path)) return /^text\/html/.test(header(res, 'content-type') ?? '');
  return false;
};

/**
 * The fuzzing invariants of the issue: never a 5xx, never a stack trace, always the error body shape (with the
 * README's documented exceptions), security headers on every response, Retry-After on every 429.
 */
export const responseViolations = (req: RawRequest, res: RawResponse): string[] => {
  const out: string[] = [];
  // 501 `not-implemented` is the README's label for compatibility routes not provided in this phase
  const notImplemented =
    res.status === 501 &&
    (res.json?.label === 'not-implemented' || (req.method === 'HEAD' && /^\/(bot|provider)\/assets(\/|$)/.test(apiPath(req.path))));
  if ((res.status >= 500 && !notImplemented) || res.status < 100) out.push(`status ${res.status}`);
  const staticAsset = res.status === 200 && req.path.startsWith('/portal/static/');
  const leaks = staticAsset ? [] : leakedDetails(req, res.text);
  if (leaks.length > 0) out.push(`stack trace or internal detail (${leaks.join(' | ')}) in body: ${res.text.slice(0, 300)}`);
  if (header(res, 'x-content-type-options') !== 'nosniff') out.push('missing X-Content-Type-Options: nosniff');
  if (header(res, 'x-frame-options')?.toUpperCase() !== 'DENY') out.push('missing X-Frame-Options: DENY');
  const ctype = header(res, 'content-type') ?? '';
  if (/html/i.test(ctype) && !header(res, 'content-security-policy')) out.push('HTML without Content-Security-Policy');
  if (Object.keys(res.headers).some((h) => h.startsWith('access-control-'))) out.push('CORS header present');
  if (res.text.length > 0 && ctype === '') out.push('body without Content-Type');
  if (res.status === 429 && !/^[1-9][0-9]*$/.test(header(res, 'retry-after') ?? '')) out.push('429 without a valid Retry-After');
  if (res.status >= 400 && req.method !== 'HEAD' && !documentedException(req, res)) {
    if (!/^application\/json; charset=utf-8$/i.test(ctype)) out.push(`error with content-type "${ctype}": ${res.text.slice(0, 200)}`);
    const b = res.json;
    const shaped =
      b !== null &&
      typeof b === 'object' &&
      !Array.isArray(b) &&
      Object.keys(b).sort().join(',') === 'code,label,message' &&
      b.code === res.status &&
      typeof b.label === 'string' &&
      /^[a-z][a-z-]*$/.test(b.label) &&
      typeof b.message === 'string' &&
      b.message.length > 0;
    if (!shaped) out.push(`error body is not {code,label,message}: ${res.text.slice(0, 200)}`);
  }
  return out;
};

/**
 * Tables a rejected request may still change, by label: a wrong verification code uses up one of its three tries
 * (providers.md §3); that is the point of the tries, not a leak of the rejected request.
 */
const ALLOWED_ON_REJECT: Readonly<Record<string, readonly string[]>> = {
  'invalid-code': ['verification_codes'],
};

export const rejectedChangedSomething = (res: RawResponse, changedTables: readonly string[]): string | undefined => {
  if (res.status < 400 || changedTables.length === 0) return undefined;
  const label: string = typeof res.json?.label === 'string' ? res.json.label : '';
  const allowed = ALLOWED_ON_REJECT[label] ?? [];
  const unexpected = changedTables.filter((t) => !allowed.includes(t));
  return unexpected.length === 0 ? undefined : `rejected with ${res.status} ${label || res.text.slice(0, 60)} but changed ${unexpected.join(', ')}`;
};
