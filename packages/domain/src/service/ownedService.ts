import { Effect } from 'effect';
import { call } from '../effect/transact.js';
import { notFound, type DomainError } from '../errors/DomainError.js';
import type { Tx } from '../ports/store/Store.js';
import type { ServiceRecord } from './model.js';

/** A service of `providerId` that is not being deleted; anything else is 404 "Service not found." */
export const ownedService = (tx: Tx, providerId: string, serviceId: string): Effect.Effect<ServiceRecord, DomainError> =>
  Effect.flatMap(call(() => tx.services.get(serviceId)), (s) =>
    s && s.providerId === providerId && s.state !== 'deleting' ? Effect.succeed(s) : Effect.fail(notFound('Service not found.')),
  );
