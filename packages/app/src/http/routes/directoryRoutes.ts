import {
  SERVICE_TAGS,
  fail,
  getProviderProfile,
  listProviderProfiles,
  listWhitelisted,
  searchDirectory,
  updateWhitelist,
} from '@spp/domain';
import { Effect } from 'effect';
import { z } from 'zod';
import { uuid, uuidParam } from '../schemas/common.js';
import { directoryQuery, whitelistQuery } from '../schemas/services.js';
import { parseWith } from '../validation.js';
import { route, type AppContext, type Auth, type RouteDef } from '../types.js';

const userOf = (auth: Auth): string => {
  if (auth.kind !== 'user') throw fail('access-denied', 'Access denied.');
  return auth.userId;
};

const whitelistBody = z.object({ provider: uuid, id: uuid, whitelisted: z.boolean() });

/** services.md §6–§7: the directory, providers' public service lists and team whitelists (user token). */
export const directoryRoutes = (ctx: AppContext): RouteDef[] => [
  route({
    method: 'GET',
    path: '/services',
    summary: 'Search the directory by tags and/or name prefix',
    handler: ({ query }) => {
      const q = parseWith(directoryQuery, query);
      return Effect.map(
        searchDirectory(ctx.deps, {
          size: q.size,
          ...(q.tags !== undefined ? { tags: q.tags } : {}),
          ...(q.start !== undefined ? { start: q.start } : {}),
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        }),
        (page) => ({ status: 200, body: page }),
      );
    },
  }),
  route({
    method: 'GET',
    path: '/services/tags',
    summary: 'The 31 service tags',
    handler: async () => ({ status: 200, body: [...SERVICE_TAGS] }),
  }),
  route({
    method: 'GET',
    path: '/providers/:pid/services',
    summary: "A provider's public service list (disabled services included)",
    handler: ({ params }) =>
      Effect.map(listProviderProfiles(ctx.deps, uuidParam(params.pid, 'pid')), (list) => ({ status: 200, body: list })),
  }),
  route({
    method: 'GET',
    path: '/providers/:pid/services/:sid',
    summary: 'A public service profile',
    handler: ({ params }) =>
      Effect.map(getProviderProfile(ctx.deps, uuidParam(params.pid, 'pid'), uuidParam(params.sid, 'sid')), (s) => ({
        status: 200,
        body: s,
      })),
  }),
  route({
    method: 'GET',
    path: '/teams/:tid/services/whitelisted',
    summary: "Search a team's whitelisted services",
    handler: ({ params, query, auth }) => {
      const user = userOf(auth);
      const tid = uuidParam(params.tid, 'tid');
      const q = parseWith(whitelistQuery, query);
      return Effect.map(
        listWhitelisted(ctx.deps, ctx.host, user, tid, {
          filterDisabled: q.filter_disabled,
          size: q.size,
          ...(q.prefix !== undefined ? { prefix: q.prefix } : {}),
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        }),
        (page) => ({ status: 200, body: page }),
      );
    },
  }),
  route({
    method: 'POST',
    path: '/teams/:tid/services/whitelist',
    body: whitelistBody,
    summary: 'Whitelist or de-whitelist a service for a team (owner/admin)',
    handler: ({ params, body, auth }) =>
      Effect.map(
        updateWhitelist(ctx.deps, ctx.host, userOf(auth), uuidParam(params.tid, 'tid'), {
          providerId: body.provider,
          serviceId: body.id,
          whitelisted: body.whitelisted,
        }),
        (changed) => ({ status: changed ? 200 : 204 }),
      ),
  }),
];
