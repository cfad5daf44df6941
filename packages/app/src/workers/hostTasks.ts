import { BuiltinHost, purgeOldNotifications } from '@spp/domain';
import { Effect } from 'effect';
import type { AppContext } from '../http/types.js';
import type { BackgroundTask } from './BackgroundTask.js';
import { loopTask } from './loopTask.js';

const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1_000;

/** The built-in host's housekeeping: notifications past their retention, also of users who never read them. */
export const hostTasks = (ctx: AppContext): BackgroundTask[] =>
  ctx.host instanceof BuiltinHost
    ? [
        loopTask(
          ctx,
          'notification-purge',
          async () => (await Effect.runPromise(purgeOldNotifications(ctx.deps, PURGE_BATCH))) === PURGE_BATCH,
          PURGE_EVERY_MS,
        ),
      ]
    : [];
