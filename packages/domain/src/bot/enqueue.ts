import { Effect } from 'effect';
import { call } from '../effect/transact.js';
import type { ConversationEvent } from '../host/events.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';
import { updateHealth } from './healthStore.js';
import { MAX_PENDING_PER_BOT } from './limits.js';

/**
 * Queues one event for one bot in the caller's transaction (same commit as the change that produced it).
 * Items for a service that is not enabled, or beyond the per-bot limit, are dropped and counted.
 */
export const enqueueForBot = (deps: Deps, tx: Tx, botId: string, event: ConversationEvent): Effect.Effect<void> =>
  Effect.gen(function* () {
    const bot = yield* call(() => tx.bots.get(botId));
    if (!bot || bot.state !== 'live') return;
    const state = yield* call(() => tx.services.stateOf(bot.serviceId));
    const queued =
      state === 'enabled' &&
      (yield* call(() =>
        tx.deliveries.enqueue(
          {
            botId,
            serviceId: bot.serviceId,
            deliveryId: deps.random.uuidV4(),
            payload: JSON.stringify(event),
            createdAt: deps.clock.now(),
          },
          MAX_PENDING_PER_BOT,
        ),
      ));
    if (!queued) yield* updateHealth(tx, bot.serviceId, (h) => ({ ...h, dropped: h.dropped + 1 }));
  });
