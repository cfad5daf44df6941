import {
  BuiltinHost,
  CLIENT_CLASSES,
  LAST_RESORT_PREKEY_ID,
  MAX_USER_LOOKUP,
  addUserClient,
  badRequest,
  claimUserPrekey,
  deleteUserClient,
  getSelfUser,
  getUserProfile,
  getUserProfiles,
  isClientId,
  listPublicClients,
  listUserClients,
  loginUser,
  registerUser,
  setUserHandle,
} from '@spp/domain';
import { Effect } from 'effect';
import { z } from 'zod';
import { uuidParam } from '../schemas/common.js';
import { route, type AppContext, type Auth, type RouteContext, type RouteDef } from '../types.js';

/** The calling user (the path family guarantees a user token). */
export const userOf = (auth: Auth): string => {
  if (auth.kind !== 'user') throw badRequest('A user token is required.');
  return auth.userId;
};

/** A path parameter that must be a client id; 400 otherwise. */
export const clientParam = (value: string | undefined, name = 'client'): string => {
  if (value === undefined || !isClientId(value)) throw badRequest(`${name}: must be a client id (1..16 lowercase hex digits, no leading zeros)`);
  return value;
};

/** One query value; a repeated parameter → 400. */
export const singleQuery = (ctx: RouteContext<unknown>, name: string): string | undefined => {
  const v = ctx.query[name];
  if (Array.isArray(v)) throw badRequest(`${name}: must be given once`);
  return v as string | undefined;
};

const int32 = z.number().int().min(-2147483648).max(2147483647);
const prekeyAny = z.object({ id: z.number().int().min(0).max(LAST_RESORT_PREKEY_ID), key: z.string().max(10_000) });

const registerBody = z.object({
  name: z.string(),
  email: z.string(),
  password: z.string(),
  locale: z.string().optional(),
  accent_id: int32.optional(),
});
const loginBody = z.object({ email: z.string(), password: z.string() });
const handleBody = z.object({ handle: z.string() });
const newClientBody = z
  .object({
    type: z.enum(['permanent', 'temporary']),
    class: z.enum(CLIENT_CLASSES).nullish(),
    label: z.string().max(1024).nullish(),
    prekeys: z.array(prekeyAny).max(1000),
    lastkey: prekeyAny.optional(),
    last_prekey: prekeyAny.optional(),
  })
  .refine((b) => (b.lastkey === undefined) !== (b.last_prekey === undefined), {
    message: 'exactly one of lastkey and last_prekey is required',
    path: ['lastkey'],
  });

/** `ids=a,b` (or repeated `ids=a&ids=b`): 1..500 UUIDs */
const idList = (raw: string | string[] | undefined): string[] => {
  const parts = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((s) => s.split(','));
  if (parts.length < 1 || parts.length > MAX_USER_LOOKUP) throw badRequest(`ids: must list 1..${MAX_USER_LOOKUP} user ids`);
  return parts.map((p) => uuidParam(p.trim(), 'ids'));
};

/** host.md §1 (users and login) and §2 (clients and prekeys) of the built-in host. */
export const userRoutes = (ctx: AppContext): RouteDef[] => {
  // an embedder's own messenger replaces the built-in host's routes
  if (!(ctx.host instanceof BuiltinHost)) return [];
  const { deps } = ctx;
  return [
    route({
      method: 'POST',
      path: '/register',
      body: registerBody,
      summary: 'Register a user (built-in host)',
      handler: (c) =>
        Effect.map(
          registerUser(
            deps,
            {
              name: c.body.name,
              email: c.body.email,
              password: c.body.password,
              ...(c.body.locale !== undefined ? { locale: c.body.locale } : {}),
              ...(c.body.accent_id !== undefined ? { accentId: c.body.accent_id } : {}),
            },
            c.ip,
          ),
          (user) => ({ status: 201, body: user }),
        ),
    }),
    route({
      method: 'POST',
      path: '/login',
      body: loginBody,
      summary: 'Log in a user',
      handler: (c) => Effect.map(loginUser(deps, c.body), (body) => ({ status: 200, body })),
    }),
    route({
      method: 'GET',
      path: '/self',
      summary: 'The calling user',
      handler: (c) => Effect.map(getSelfUser(deps, userOf(c.auth)), (body) => ({ status: 200, body })),
    }),
    route({
      method: 'PUT',
      path: '/self/handle',
      body: handleBody,
      summary: 'Set the handle',
      handler: (c) => Effect.as(setUserHandle(deps, userOf(c.auth), c.body.handle), { status: 200 }),
    }),
    route({
      method: 'GET',
      path: '/users',
      summary: 'Look up users by id',
      handler: (c) => Effect.map(getUserProfiles(deps, idList(c.query.ids)), (body) => ({ status: 200, body })),
    }),
    route({
      method: 'GET',
      path: '/users/:uid/clients',
      summary: "A user's clients",
      handler: (c) => Effect.map(listPublicClients(deps, uuidParam(c.params.uid, 'uid')), (body) => ({ status: 200, body })),
    }),
    route({
      method: 'GET',
      path: '/users/:domain/:uid/clients',
      summary: "A user's clients (qualified)",
      handler: (c) => Effect.map(listPublicClients(deps, uuidParam(c.params.uid, 'uid'), c.params.domain), (body) => ({ status: 200, body })),
    }),
    route({
      method: 'GET',
      path: '/users/:uid/prekeys/:client',
      summary: 'Claim a prekey of a client',
      handler: (c) =>
        Effect.map(claimUserPrekey(deps, uuidParam(c.params.uid, 'uid'), clientParam(c.params.client)), (body) => ({ status: 200, body })),
    }),
    route({
      method: 'GET',
      path: '/users/:domain/:uid/prekeys/:client',
      summary: 'Claim a prekey of a client (qualified)',
      handler: (c) =>
        Effect.map(claimUserPrekey(deps, uuidParam(c.params.uid, 'uid'), clientParam(c.params.client), c.params.domain), (body) => ({
          status: 200,
          body,
        })),
    }),
    route({
      method: 'GET',
      path: '/users/:uid',
      summary: 'A user profile',
      handler: (c) => Effect.map(getUserProfile(deps, uuidParam(c.params.uid, 'uid')), (body) => ({ status: 200, body })),
    }),
    route({
      method: 'GET',
      path: '/users/:domain/:uid',
      summary: 'A user profile (qualified)',
      handler: (c) => Effect.map(getUserProfile(deps, uuidParam(c.params.uid, 'uid'), c.params.domain), (body) => ({ status: 200, body })),
    }),
    route({
      method: 'POST',
      path: '/clients',
      body: newClientBody,
      summary: 'Register a client with its prekeys',
      handler: (c) => {
        const b = c.body;
        return Effect.map(
          addUserClient(deps, userOf(c.auth), {
            type: b.type,
            ...(b.class ? { class: b.class } : {}),
            ...(typeof b.label === 'string' ? { label: b.label } : {}),
            prekeys: b.prekeys,
            lastPrekey: (b.lastkey ?? b.last_prekey)!,
          }),
          (client) => ({ status: 201, body: client }),
        );
      },
    }),
    route({
      method: 'GET',
      path: '/clients',
      summary: 'Own clients',
      handler: (c) => Effect.map(listUserClients(deps, userOf(c.auth)), (body) => ({ status: 200, body })),
    }),
    route({
      method: 'DELETE',
      path: '/clients/:client',
      summary: 'Delete an own client and its prekeys',
      handler: (c) => Effect.as(deleteUserClient(deps, userOf(c.auth), clientParam(c.params.client)), { status: 200 }),
    }),
  ];
};
