import { z } from 'zod';
import { route, type AppContext, type RouteDef } from '../types.js';
import { openApiDocument } from '../openapi.js';

/** Operational and discovery routes: status, metrics, api version, the OpenAPI document. */
export const metaRoutes = (ctx: AppContext, all: () => readonly RouteDef[]): RouteDef[] => [
  route({
    method: 'GET',
    path: '/api-version',
    summary: 'Supported API versions',
    handler: async () => ({
      status: 200,
      body: { supported: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], development: [], domain: ctx.config.domain, federation: false },
    }),
  }),
  route({
    method: 'GET',
    path: '/api-docs/openapi.json',
    summary: 'This document',
    handler: async () => ({ status: 200, body: openApiDocument(all()) }),
  }),
  route({
    method: 'GET',
    path: '/i/status',
    summary: 'Liveness and database reachability',
    handler: async () =>
      (await ctx.deps.store.ping()) ? { status: 200, body: { status: 'ok' } } : { status: 503, body: { status: 'unavailable' } },
  }),
  route({
    method: 'GET',
    path: '/i/metrics',
    summary: 'Prometheus metrics',
    handler: async () => ({ status: 200, body: new RawText(await ctx.metrics.registry.metrics(), ctx.metrics.registry.contentType) }),
  }),
];

/** A non-JSON body (only /i/metrics uses it). */
export class RawText {
  constructor(
    readonly text: string,
    readonly contentType: string,
  ) {}
}
void z;
