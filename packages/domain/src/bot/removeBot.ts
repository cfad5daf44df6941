import { Effect } from 'effect';
import { call } from '../effect/transact.js';
import type { DomainError } from '../errors/DomainError.js';
import type { ConversationEvent } from '../host/events.js';
import type { ConversationHost } from '../ports/ConversationHost.js';
import type { BotRecord } from '../ports/store/BotRepo.js';
import type { Tx } from '../ports/store/Store.js';

/**
 * How a removal treats the removed bot (bots.md §4 table):
 * - `own-leave`: it receives its own member-leave as its final event (user removes it, DELETE /bot/self, de-whitelisting,
 *   access change);
 * - `no-final`: no final event (service or provider deleted): it is marked removed before the leave is emitted;
 * - `orphan`: 410 — no final event and its queued items are discarded;
 * - `silent`: conversation deleted — no member-leave at all (the conversation.delete was its last event).
 */
export type RemovalMode = 'own-leave' | 'no-final' | 'orphan' | 'silent';

/**
 * Removes one bot in the caller's transaction: membership, bot record (tombstone), bot user marked deleted,
 * client and prekeys gone; the token stops working because every bot route checks the record.
 * Returns the member-leave event, when one was emitted.
 */
export const removeBot = (
  host: ConversationHost,
  tx: Tx,
  bot: BotRecord,
  actor: string,
  mode: RemovalMode,
): Effect.Effect<ConversationEvent | undefined, DomainError> =>
  Effect.gen(function* () {
    if (bot.state !== 'live') return undefined;
    // the event sink only queues for live bots: marking first keeps the final member-leave from the removed bot
    if (mode !== 'own-leave') yield* call(() => tx.bots.markRemoved(bot.id));
    if (mode === 'orphan') yield* call(() => tx.deliveries.discardAll(bot.id));
    const event = yield* call(() => host.removeMember(tx, actor, bot.convId, bot.id, 'removed', mode !== 'silent'));
    if (mode === 'own-leave') yield* call(() => tx.bots.markRemoved(bot.id));
    yield* call(() => host.deleteBotUser(tx, bot.id));
    return event;
  });
