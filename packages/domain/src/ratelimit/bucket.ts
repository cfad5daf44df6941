import type { BucketState } from '../ports/store/RateLimitRepo.js';

export interface BucketPolicy {
  readonly burst: number;
  /** ms for one token to come back */
  readonly refillMs: number;
}

/** providers.md §4 */
export const PASSWORD_BUCKET: BucketPolicy = { burst: 5, refillMs: 60_000 };
export const REGISTRATION_BUCKET: BucketPolicy = { burst: 5, refillMs: 300_000 };

/**
 * After this long untouched, every bucket is full again, which is what an absent bucket means: such buckets can be
 * deleted without changing any answer (otherwise one row per e-mail address or IP ever seen would stay forever).
 */
export const BUCKET_IDLE_MS = Math.max(...[PASSWORD_BUCKET, REGISTRATION_BUCKET].map((p) => p.burst * p.refillMs));

export type TakeResult =
  | { readonly ok: true; readonly next: BucketState }
  | { readonly ok: false; readonly retryAfterSeconds: number; readonly next: BucketState };

/** Pure token-bucket step: refill by elapsed time, then take one token if there is one. */
export const takeToken = (policy: BucketPolicy, state: BucketState | undefined, now: number): TakeResult => {
  const prev = state ?? { tokens: policy.burst, updatedAt: now };
  const elapsed = Math.max(0, now - prev.updatedAt);
  const tokens = Math.min(policy.burst, prev.tokens + elapsed / policy.refillMs);
  if (tokens >= 1) return { ok: true, next: { tokens: tokens - 1, updatedAt: now } };
  // whole milliseconds first, so floating-point noise (200000.00000000003 ms) does not add a second
  const retryAfterSeconds = Math.max(1, Math.ceil(Math.round((1 - tokens) * policy.refillMs) / 1000));
  return { ok: false, retryAfterSeconds, next: { tokens, updatedAt: now } };
};
