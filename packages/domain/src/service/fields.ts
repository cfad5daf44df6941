import { codePoints } from '../shared/ids.js';
import type { Random } from '../ports/Random.js';
import { isServiceTag, sortTags, type ServiceTag } from './tags.js';

/**
 * services.md §2 field rules as pure checks. Each returns an error message (naming the rule) or the
 * normalised value; the HTTP edge runs them inside its body schemas so a 400 names the field.
 */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = <T>(message: string): Checked<T> => ({ ok: false, message });

/** a lone UTF-16 surrogate cannot be stored or sorted as text */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export const LIMITS = {
  name: 128,
  summary: 128,
  description: 1024,
  baseUrl: 2048,
  assets: 10,
  assetKey: 256,
  tags: 3,
  authTokens: 2,
  publicKeys: 2,
  authTokenMin: 6,
  authTokenMax: 512,
  fingerprints: 4,
} as const;

export const checkText = (value: string, max: number): Checked<string> => {
  const n = codePoints(value);
  if (n < 1 || n > max) return bad(`must be 1..${max} characters`);
  if (LONE_SURROGATE.test(value)) return bad('must be valid Unicode text');
  return ok(value);
};

/** absolute https URL with a host; no credentials, query or fragment; ≤ 2048. Stored as given. */
export const checkBaseUrl = (value: string): Checked<string> => {
  if (codePoints(value) > LIMITS.baseUrl) return bad(`must be at most ${LIMITS.baseUrl} characters`);
  if (/[\s\x00-\x1f\x7f]/.test(value)) return bad('must not contain whitespace or control characters');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad('must be an absolute https URL');
  }
  if (url.protocol !== 'https:' || !/^https:\/\//i.test(value)) return bad('must be an absolute https URL');
  if (!url.hostname) return bad('must have a host');
  const authority = value.slice('https://'.length).split(/[/?#]/, 1)[0]!;
  if (url.username || url.password || authority.includes('@')) return bad('must not contain credentials');
  if (value.includes('?')) return bad('must not contain a query');
  if (value.includes('#')) return bad('must not contain a fragment');
  return ok(value);
};

/** printable ASCII without spaces */
export const ASSET_KEY = /^[\x21-\x7e]{1,256}$/;

/** 1..3 distinct known tags (counted after duplicates collapse), returned in list order. */
export const checkTags = (values: readonly string[]): Checked<ServiceTag[]> => {
  for (const v of values) if (!isServiceTag(v)) return bad(`Invalid tag: ${v}`);
  const tags = sortTags(values as ServiceTag[]);
  if (tags.length < 1 || tags.length > LIMITS.tags) return bad(`must hold 1..${LIMITS.tags} distinct tags`);
  return ok(tags);
};

const AUTH_TOKEN = /^[A-Za-z0-9_=-]{6,512}$/;

export const checkAuthToken = (value: string): Checked<string> =>
  AUTH_TOKEN.test(value) ? ok(value) : bad(`must be ${LIMITS.authTokenMin}..${LIMITS.authTokenMax} characters of [A-Za-z0-9_=-]`);

/** An absent token is generated: base64url without padding of 18 random bytes (24 characters). */
export const generateAuthToken = (random: Random): string => Buffer.from(random.bytes(18)).toString('base64url');

const FINGERPRINT = /^[0-9a-fA-F]{64}$/;

/** 0..4 × 64 hex digits, lowercased, duplicates collapsed (order of first occurrence). */
export const checkIdentityFingerprints = (values: readonly string[]): Checked<string[]> => {
  for (const v of values) if (!FINGERPRINT.test(v)) return bad('each must be 64 hex digits');
  const out = [...new Set(values.map((v) => v.toLowerCase()))];
  if (out.length > LIMITS.fingerprints) return bad(`must hold at most ${LIMITS.fingerprints} distinct fingerprints`);
  return ok(out);
};
