import { Effect, Either } from 'effect';
import { call, transact } from '../effect/transact.js';
import type { MailTransport } from '../ports/MailTransport.js';
import type { QueuedMail } from '../ports/store/MailQueueRepo.js';
import type { Deps } from '../platform.js';

/** A claimed mail is not picked up again (by this or another instance) until the lease ends. */
export const MAIL_LEASE_MS = 5 * 60_000;
export const MAIL_MAX_ATTEMPTS = 20;
/** Failed mails stay visible this long before they are purged. */
export const FAILED_MAIL_RETENTION_MS = 7 * 24 * 3600_000;

/** Delay before attempt n+1 after n failed attempts: 5 s, 10 s, 20 s, … capped at one hour. */
export const mailBackoffMs = (failedAttempts: number): number => Math.min(5_000 * 2 ** Math.max(0, failedAttempts - 1), 3600_000);

export type MailOutcome = 'sent' | 'retry' | 'failed';

export interface DeliverOptions {
  readonly batch: number;
  readonly concurrency: number;
  readonly onOutcome?: (mail: QueuedMail, outcome: MailOutcome) => void;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 500);

/**
 * One round of the mail worker: claims the due mails (lease), hands each to the transport, then removes it
 * (sent) or schedules the next try with backoff. Returns how many mails were claimed.
 */
export const deliverDueMails = (deps: Deps, transport: MailTransport, options: DeliverOptions): Effect.Effect<number> =>
  Effect.gen(function* () {
    const now = deps.clock.now();
    const claimed = yield* Effect.orDie(
      transact(deps.store, (tx) =>
        Effect.gen(function* () {
          const due = yield* call(() => tx.mails.due(now, options.batch));
          for (const m of due) yield* call(() => tx.mails.reschedule(m.id, now + MAIL_LEASE_MS, m.attempts, m.lastError));
          return due;
        }),
      ),
    );
    yield* Effect.forEach(
      claimed,
      (m) =>
        Effect.gen(function* () {
          const sent = yield* Effect.either(Effect.tryPromise({ try: () => transport.send(m.mail, m.id), catch: errorText }));
          const later = deps.clock.now();
          let outcome: MailOutcome;
          if (Either.isRight(sent)) {
            outcome = 'sent';
            yield* Effect.orDie(transact(deps.store, (tx) => call(() => tx.mails.remove(m.id))));
          } else {
            const attempts = m.attempts + 1;
            outcome = attempts >= MAIL_MAX_ATTEMPTS ? 'failed' : 'retry';
            yield* Effect.orDie(
              transact(deps.store, (tx) =>
                call(() =>
                  outcome === 'failed'
                    ? tx.mails.markFailed(m.id, attempts, sent.left)
                    : tx.mails.reschedule(m.id, later + mailBackoffMs(attempts), attempts, sent.left),
                ),
              ),
            );
            deps.logger.warn({ mail: m.id, purpose: m.purpose, attempts, error: sent.left }, outcome === 'failed' ? 'mail given up' : 'mail will be retried');
          }
          options.onOutcome?.(m, outcome);
        }),
      { concurrency: options.concurrency, discard: true },
    );
    return claimed.length;
  });
