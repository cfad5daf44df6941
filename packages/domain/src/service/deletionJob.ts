import { Effect } from 'effect';
import { removeBotsOfService } from '../bot/cascades.js';
import { call, transact } from '../effect/transact.js';
import type { DomainError } from '../errors/DomainError.js';
import type { Deps } from '../platform.js';
import type { ConversationHost } from '../ports/ConversationHost.js';
import type { Job } from '../ports/store/JobRepo.js';
import type { Tx } from '../ports/store/Store.js';
import { SERVICE_DELETION_JOB, type ServiceDeletionPayload } from './deleteService.js';
import { serviceTransition } from './stateMachine.js';

/** bots removed per transaction */
export const BOT_PAGE = 20;
/** a worker that has not renewed its lease for this long is presumed dead; another resumes the job */
export const JOB_LEASE_MS = 60_000;

export type RemoveBots = (deps: Deps, host: ConversationHost, tx: Tx, serviceId: string, limit: number) => Effect.Effect<number, DomainError>;

export type StepOutcome = 'more' | 'done' | 'lost';

/** Claims the oldest due service deletion job for `worker`, if any. */
export const claimServiceDeletion = (deps: Deps, worker: string): Effect.Effect<Job | undefined, DomainError> =>
  transact(deps.store, (tx) => call(() => tx.jobs.claim([SERVICE_DELETION_JOB], worker, deps.clock.now(), JOB_LEASE_MS)));

/**
 * One transaction of S5: renews the lease, removes up to BOT_PAGE bots; when none is left, deletes the service
 * with its whitelist rows and health, and the job itself. Safe to repeat after a crash at any point.
 */
export const serviceDeletionStep = (
  deps: Deps,
  host: ConversationHost,
  job: Job,
  worker: string,
  removeBots: RemoveBots = removeBotsOfService,
  leaseMs: number = JOB_LEASE_MS,
): Effect.Effect<StepOutcome, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const now = deps.clock.now();
      if (!(yield* call(() => tx.jobs.renew(job.id, worker, now + leaseMs)))) return 'lost' as const;
      const { serviceId } = job.payload as ServiceDeletionPayload;
      const s = yield* call(() => tx.services.get(serviceId));
      if (s && s.state === 'deleting') {
        const removed = yield* removeBots(deps, host, tx, serviceId, BOT_PAGE);
        if (removed > 0) return 'more' as const;
        if (serviceTransition(s.state, 'purge')) yield* call(() => tx.services.delete(serviceId));
      }
      yield* call(() => tx.jobs.complete(job.id, worker));
      return 'done' as const;
    }),
  );

/** Runs one claimed job to its end (or until the lease is lost). */
export const runServiceDeletion = (
  deps: Deps,
  host: ConversationHost,
  job: Job,
  worker: string,
  removeBots: RemoveBots = removeBotsOfService,
): Effect.Effect<StepOutcome, DomainError> =>
  Effect.gen(function* () {
    for (;;) {
      const outcome = yield* serviceDeletionStep(deps, host, job, worker, removeBots);
      if (outcome !== 'more') return outcome;
    }
  });
