import { Effect } from 'effect';
import { call, transact } from '../effect/transact.js';
import { fail, type DomainError } from '../errors/DomainError.js';
import type { ConversationEvent } from '../host/events.js';
import type { ConversationHost } from '../ports/ConversationHost.js';
import type { Deps } from '../platform.js';
import { removeBot } from './removeBot.js';

/** bots.md §3: a conversation admin removes a bot. undefined = nothing to do (204). */
export const removeBotByUser = (
  deps: Deps,
  host: ConversationHost,
  actor: string,
  convId: string,
  botId: string,
): Effect.Effect<ConversationEvent | undefined, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const user = yield* call(() => host.getUser(tx, actor));
      if (!user || user.deleted) return yield* Effect.fail(fail('invalid-user', 'Invalid user'));
      const conv = yield* call(() => host.getConversation(tx, actor, convId));
      if (!conv) return yield* Effect.fail(fail('not-found', 'Conversation not found'));
      const me = conv.members.find((m) => m.id === actor);
      if (!me || me.role !== 'wire_admin') return yield* Effect.fail(fail('access-denied', 'Access denied.'));
      if (conv.type !== 0) return yield* Effect.fail(fail('invalid-conversation', 'The operation is not allowed in this conversation.'));
      const member = conv.members.find((m) => m.id === botId && m.service);
      if (!member) return undefined;
      const bot = yield* call(() => tx.bots.get(botId));
      if (!bot || bot.state !== 'live' || bot.convId !== convId) return undefined;
      return yield* removeBot(host, tx, bot, actor, 'own-leave');
    }),
  );
