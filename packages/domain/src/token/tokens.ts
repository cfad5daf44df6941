import type { TokenSigner } from '../ports/TokenSigner.js';
import type { TokenClaims } from './claims.js';
import { encodeSignature, parseToken, signedPart } from './format.js';

const utf8 = new TextEncoder();

/** Mints a signed token with the newest key. `expiry` is Unix seconds, or -1 for bot tokens. */
export const mintToken = (signer: TokenSigner, claims: TokenClaims, expiry: number): string => {
  const signed = signedPart(signer.currentKeyIndex, expiry, claims);
  return `${encodeSignature(signer.sign(utf8.encode(signed)))}.${signed}`;
};

/** Stateless validity: parses, names an existing key, the signature verifies, not expired. */
export const verifyToken = (signer: TokenSigner, token: string, nowMs: number): TokenClaims | undefined => {
  const parsed = parseToken(token);
  if (!parsed) return undefined;
  if (parsed.expiry !== -1 && parsed.expiry < Math.floor(nowMs / 1000)) return undefined;
  if (!signer.verify(parsed.keyIndex, utf8.encode(parsed.signed), parsed.signature)) return undefined;
  return parsed.claims;
};
