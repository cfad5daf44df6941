import { Effect } from 'effect';
import { call, transact } from '../effect/transact.js';
import type { DomainError } from '../errors/DomainError.js';
import type { Deps } from '../platform.js';
import type { Tx } from '../ports/store/Store.js';
import type { ServiceRecord } from './model.js';
import { ownedService } from './ownedService.js';
import { liveProvider, reauthenticate } from './providerGate.js';
import { serviceTransition } from './stateMachine.js';

/** Kind of the durable job that finishes a service's deletion (S5). Payload: `{ serviceId }`. */
export const SERVICE_DELETION_JOB = 'service.delete';

export interface ServiceDeletionPayload {
  readonly serviceId: string;
}

/** S4 inside the caller's transaction: `deleting` at once, and the job that removes bots and the row queued with it. */
export const markServiceDeleting = (deps: Deps, tx: Tx, s: ServiceRecord): Effect.Effect<void> =>
  Effect.gen(function* () {
    const t = serviceTransition(s.state, 'delete');
    if (!t) return; // already deleting: its job is queued
    const now = deps.clock.now();
    yield* call(() => tx.services.put({ ...s, state: t.to!, updatedAt: now }));
    const payload: ServiceDeletionPayload = { serviceId: s.id };
    yield* call(() => tx.jobs.enqueue({ kind: SERVICE_DELETION_JOB, payload, runAfter: now, now }));
  });

/** `DELETE /provider/services/{sid}` → 202. Checks in order: provider exists → bucket → password → service. */
export const deleteService = (deps: Deps, providerId: string, serviceId: string, password: string): Effect.Effect<void, DomainError> =>
  Effect.gen(function* () {
    yield* reauthenticate(deps, providerId, password);
    yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        yield* liveProvider(tx, providerId);
        const s = yield* ownedService(tx, providerId, serviceId);
        yield* markServiceDeleting(deps, tx, s);
      }),
    );
    yield* call(() => deps.serviceClient.closeService(serviceId));
  });

/** Provider deletion (providers.md §7): every service of the provider → `deleting`, one deletion job each. */
export const deleteServicesOfProvider = (deps: Deps, tx: Tx, providerId: string): Effect.Effect<void, DomainError> =>
  Effect.gen(function* () {
    const services = yield* call(() => tx.services.listByProvider(providerId, ['disabled', 'enabled']));
    for (const s of services) yield* markServiceDeleting(deps, tx, s);
  });
