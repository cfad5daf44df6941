import type { CodeRecord } from '../ports/store/CodeRepo.js';
import type { Random } from '../ports/Random.js';
import type { BucketPolicy } from '../ratelimit/bucket.js';
import { base64url, isBase64url } from '../shared/base64url.js';
import { constantTimeEquals } from '../shared/constantTime.js';
import { sha256 } from '../shared/sha256.js';

/** Verification codes (providers.md §3). */
export const ACTIVATION_TTL_MS = 24 * 3600_000;
export const APPROVAL_TTL_MS = 14 * 24 * 3600_000;
export const CODE_TRIES = 3;

/** One activation code per e-mail key per 300 s: a bucket of one token. */
export const CODE_THROTTLE: BucketPolicy = { burst: 1, refillMs: 300_000 };
export const codeThrottleKey = (emailKey: string): string => `code:provider:${emailKey}`;

const utf8 = new TextEncoder();
const keyOf = (text: string): string => base64url(sha256(utf8.encode(text)).slice(0, 15));

/** base64url (no padding) of the first 15 bytes of SHA-256(e-mail key): 20 characters, the same for every code of that e-mail. */
export const activationKey = (emailKey: string): string => keyOf(emailKey);
export const approvalKey = (providerId: string): string => keyOf(`approval:${providerId}`);

/** 15 random bytes → 20 base64url characters. */
export const newCodeValue = (random: Random): string => base64url(random.bytes(15));

export const isValidCodeKey = (s: string): boolean => isBase64url(s, 20, 20);
export const isValidCodeValue = (s: string): boolean => isBase64url(s, 6, 20);

export type CodeCheck =
  /** right, live, unused: the caller applies the effect and marks it used */
  | { readonly kind: 'accepted' }
  /** right but already used: 204 while the effect holds */
  | { readonly kind: 'used' }
  /** wrong value on a live code: one try is gone (store `next`) */
  | { readonly kind: 'wrong'; readonly next: CodeRecord }
  /** expired, dead, or a wrong value for a used code */
  | { readonly kind: 'invalid' };

/** Decides what presenting `value` for `code` at `now` means. The comparison is constant-time. */
export const checkCode = (code: CodeRecord, value: string, now: number): CodeCheck => {
  if (code.expiresAt < now) return { kind: 'invalid' };
  const right = constantTimeEquals(code.code, value);
  if (code.usedAt !== null) return right ? { kind: 'used' } : { kind: 'invalid' };
  if (code.triesLeft <= 0) return { kind: 'invalid' };
  if (right) return { kind: 'accepted' };
  return { kind: 'wrong', next: { ...code, triesLeft: code.triesLeft - 1 } };
};

/** A pending code is one that could still be accepted. */
export const isPending = (code: CodeRecord, now: number): boolean => code.usedAt === null && code.triesLeft > 0 && code.expiresAt >= now;
