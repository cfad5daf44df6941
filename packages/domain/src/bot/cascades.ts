import { Effect } from 'effect';
import { call } from '../effect/transact.js';
import type { DomainError } from '../errors/DomainError.js';
import type { ConversationEvent } from '../host/events.js';
import type { ConversationHost } from '../ports/ConversationHost.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';
import { enqueueForBots } from './enqueue.js';
import { removeBot } from './removeBot.js';

const accessRoleOf = (event: ConversationEvent): readonly string[] | undefined => {
  const data = event.data as { access_role_v2?: unknown } | null;
  return Array.isArray(data?.access_role_v2) ? (data.access_role_v2 as string[]) : undefined;
};

/** Live bots of a conversation in join order (the host lists members in join order). */
const liveBotsOf = (host: ConversationHost, tx: Tx, convId: string) =>
  Effect.gen(function* () {
    const conv = yield* call(() => host.getConversationInternal(tx, convId));
    const bots = [];
    for (const m of conv?.members ?? []) {
      if (!m.service) continue;
      const bot = yield* call(() => tx.bots.get(m.id));
      if (bot && bot.state === 'live') bots.push(bot);
    }
    return bots;
  });

/**
 * The platform's side of host.md §8 "Events from the host": queues deliveries of `event` to `botRecipients`
 * and enforces the cascades — an access-update without `service` removes the conversation's bots (each gets the
 * access-update, then its own member-leave, `from` = the bot); a conversation.delete removes them silently.
 */
export const onConversationEvent = (
  deps: Deps,
  host: ConversationHost,
  tx: Tx,
  event: ConversationEvent,
  botRecipients: readonly string[],
): Effect.Effect<void, DomainError> =>
  Effect.gen(function* () {
    yield* enqueueForBots(deps, tx, botRecipients, event);
    if (event.type === 'conversation.access-update') {
      const roles = accessRoleOf(event);
      if (roles && !roles.includes('service')) {
        for (const bot of yield* liveBotsOf(host, tx, event.conversation)) yield* removeBot(host, tx, bot, bot.id, 'own-leave');
      }
    } else if (event.type === 'conversation.delete') {
      for (const botId of botRecipients) {
        const bot = yield* call(() => tx.bots.get(botId));
        if (bot) yield* removeBot(host, tx, bot, bot.id, 'silent');
      }
    }
  });

/** Service deletion job step: removes up to `limit` live bots of the service; returns how many it removed. */
export const removeBotsOfService = (
  _deps: Deps,
  host: ConversationHost,
  tx: Tx,
  serviceId: string,
  limit: number,
): Effect.Effect<number, DomainError> =>
  Effect.gen(function* () {
    const bots = yield* call(() => tx.bots.listLiveByService(serviceId, limit));
    for (const bot of bots) yield* removeBot(host, tx, bot, bot.id, 'no-final');
    return bots.length;
  });

/** De-whitelisting cascade (services.md §7): every bot of the service in a conversation of team `teamId` leaves, from = actor. */
export const removeServiceBotsInTeam = (
  _deps: Deps,
  host: ConversationHost,
  tx: Tx,
  serviceId: string,
  teamId: string,
  actorId: string,
): Effect.Effect<void, DomainError> =>
  Effect.gen(function* () {
    const bots = yield* call(() => tx.bots.listLiveByServiceInTeam(serviceId, teamId));
    // within a conversation, bots leave in join order (the conversation's member order), not creation time
    const convIds = [...new Set(bots.map((b) => b.convId))];
    for (const convId of convIds) {
      const conv = yield* call(() => host.getConversationInternal(tx, convId));
      const order = new Map((conv?.members ?? []).map((m, i) => [m.id, i] as const));
      const mine = bots.filter((b) => b.convId === convId).sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
      for (const bot of mine) yield* removeBot(host, tx, bot, actorId, 'own-leave');
    }
  });
