import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { call, transact, type DomainError, type Job } from '@spp/domain';
import { Effect } from 'effect';
import type { AppContext } from '../http/types.js';
import type { BackgroundTask } from './BackgroundTask.js';

const MAX_RETRY_MS = 300_000;
const MIN_CLAIM_GAP_MS = 200;

/** One step of a job kind: 'more' = call again, 'done' = finished (the step completed the job), 'lost' = lease gone. */
export type JobStep = (job: Job, worker: string, leaseMs: number) => Effect.Effect<'more' | 'done' | 'lost', DomainError>;

/**
 * Runs durable jobs (service deletion, team deletion): claims a due job under a lease, runs its steps until done,
 * and on failure gives it back with exponential backoff. Wakes on this instance's commits and polls for other
 * instances'. On stop it finishes the step in hand and hands the job back, so a restart resumes at once; after
 * a crash the lease runs out and any instance resumes it.
 */
export const jobRunnerTask = (ctx: AppContext, steps: Readonly<Record<string, JobStep>>, pollMs = 1_000): BackgroundTask => {
  const leaseMs = ctx.config.jobLeaseMs;
  const { deps } = ctx;
  const kinds = Object.keys(steps);
  const worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let running = false;
  let wake: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  // every commit nudges the runner; under load that would be one claim query per commit, so claims are spaced
  let lastClaimAt = Number.NEGATIVE_INFINITY;
  const wakeNow = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // one gap timer at most: a timer per commit would each wake the next waiter, one claim per commit again
  let gapTimer = false;
  const nudge = () => {
    if (!wake || gapTimer) return;
    const wait = lastClaimAt + MIN_CLAIM_GAP_MS - deps.clock.now();
    // the waiter stays in `wake`, so stop() can still release it while the gap runs on a (fake) clock
    if (wait <= 0) wakeNow();
    else {
      gapTimer = true;
      void deps.clock.sleep(wait).then(() => {
        gapTimer = false;
        wakeNow();
      });
    }
  };

  const giveBack = (job: Job, runAfter: number, error: string | null) =>
    Effect.runPromise(transact(deps.store, (tx) => call(() => tx.jobs.release(job.id, worker, runAfter, error))));

  /** true when a job was worked on */
  const runOne = async (): Promise<boolean> => {
    lastClaimAt = deps.clock.now();
    const job = await Effect.runPromise(
      transact(deps.store, (tx) => call(() => tx.jobs.claim(kinds, worker, deps.clock.now(), leaseMs))),
    );
    if (!job) return false;
    try {
      for (;;) {
        if (!running) {
          await giveBack(job, deps.clock.now(), null);
          return true;
        }
        const outcome = await Effect.runPromise(steps[job.kind]!(job, worker, leaseMs));
        if (outcome === 'done') ctx.logger.info({ job: job.id, kind: job.kind }, 'job done');
        if (outcome !== 'more') return true;
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const delay = Math.min(MAX_RETRY_MS, 1_000 * 2 ** Math.min(job.attempts, 20));
      ctx.logger.error({ job: job.id, kind: job.kind, attempts: job.attempts, err: message }, 'job step failed; will retry');
      await giveBack(job, deps.clock.now() + delay, message.slice(0, 500)).catch(() => undefined);
      return true;
    }
  };

  return {
    name: 'jobs',
    start() {
      running = true;
      unsubscribe = deps.store.onCommit(nudge);
      loop = (async () => {
        while (running) {
          let worked = false;
          try {
            worked = await runOne();
          } catch (e) {
            ctx.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'job runner failed');
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
      wakeNow();
      await loop;
    },
  };
};
