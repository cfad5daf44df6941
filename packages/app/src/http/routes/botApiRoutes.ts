import {
  botAddPrekeys,
  botClaimPrekeys,
  botClient,
  botConversation,
  botDeleteSelf,
  botPostMessage,
  botPrekeyIds,
  botSelf,
  botUserClients,
  botUsers,
  checkBot,
  fail,
  MAX_CONV_SIZE,
  normaliseUuid,
  parseMissingStrategy,
  type BotCredentials,
  type BotRouteKind,
} from '@spp/domain';
import { Effect } from 'effect';
import { z } from 'zod';
import { clientId, newOtrMessage, prekey, uuid } from '../schemas/common.js';
import { route, type AppContext, type Auth, type RouteContext, type RouteDef } from '../types.js';

const credsOf = (auth: Auth): BotCredentials => {
  if (auth.kind !== 'bot') throw fail('access-denied', 'Access denied.');
  return { providerId: auth.providerId, botId: auth.botId, convId: auth.convId };
};

const ok = (body: unknown) => ({ status: 200, body });

const uploadBody = z.object({
  prekeys: z
    .array(prekey)
    .min(1)
    .max(1000)
    .refine((ps) => new Set(ps.map((p) => p.id)).size === ps.length, 'prekey ids must be distinct'),
});

const claimBody = z.record(uuid, z.array(clientId));

const idsOf = (q: RouteContext['query']): string[] => {
  const raw = q.ids;
  const parts = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => v.split(','));
  if (parts.length < 1 || parts.length > MAX_CONV_SIZE) throw fail('bad-request', `ids: expected 1..${MAX_CONV_SIZE} user ids`);
  return parts.map((p) => {
    const id = normaliseUuid(p.trim());
    if (!id) throw fail('bad-request', 'ids: must be comma-separated UUIDs');
    return id;
  });
};

/** bots.md §6: the inbound API a service calls with a bot token. */
export const botApiRoutes = (ctx: AppContext): RouteDef[] => {
  const { deps, host } = ctx;
  const guard = (kind: BotRouteKind) => (c: RouteContext<undefined>) => checkBot(deps, host, credsOf(c.auth), kind);
  const notImplemented = (method: 'GET' | 'POST' | 'DELETE', path: string) =>
    route({
      method,
      path,
      summary: 'Bot assets (not provided in this phase)',
      handler: ({ auth }) =>
        Effect.flatMap(checkBot(deps, host, credsOf(auth), 'other'), () =>
          Effect.fail(fail('not-implemented', 'Assets are not provided in this phase.')),
        ),
    });
  return [
    route({ method: 'GET', path: '/bot/self', summary: "The bot's user profile", handler: ({ auth }) => Effect.map(botSelf(deps, host, credsOf(auth)), ok) }),
    route({
      method: 'DELETE',
      path: '/bot/self',
      summary: 'The bot leaves its conversation',
      handler: ({ auth }) => Effect.as(botDeleteSelf(deps, host, credsOf(auth)), { status: 200 }),
    }),
    route({ method: 'GET', path: '/bot/client', summary: "The bot's client", handler: ({ auth }) => Effect.map(botClient(deps, host, credsOf(auth)), ok) }),
    route({
      method: 'GET',
      path: '/bot/client/prekeys',
      summary: 'Ids of unclaimed prekeys',
      handler: ({ auth }) => Effect.map(botPrekeyIds(deps, host, credsOf(auth)), ok),
    }),
    route({
      method: 'POST',
      path: '/bot/client/prekeys',
      body: uploadBody,
      guard: guard('other'),
      summary: 'Upload prekeys',
      handler: ({ auth, body }) => Effect.as(botAddPrekeys(deps, host, credsOf(auth), body.prekeys), { status: 200 }),
    }),
    route({
      method: 'POST',
      path: '/bot/users/prekeys',
      body: claimBody,
      guard: guard('other'),
      summary: 'Claim prekeys of conversation members',
      handler: ({ auth, body }) => Effect.map(botClaimPrekeys(deps, host, credsOf(auth), body), ok),
    }),
    route({
      method: 'GET',
      path: '/bot/users',
      guard: guard('other'),
      summary: 'Profiles of conversation members',
      handler: ({ auth, query }) => Effect.map(botUsers(deps, host, credsOf(auth), idsOf(query)), ok),
    }),
    route({
      method: 'GET',
      path: '/bot/users/:uid/clients',
      guard: guard('other'),
      summary: "Clients of a conversation member",
      handler: ({ auth, params }) => {
        const uid = normaliseUuid(params.uid ?? '');
        if (!uid) throw fail('bad-request', 'uid: must be a UUID');
        return Effect.map(botUserClients(deps, host, credsOf(auth), uid), ok);
      },
    }),
    route({
      method: 'GET',
      path: '/bot/conversation',
      summary: "The bot's conversation",
      handler: ({ auth }) => Effect.map(botConversation(deps, host, credsOf(auth)), ok),
    }),
    route({
      method: 'POST',
      path: '/bot/messages',
      body: newOtrMessage,
      guard: guard('conversation'),
      summary: 'Send an OTR message to the conversation',
      handler: ({ auth, body, query }) => {
        const message = {
          sender: body.sender,
          recipients: body.recipients,
          transient: body.transient ?? false,
          ...(body.data !== undefined ? { data: body.data } : {}),
        };
        return parseMissingStrategy(body.report_missing, query.ignore_missing, query.report_missing).pipe(
          Effect.flatMap((strategy) => botPostMessage(deps, host, credsOf(auth), message, strategy)),
          Effect.map((r) => ({ status: r.status, body: r.mismatch })),
        );
      },
    }),
    notImplemented('GET', '/bot/assets'),
    notImplemented('POST', '/bot/assets'),
    notImplemented('DELETE', '/bot/assets'),
    notImplemented('GET', '/bot/assets/*rest'),
    notImplemented('POST', '/bot/assets/*rest'),
    notImplemented('DELETE', '/bot/assets/*rest'),
  ];
};
