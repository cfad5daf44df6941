import { Effect } from 'effect';
import type { ConversationEvent } from '../host/events.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';
import { updateHealth } from './healthStore.js';
import { MAX_PENDING_PER_BOT } from './limits.js';

/**
 * Queues one event for one bot in the caller's transaction (same commit as the change that produced it).
 * Items for a service that is not enabled, or beyond the per-bot limit, are dropped and counted.
 */
const enqueueOne = async (deps: Deps, tx: Tx, botId: string, payload: string): Promise<void> => {
  const bot = await tx.bots.get(botId);
  if (!bot || bot.state !== 'live') return;
  const queued =
    (await tx.services.stateOf(bot.serviceId)) === 'enabled' &&
    (await tx.deliveries.enqueue(
      { botId, serviceId: bot.serviceId, deliveryId: deps.random.uuidV4(), payload, createdAt: deps.clock.now() },
      MAX_PENDING_PER_BOT,
    ));
  if (!queued) await Effect.runPromise(updateHealth(tx, bot.serviceId, (h) => ({ ...h, dropped: h.dropped + 1 })));
};

/**
 * Queues `event` for each of `botIds`. Plain async inside one Effect: a message to a conversation with many bots
 * queues an item per bot, and an Effect step per statement was a measurable share of the fan-out benchmark.
 */
export const enqueueForBots = (deps: Deps, tx: Tx, botIds: readonly string[], event: ConversationEvent): Effect.Effect<void> =>
  Effect.promise(async () => {
    if (botIds.length === 0) return;
    const payload = JSON.stringify(event);
    for (const botId of botIds) await enqueueOne(deps, tx, botId, payload);
  });
