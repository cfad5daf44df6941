import { timingSafeEqual, createHash } from 'node:crypto';
import { fail, familyTokenType, pathFamily, verifyToken, type DomainError, type TokenSigner } from '@spp/domain';
import type { Auth } from './types.js';
import { readCookie } from './cookies.js';

export interface AuthInput {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly queryToken: string | undefined;
  readonly cookieHeader: string | undefined;
}


/** constant-time equality of two secrets of any length */
export const secretEquals = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** Decides who is calling, by the path family's rules (README "Tokens" and "Access control"). */
export const authenticate = (
  input: AuthInput,
  signer: TokenSigner,
  adminToken: string | undefined,
  nowMs: number,
): Auth | DomainError => {
  const family = pathFamily(input.method, input.path);
  if (family === 'open') return { kind: 'none' };
  const bearer = (h: string): string | DomainError => (/^Bearer +/i.test(h) ? h.replace(/^Bearer +/i, '').trim() : fail('invalid-token', 'Invalid token.'));

  if (family === 'admin') {
    if (input.authorization === undefined) return fail('missing-auth', 'Missing authentication.');
    const t = bearer(input.authorization);
    if (typeof t !== 'string' || !adminToken || !secretEquals(t, adminToken)) return fail('invalid-token', 'Invalid token.');
    return { kind: 'admin' };
  }

  let token: string | undefined;
  if (input.authorization !== undefined) {
    const t = bearer(input.authorization);
    if (typeof t !== 'string') return t;
    token = t;
  } else if (input.queryToken !== undefined) token = input.queryToken;
  else if (family === 'provider') token = readCookie(input.cookieHeader, 'zprovider');
  if (token === undefined || token === '') return fail('missing-auth', 'Missing authentication.');

  const claims = verifyToken(signer, token, nowMs);
  if (!claims) return fail('invalid-token', 'Invalid token.');
  if (claims.type !== familyTokenType[family]) return fail('access-denied', 'Access denied.');
  switch (claims.type) {
    case 'p':
      return { kind: 'provider', providerId: claims.providerId };
    case 'a':
      return claims.clientId === undefined
        ? { kind: 'user', userId: claims.userId }
        : { kind: 'user', userId: claims.userId, clientId: claims.clientId };
    case 'b':
      return { kind: 'bot', providerId: claims.providerId, botId: claims.botId, convId: claims.convId };
  }
};
