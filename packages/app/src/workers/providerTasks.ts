import { deliverDueMails, purgeExpired } from '@spp/domain';
import { Effect } from 'effect';
import type { AppContext } from '../http/types.js';
import { createMailTransport, mailSignal } from '../wiring/mail.js';
import type { BackgroundTask } from './BackgroundTask.js';
import { loopTask } from './loopTask.js';

const MAIL_POLL_MS = 2_000;
const MAIL_BATCH = 20;
const PURGE_EVERY_MS = 60_000;

/** The mail sender (providers.md §5) and the purge of unverified registrations (T8). */
export const providerTasks = (ctx: AppContext): BackgroundTask[] => {
  const transport = createMailTransport(ctx.config, ctx.logger, ctx.deps.clock);
  const signal = mailSignal(ctx.deps);
  const mailer = loopTask(
    ctx,
    'mail-sender',
    async () => {
      const claimed = await Effect.runPromise(
        deliverDueMails(ctx.deps, transport, {
          batch: MAIL_BATCH,
          concurrency: 4,
          onOutcome: (m, outcome) => ctx.metrics.mailsSent.inc({ purpose: m.purpose, outcome }),
        }),
      );
      return claimed === MAIL_BATCH;
    },
    MAIL_POLL_MS,
    () => signal.next(),
    async () => transport.close?.(),
  );
  const purge = loopTask(
    ctx,
    'provider-purge',
    async () => {
      const counts = await Effect.runPromise(purgeExpired(ctx.deps));
      return counts.providers === 100 || counts.buckets === 1_000;
    },
    PURGE_EVERY_MS,
  );
  return [mailer, purge];
};
