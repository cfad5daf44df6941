/** bots.md: members (users and bots) per conversation */
export const MAX_CONV_SIZE = 500;
/** external-service-api.md §3: pending items per bot; a further event is dropped */
export const MAX_PENDING_PER_BOT = 1000;
/** an item older than this when its turn comes is dropped */
export const MAX_ITEM_AGE_MS = 60 * 60 * 1000;
/** at most this many requests in flight per service */
export const MAX_IN_FLIGHT_PER_SERVICE = 16;
