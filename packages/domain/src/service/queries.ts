import { Effect } from 'effect';
import { call, readOnly } from '../effect/transact.js';
import { notFound, type DomainError } from '../errors/DomainError.js';
import type { Deps } from '../platform.js';
import { ownedService } from './ownedService.js';
import { liveProvider } from './providerGate.js';
import { serviceProfileView, serviceView, type ServiceProfile } from './views.js';

/** `GET /provider/services`: every non-deleting service of the caller, sorted by (lowercased name, id). */
export const listOwnServices = (deps: Deps, providerId: string) =>
  readOnly(deps.store, (tx) =>
    Effect.gen(function* () {
      yield* liveProvider(tx, providerId);
      const services = yield* call(() => tx.services.listByProvider(providerId, ['disabled', 'enabled']));
      return yield* Effect.forEach(services, (s) => Effect.map(call(() => tx.services.getHealth(s.id)), (h) => serviceView(s, h)));
    }),
  );

/** `GET /provider/services/{sid}` */
export const getOwnService = (deps: Deps, providerId: string, serviceId: string) =>
  readOnly(deps.store, (tx) =>
    Effect.gen(function* () {
      const s = yield* ownedService(tx, providerId, serviceId);
      return serviceView(s, yield* call(() => tx.services.getHealth(s.id)));
    }),
  );

/** `GET /providers/{pid}/services`: the public list, disabled services included; unknown provider → []. */
export const listProviderProfiles = (deps: Deps, providerId: string): Effect.Effect<ServiceProfile[], DomainError> =>
  readOnly(deps.store, (tx) =>
    Effect.map(call(() => tx.services.listByProvider(providerId, ['disabled', 'enabled'])), (list) => list.map(serviceProfileView)),
  );

/** `GET /providers/{pid}/services/{sid}` (also when disabled) */
export const getProviderProfile = (deps: Deps, providerId: string, serviceId: string): Effect.Effect<ServiceProfile, DomainError> =>
  readOnly(deps.store, (tx) =>
    Effect.flatMap(call(() => tx.services.get(serviceId)), (s) =>
      s && s.providerId === providerId && s.state !== 'deleting'
        ? Effect.succeed(serviceProfileView(s))
        : Effect.fail(notFound('Service not found.')),
    ),
  );
