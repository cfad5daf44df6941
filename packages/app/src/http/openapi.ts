import { z } from 'zod';
import type { RouteDef } from './types.js';

/** OpenAPI 3.1 document built from the same schemas that validate requests. */
export const openApiDocument = (routes: readonly RouteDef[]) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const op: Record<string, unknown> = { summary: r.summary ?? `${r.method} ${r.path}`, responses: { default: { description: 'See the spec' } } };
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (params.length) op.parameters = params;
    if (r.body) {
      let schema: unknown = {};
      try {
        schema = z.toJSONSchema(r.body as z.ZodType, { unrepresentable: 'any', io: 'input' });
      } catch {
        schema = {};
      }
      op.requestBody = { required: true, content: { 'application/json': { schema } } };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return { openapi: '3.1.0', info: { title: 'Service Provider Platform', version: '0.1.0' }, paths };
};
