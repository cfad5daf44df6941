import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Effect } from 'effect';
import { call, claimServiceDeletion, serviceDeletionStep, transact, type Job } from '@spp/domain';
import type { AppContext } from '../http/types.js';
import type { BackgroundTask } from './BackgroundTask.js';

const MAX_RETRY_MS = 300_000;

/**
 * Runs service deletion jobs (services.md S5): claims a due job under a lease, removes its bots one
 * transaction per page, then the service. Wakes on this instance's commits and polls for other instances'.
 * On stop it finishes the step in hand and hands the job back, so a restart resumes it at once; after a crash
 * the lease runs out and any instance resumes it.
 */
export const serviceDeletionTask = (ctx: AppContext, pollMs = 1_000): BackgroundTask => {
  const { deps } = ctx;
  const worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let running = false;
  let wake: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  const nudge = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const giveBack = (job: Job, runAfter: number, error: string | null) =>
    Effect.runPromise(transact(deps.store, (tx) => call(() => tx.jobs.release(job.id, worker, runAfter, error))));

  /** true when a job was worked on */
  const runOne = async (): Promise<boolean> => {
    const job = await Effect.runPromise(claimServiceDeletion(deps, worker));
    if (!job) return false;
    try {
      for (;;) {
        if (!running) {
          await giveBack(job, deps.clock.now(), null);
          return true;
        }
        const outcome = await Effect.runPromise(serviceDeletionStep(deps, ctx.host, job, worker));
        if (outcome === 'done') ctx.logger.info({ job: job.id, service: (job.payload as { serviceId?: string }).serviceId }, 'service deleted');
        if (outcome !== 'more') return true;
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const delay = Math.min(MAX_RETRY_MS, 1_000 * 2 ** Math.min(job.attempts, 20));
      ctx.logger.error({ job: job.id, attempts: job.attempts, err: message }, 'service deletion step failed; will retry');
      await giveBack(job, deps.clock.now() + delay, message.slice(0, 500)).catch(() => undefined);
      return true;
    }
  };

  return {
    name: 'service-deletions',
    start() {
      running = true;
      unsubscribe = deps.store.onCommit(nudge);
      loop = (async () => {
        while (running) {
          let worked = false;
          try {
            worked = await runOne();
          } catch (e) {
            ctx.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'service deletion runner failed');
          }
          if (!running) break;
          if (worked) continue;
          await new Promise<void>((resolve) => {
            wake = resolve;
            void deps.clock.sleep(pollMs).then(resolve);
          });
        }
      })();
    },
    async stop() {
      running = false;
      unsubscribe?.();
      nudge();
      await loop;
    },
  };
};

export const serviceTasks = (ctx: AppContext): BackgroundTask[] => [serviceDeletionTask(ctx)];
