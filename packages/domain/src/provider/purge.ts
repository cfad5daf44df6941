import { Effect } from 'effect';
import type { DomainError } from '../errors/DomainError.js';
import { call, transact } from '../effect/transact.js';
import { FAILED_MAIL_RETENTION_MS } from '../mail/delivery.js';
import type { Deps } from '../platform.js';
import { BUCKET_IDLE_MS } from '../ratelimit/bucket.js';
import { ACTIVATION_TTL_MS } from './codes.js';
import { purgeRegistered } from './register.js';

export interface PurgeCounts {
  readonly providers: number;
  readonly codes: number;
  readonly mails: number;
  readonly buckets: number;
}

/**
 * T8 and housekeeping: registrations not verified within 24 h are removed with their codes, expired codes
 * long-failed mails and idle rate-limit buckets go. Works in batches of `batch` providers; safe to run on several instances.
 */
export const purgeExpired = (deps: Deps, batch = 100): Effect.Effect<PurgeCounts, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const now = deps.clock.now();
      const stale = yield* call(() => tx.providers.listRegisteredBefore(now - ACTIVATION_TTL_MS, batch));
      for (const p of stale) yield* purgeRegistered(deps, tx, p);
      const codes = yield* call(() => tx.codes.deleteExpired(now));
      const mails = yield* call(() => tx.mails.purgeFailed(now - FAILED_MAIL_RETENTION_MS));
      const buckets = yield* call(() => tx.rateLimits.deleteIdleBefore(now - BUCKET_IDLE_MS, batch * 10));
      if (stale.length) deps.logger.info({ providers: stale.length }, 'unverified providers purged');
      return { providers: stale.length, codes, mails, buckets };
    }),
  );
