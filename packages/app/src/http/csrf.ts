import type { IncomingMessage } from 'node:http';
import type { Random } from '@spp/domain';
import { readCookie, serializeCookie } from './cookies.js';
import { secretEquals } from './auth.js';
import { requestPath } from './dispatch.js';

export const CSRF_COOKIE = 'portal_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const PROVIDER_COOKIE = 'zprovider';
const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
/** base64url of 32 random bytes */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const CSRF_REFUSAL = { code: 403, label: 'access-denied', message: 'CSRF token missing or invalid.' } as const;

export const newCsrfToken = (random: Random): string => Buffer.from(random.bytes(32)).toString('base64url');

export const hasValidCsrfCookie = (cookieHeader: string | undefined): boolean =>
  TOKEN_SHAPE.test(readCookie(cookieHeader, CSRF_COOKIE) ?? '');

/** Not HttpOnly: the page script reads it and echoes it in the X-CSRF-Token header (double submit). */
export const csrfCookie = (token: string, secure: boolean): string =>
  serializeCookie(CSRF_COOKIE, token, { path: '/', httpOnly: false, secure });

/** true when the X-CSRF-Token header matches the portal_csrf cookie */
export const csrfHeaderMatches = (req: IncomingMessage): boolean => {
  const cookie = readCookie(req.headers.cookie, CSRF_COOKIE);
  const header = req.headers[CSRF_HEADER];
  if (cookie === undefined || !TOKEN_SHAPE.test(cookie) || typeof header !== 'string') return false;
  return secretEquals(header, cookie);
};

/**
 * A request comes from a browser when it carries a header only browsers add to state-changing requests (`Origin`,
 * `Sec-Fetch-Site`) or the portal's own cookie. Scripts that keep `zprovider` in a cookie jar (which the spec allows)
 * send neither and are not CSRF targets: a forged request needs a victim's browser.
 */
const fromBrowser = (req: IncomingMessage): boolean =>
  req.headers.origin !== undefined || req.headers['sec-fetch-site'] !== undefined || readCookie(req.headers.cookie, CSRF_COOKIE) !== undefined;

const hasQueryToken = (url: string): boolean => {
  try {
    return new URL(url, 'http://x').searchParams.has('access_token');
  } catch {
    return false;
  }
};

/** Would the dispatcher authenticate this request with the `zprovider` cookie? (README "Tokens": header, then query, then cookie.) */
const cookieAuthenticated = (req: IncomingMessage): boolean => {
  if (req.headers.authorization !== undefined) return false;
  if (hasQueryToken(req.url ?? '/')) return false;
  return readCookie(req.headers.cookie, PROVIDER_COOKIE) !== undefined;
};

const isProviderPath = (rawUrl: string): boolean => {
  const p = requestPath(rawUrl);
  return p !== undefined && (p === '/provider' || p.startsWith('/provider/'));
};

/**
 * Defence in depth on top of SameSite=Strict and JSON-only bodies: a state-changing, cookie-authenticated request
 * to `/provider...` from a browser must echo the portal_csrf cookie in X-CSRF-Token. Checked before the dispatcher,
 * never looking at the business route; Bearer-authenticated calls pass untouched. True when the request is refused.
 */
export const csrfRefused = (req: IncomingMessage): boolean =>
  STATE_CHANGING.has(req.method ?? '') &&
  isProviderPath(req.url ?? '/') &&
  cookieAuthenticated(req) &&
  fromBrowser(req) &&
  !csrfHeaderMatches(req);
