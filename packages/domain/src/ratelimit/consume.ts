import { Effect } from 'effect';
import { tooManyRequests, type DomainError } from '../errors/DomainError.js';
import { call } from '../effect/transact.js';
import type { Tx } from '../ports/store/Store.js';
import { takeToken, type BucketPolicy } from './bucket.js';

/**
 * Takes one token from the bucket `key` inside the caller's transaction; an empty bucket fails with
 * 429 too-many-requests + Retry-After. `enabled=false` (RATE_LIMITS=false) lets everything through.
 */
export const consumeToken = (
  tx: Tx,
  policy: BucketPolicy,
  key: string,
  now: number,
  enabled: boolean,
): Effect.Effect<void, DomainError> =>
  enabled
    ? Effect.gen(function* () {
        const state = yield* call(() => tx.rateLimits.getBucket(key));
        const r = takeToken(policy, state, now);
        if (!r.ok) return yield* Effect.fail(tooManyRequests(r.retryAfterSeconds));
        yield* call(() => tx.rateLimits.putBucket(key, r.next));
      })
    : Effect.void;

/** Key of the registration bucket: IPv4 /32, IPv6 /64. */
export const ipBucketKey = (ip: string): string => {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  const full = expandIpv6(ip);
  return full ? full.slice(0, 4).join(':') + '::/64' : ip;
};

const expandIpv6 = (ip: string): string[] | undefined => {
  if (!ip.includes(':')) return undefined;
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => g.toLowerCase().padStart(4, '0'));
};
