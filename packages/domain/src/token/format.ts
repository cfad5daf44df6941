import { isClientId, isUuid } from '../shared/ids.js';
import type { TokenClaims } from './claims.js';

/** A token split into its parts; nothing is verified yet. */
export interface ParsedToken {
  readonly signature: Uint8Array;
  /** the exact signed bytes: everything after the first '.' */
  readonly signed: string;
  readonly keyIndex: number;
  /** Unix seconds, or -1 for never */
  readonly expiry: number;
  readonly claims: TokenClaims;
}

const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

const fieldsOf = (claims: TokenClaims): string => {
  switch (claims.type) {
    case 'p':
      return `p=${claims.providerId}`;
    case 'a':
      return claims.clientId === undefined ? `u=${claims.userId}` : `u=${claims.userId}.c=${claims.clientId}`;
    case 'b':
      return `p=${claims.providerId}.b=${claims.botId}.c=${claims.convId}`;
  }
};

/** The part of a token that is signed: `v=1.k=<k>.d=<d>.t=<t>.l=.<fields>`. */
export const signedPart = (keyIndex: number, expiry: number, claims: TokenClaims): string =>
  `v=1.k=${keyIndex}.d=${expiry}.t=${claims.type}.l=.${fieldsOf(claims)}`;

export const encodeSignature = (sig: Uint8Array): string => Buffer.from(sig).toString('base64url').padEnd(88, '=');

const parseClaims = (type: string, rest: string[]): TokenClaims | undefined => {
  const kv = rest.map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? ['', ''] : [part.slice(0, eq), part.slice(eq + 1)];
  });
  const keys = kv.map(([k]) => k).join(',');
  const val = (i: number) => kv[i]![1]!;
  switch (type) {
    case 'p':
      return keys === 'p' && isUuid(val(0)) ? { type: 'p', providerId: val(0) } : undefined;
    case 'a':
      if (keys === 'u' && isUuid(val(0))) return { type: 'a', userId: val(0) };
      if (keys === 'u,c' && isUuid(val(0)) && isClientId(val(1))) return { type: 'a', userId: val(0), clientId: val(1) };
      return undefined;
    case 'b':
      return keys === 'p,b,c' && isUuid(val(0)) && isUuid(val(1)) && isUuid(val(2))
        ? { type: 'b', providerId: val(0), botId: val(1), convId: val(2) }
        : undefined;
    default:
      return undefined;
  }
};

const INT = /^(0|[1-9][0-9]{0,14})$/;

/** Parses the ZAuth-shaped layout strictly: fields in order, nothing extra. */
export const parseToken = (token: string): ParsedToken | undefined => {
  if (token.length > 1024) return undefined;
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  const sigText = token.slice(0, dot);
  if (!B64URL.test(sigText)) return undefined;
  const signature = new Uint8Array(Buffer.from(sigText.replace(/=+$/, ''), 'base64url'));
  if (signature.length !== 64) return undefined;
  const signed = token.slice(dot + 1);
  const parts = signed.split('.');
  if (parts.length < 6) return undefined;
  const [v, k, d, t, l, ...rest] = parts as [string, string, string, string, string, ...string[]];
  if (v !== 'v=1' || l !== 'l=') return undefined;
  if (!k.startsWith('k=') || !INT.test(k.slice(2))) return undefined;
  const keyIndex = Number(k.slice(2));
  if (keyIndex < 1) return undefined;
  if (!d.startsWith('d=')) return undefined;
  const dv = d.slice(2);
  if (dv !== '-1' && !INT.test(dv)) return undefined;
  const expiry = Number(dv);
  if (!t.startsWith('t=')) return undefined;
  const claims = parseClaims(t.slice(2), rest);
  if (!claims) return undefined;
  // bot tokens never expire; every other type must
  if ((claims.type === 'b') !== (expiry === -1)) return undefined;
  return { signature, signed, keyIndex, expiry, claims };
};
