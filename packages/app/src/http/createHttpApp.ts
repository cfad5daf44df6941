import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { CSRF_REFUSAL, csrfRefused } from './csrf.js';
import { createDispatcher } from './dispatch.js';
import { allRoutes } from './routes/index.js';
import type { AppContext } from './types.js';

/** Hook for areas that serve more than JSON routes (the portal's pages and assets). */
export type ExpressExtension = (app: Express, ctx: AppContext) => void;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cache-Control', 'no-store'],
];

/**
 * Requests to the JSON API's own paths go straight to one dispatcher that applies the spec's order of checks;
 * Express serves everything else (the portal, an embedder's extensions) and hands what none of them serves to the
 * same dispatcher, which answers 404. Bypassing Express's router for the API saves it a pass over every portal
 * layer per request (measured in the bot API benchmark). No CORS headers are ever sent.
 */
export const createHttpApp = (ctx: AppContext, extensions: readonly ExpressExtension[] = []): RequestListener => {
  const dispatch = createDispatcher(ctx, allRoutes(ctx));
  const refuseCsrf = (req: IncomingMessage, res: ServerResponse) => {
    ctx.logger.warn({ method: req.method, path: (req.url ?? '/').split('?')[0] }, 'CSRF check refused a cookie-authenticated request');
    req.resume();
    const body = JSON.stringify(CSRF_REFUSAL);
    res.statusCode = 403;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  };
  const api = (req: IncomingMessage, res: ServerResponse) => {
    if (csrfRefused(req)) return refuseCsrf(req, res);
    void dispatch(req, res);
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  for (const extend of extensions) extend(app, ctx);
  app.use((req, res) => api(req, res));
  // errors raised by Express itself (a malformed %-escape in a portal path): the JSON error body, never a stack trace
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = typeof (err as { status?: unknown })?.status === 'number' && (err as { status: number }).status < 500 ? 400 : 500;
    if (status === 500) ctx.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'unexpected fault');
    const body =
      status === 400
        ? { code: 400, label: 'bad-request', message: 'Malformed request.' }
        : { code: 500, label: 'internal-error', message: 'Internal error.' };
    res.status(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
  });

  return (req, res) => {
    for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
    if (dispatch.owns(req.url)) api(req, res);
    else app(req, res);
  };
};
