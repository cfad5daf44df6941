import {
  createService,
  deleteService,
  fail,
  getOwnService,
  listOwnServices,
  updateServiceConnection,
  updateServiceProfile,
} from '@spp/domain';
import { Effect } from 'effect';
import { uuidParam } from '../schemas/common.js';
import { connectionBody, newServiceBody, passwordBody, profileBody, tagsOf } from '../schemas/services.js';
import { route, type AppContext, type Auth, type RouteDef } from '../types.js';

const providerOf = (auth: Auth): string => {
  if (auth.kind !== 'provider') throw fail('access-denied', 'Access denied.');
  return auth.providerId;
};

/** services.md §5: a provider's own services. */
export const serviceRoutes = (ctx: AppContext): RouteDef[] => [
  route({
    method: 'POST',
    path: '/provider/services',
    body: newServiceBody,
    summary: 'Create a service (starts disabled)',
    handler: ({ body, auth }) => {
      const tags = tagsOf(body.tags);
      return Effect.map(
        createService(ctx.deps, providerOf(auth), {
          name: body.name,
          summary: body.summary,
          description: body.description,
          baseUrl: body.base_url,
          publicKey: body.public_key,
          ...(body.auth_token !== undefined ? { authToken: body.auth_token } : {}),
          assets: body.assets ?? [],
          tags,
          identityFingerprints: body.identity_fingerprints ?? [],
        }),
        (created) => ({
          status: 201,
          body: created.generatedAuthToken === undefined ? { id: created.id } : { id: created.id, auth_token: created.generatedAuthToken },
        }),
      );
    },
  }),
  route({
    method: 'POST',
    path: '/provider/assets',
    summary: 'Upload an asset (not provided in this phase)',
    handler: async () => {
      throw fail('not-implemented', 'Asset uploads are not implemented; asset keys are opaque references.');
    },
  }),
  route({
    method: 'GET',
    path: '/provider/services',
    summary: "List the provider's services",
    handler: ({ auth }) => Effect.map(listOwnServices(ctx.deps, providerOf(auth)), (list) => ({ status: 200, body: list })),
  }),
  route({
    method: 'GET',
    path: '/provider/services/:sid',
    summary: 'Get one of the provider’s services',
    handler: ({ params, auth }) =>
      Effect.map(getOwnService(ctx.deps, providerOf(auth), uuidParam(params.sid, 'sid')), (s) => ({ status: 200, body: s })),
  }),
  route({
    method: 'PUT',
    path: '/provider/services/:sid',
    body: profileBody,
    summary: 'Update a service profile (no password)',
    handler: ({ params, body, auth }) => {
      const sid = uuidParam(params.sid, 'sid');
      const tags = body.tags === undefined ? undefined : tagsOf(body.tags);
      return Effect.as(
        updateServiceProfile(ctx.deps, providerOf(auth), sid, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.summary !== undefined ? { summary: body.summary } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.assets !== undefined ? { assets: body.assets } : {}),
          ...(tags !== undefined ? { tags } : {}),
        }),
        { status: 200 },
      );
    },
  }),
  route({
    method: 'PUT',
    path: '/provider/services/:sid/connection',
    body: connectionBody,
    summary: 'Update base URL, keys, tokens, enabled flag (password required)',
    handler: ({ params, body, auth }) => {
      const sid = uuidParam(params.sid, 'sid');
      return Effect.as(
        updateServiceConnection(ctx.deps, providerOf(auth), sid, {
          password: body.password,
          ...(body.base_url !== undefined ? { baseUrl: body.base_url } : {}),
          ...(body.public_keys !== undefined ? { publicKeys: body.public_keys } : {}),
          ...(body.auth_tokens !== undefined ? { authTokens: body.auth_tokens } : {}),
          ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
          ...(body.identity_fingerprints !== undefined ? { identityFingerprints: body.identity_fingerprints } : {}),
        }),
        { status: 200 },
      );
    },
  }),
  route({
    method: 'DELETE',
    path: '/provider/services/:sid',
    body: passwordBody,
    summary: 'Delete a service (password required); bots are removed by a durable job',
    handler: ({ params, body, auth }) =>
      Effect.as(deleteService(ctx.deps, providerOf(auth), uuidParam(params.sid, 'sid'), body.password), { status: 202 }),
  }),
];
