import { Effect } from 'effect';
import { DomainError, fail } from '../errors/DomainError.js';
import type { ConversationHost, HostConversation } from '../ports/ConversationHost.js';
import type { BotRecord } from '../ports/store/BotRepo.js';
import type { Store, Tx } from '../ports/store/Store.js';

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
 * and conversation must be the bot's, and the bot must still be a member of that conversation. Plain async (the
 * failure is returned, not thrown): the bot API's hottest routes need nothing else, and run it as one store read.
 */
export const resolveBot = async (
  host: ConversationHost,
  tx: Tx,
  creds: BotCredentials,
  kind: BotRouteKind,
): Promise<LiveBot | DomainError> => {
  const bot = await tx.bots.get(creds.botId);
  if (!bot) return neverExisted[kind]();
  if (bot.state !== 'live' || bot.providerId !== creds.providerId || bot.convId !== creds.convId) return notMember[kind]();
  const conv = await host.getConversation(tx, bot.id, bot.convId);
  if (!conv) return notMember[kind]();
  return { bot, conv };
};

const orFail = <A>(r: A | DomainError): Effect.Effect<A, DomainError> => (r instanceof DomainError ? Effect.fail(r) : Effect.succeed(r));

/** The live bot of `creds` as one store read, for routes that need nothing more. */
export const liveBot = (store: Store, host: ConversationHost, creds: BotCredentials, kind: BotRouteKind): Effect.Effect<LiveBot, DomainError> =>
  Effect.flatMap(
    Effect.promise(() => store.read((tx) => resolveBot(host, tx, creds, kind))),
    orFail,
  );

/** The live bot inside a transaction the caller runs. */
export const resolveBotIn = (host: ConversationHost, tx: Tx, creds: BotCredentials, kind: BotRouteKind): Effect.Effect<LiveBot, DomainError> =>
  Effect.flatMap(
    Effect.promise(() => resolveBot(host, tx, creds, kind)),
    orFail,
  );
