import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { BuiltinHost, call, DeliveryEngine, onConversationEvent, type ConversationHost, type Deps } from '@spp/domain';
import type { Metrics } from '../metrics.js';

/** The built-in messaging host, handing every conversation event to the platform's delivery and cascades. */
export const createBuiltinHost = (deps: Deps): ConversationHost => {
  const host: BuiltinHost = new BuiltinHost(deps, (tx, event, bots) => onConversationEvent(deps, host, tx, event, bots), {
    // a deleted team's whitelist goes with it, in the same transaction
    onTeamDeleted: (tx, teamId) => call(() => tx.services.deleteWhitelistOfTeam(teamId)),
  });
  return host;
};

/** Delivery engine of this instance; its lease owner name is unique per process. */
export const createDeliveryEngine = (deps: Deps, host: ConversationHost, metrics: Metrics): DeliveryEngine =>
  new DeliveryEngine(deps, host, {
    owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    observer: {
      item: (outcome, _serviceId, seconds) => {
        metrics.deliveries.inc({ outcome });
        if (seconds !== undefined) metrics.deliveryDuration.observe(seconds);
      },
      breaker: (serviceId, open) => metrics.breakerOpen.set({ service: serviceId }, open ? 1 : 0),
    },
  });
