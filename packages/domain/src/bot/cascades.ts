import { Effect } from 'effect';
import type { DomainError } from '../errors/DomainError.js';
import type { ConversationEvent } from '../host/events.js';
import type { ConversationHost } from '../ports/ConversationHost.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';

/**
 * The platform's side of host.md §8 "Events from the host": queues deliveries of `event` to `botRecipients`
 * and enforces the cascades (access-update without `service` removes the bots; conversation.delete removes
 * them silently after queuing the delete). Filled by the bots area.
 */
export const onConversationEvent = (
  _deps: Deps,
  _host: ConversationHost,
  _tx: Tx,
  _event: ConversationEvent,
  _botRecipients: readonly string[],
): Effect.Effect<void, DomainError> => Effect.void;

/** Service deletion job step: removes up to `limit` live bots of the service; returns how many it removed. */
export const removeBotsOfService = (
  _deps: Deps,
  _host: ConversationHost,
  _tx: Tx,
  _serviceId: string,
  _limit: number,
): Effect.Effect<number, DomainError> => Effect.succeed(0);

/** De-whitelisting cascade (services.md §7): every bot of the service in a conversation of team `teamId` leaves, from = actor. */
export const removeServiceBotsInTeam = (
  _deps: Deps,
  _host: ConversationHost,
  _tx: Tx,
  _serviceId: string,
  _teamId: string,
  _actorId: string,
): Effect.Effect<void, DomainError> => Effect.void;
