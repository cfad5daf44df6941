import { Effect } from 'effect';
import { call } from '../effect/transact.js';
import type { Tx } from '../ports/store/Store.js';
import { freshHealth, type ServiceHealth } from './health.js';

export const loadHealth = (tx: Tx, serviceId: string): Effect.Effect<ServiceHealth> =>
  Effect.map(call(() => tx.services.getHealth(serviceId)), (h) => h ?? freshHealth());

export const saveHealth = (tx: Tx, serviceId: string, h: ServiceHealth): Effect.Effect<void> => call(() => tx.services.putHealth(serviceId, h));

/** Applies `f` to the stored health of a service inside the caller's transaction. */
export const updateHealth = (tx: Tx, serviceId: string, f: (h: ServiceHealth) => ServiceHealth): Effect.Effect<ServiceHealth> =>
  Effect.flatMap(loadHealth(tx, serviceId), (h) => {
    const next = f(h);
    return Effect.as(saveHealth(tx, serviceId, next), next);
  });
