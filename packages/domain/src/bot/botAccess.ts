import { Effect } from 'effect';
import { call } from '../effect/transact.js';
import { fail, type DomainError } from '../errors/DomainError.js';
import type { ConversationHost, HostConversation } from '../ports/ConversationHost.js';
import type { BotRecord } from '../ports/store/BotRepo.js';
import type { Tx } from '../ports/store/Store.js';

export interface BotCredentials {
  readonly providerId: string;
  readonly botId: string;
  readonly convId: string;
}

/** Which row of the bots.md §6 table a route answers by. */
export type BotRouteKind = 'conversation' | 'self' | 'client' | 'other';

export interface LiveBot {
  readonly bot: BotRecord;
  readonly conv: HostConversation;
}

const neverExisted: Record<BotRouteKind, () => DomainError> = {
  conversation: () => fail('no-conversation', 'Conversation not found'),
  self: () => fail('not-found', 'User not found'),
  client: () => fail('client-not-found', 'Client not found'),
  other: () => fail('invalid-bot', 'The bot is not a member of its conversation.'),
};

const notMember: Record<BotRouteKind, () => DomainError> = {
  conversation: () => fail('no-conversation', 'Conversation not found'),
  self: () => fail('invalid-bot', 'The bot is not a member of its conversation.'),
  client: () => fail('invalid-bot', 'The bot is not a member of its conversation.'),
  other: () => fail('invalid-bot', 'The bot is not a member of its conversation.'),
};

/**
 * Every bot route starts here, before body or query validation: the bot must be live, the token's provider
 * and conversation must be the bot's, and the bot must still be a member of that conversation.
 */
export const resolveBot = (
  host: ConversationHost,
  tx: Tx,
  creds: BotCredentials,
  kind: BotRouteKind,
): Effect.Effect<LiveBot, DomainError> =>
  Effect.gen(function* () {
    const bot = yield* call(() => tx.bots.get(creds.botId));
    if (!bot) return yield* Effect.fail(neverExisted[kind]());
    if (bot.state !== 'live' || bot.providerId !== creds.providerId || bot.convId !== creds.convId)
      return yield* Effect.fail(notMember[kind]());
    const conv = yield* call(() => host.getConversation(tx, bot.id, bot.convId));
    if (!conv) return yield* Effect.fail(notMember[kind]());
    return { bot, conv };
  });
