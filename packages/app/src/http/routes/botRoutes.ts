import { addBot, fail, removeBotByUser } from '@spp/domain';
import { Effect } from 'effect';
import { z } from 'zod';
import { uuid, uuidParam } from '../schemas/common.js';
import { route, type AppContext, type Auth, type RouteDef } from '../types.js';

const addBotBody = z.object({
  provider: uuid,
  service: uuid,
  locale: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be ll or ll-CC')
    .optional(),
});

const userOf = (auth: Auth): string => {
  if (auth.kind !== 'user') throw fail('access-denied', 'Access denied.');
  return auth.userId;
};

/** bots.md §2–§3: users add and remove bots; both path generations exist on every version. */
export const botRoutes = (ctx: AppContext): RouteDef[] => {
  const add = (path: string) =>
    route({
      method: 'POST',
      path,
      body: addBotBody,
      summary: 'Add a service to a conversation as a bot',
      handler: ({ params, body, auth }) => {
        const convId = uuidParam(params.cnv, 'cnv');
        return addBot(ctx.deps, ctx.host, {
          actor: userOf(auth),
          convId,
          providerId: body.provider,
          serviceId: body.service,
          ...(body.locale ? { locale: body.locale } : {}),
        }).pipe(
          Effect.tap(() => Effect.sync(() => ctx.metrics.botCreations.inc({ outcome: 'created' }))),
          Effect.tapError((e) => Effect.sync(() => ctx.metrics.botCreations.inc({ outcome: e.label }))),
          Effect.map((bot) => ({ status: 201, body: bot })),
        );
      },
    });
  const remove = (path: string) =>
    route({
      method: 'DELETE',
      path,
      summary: 'Remove a bot from a conversation',
      handler: ({ params, auth }) =>
        Effect.map(
          removeBotByUser(ctx.deps, ctx.host, userOf(auth), uuidParam(params.cnv, 'cnv'), uuidParam(params.bot, 'bot')),
          (event) => (event ? { status: 200, body: { event } } : { status: 204 }),
        ),
    });
  return [
    add('/conversations/:cnv/bots'),
    add('/bot/conversations/:cnv'),
    remove('/conversations/:cnv/bots/:bot'),
    remove('/bot/conversations/:cnv/:bot'),
  ];
};
