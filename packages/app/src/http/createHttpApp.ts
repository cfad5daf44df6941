import express, { type Express } from 'express';
import { createDispatcher } from './dispatch.js';
import { allRoutes } from './routes/index.js';
import type { AppContext } from './types.js';

/** Hook for areas that serve more than JSON routes (the portal's pages and assets). */
export type ExpressExtension = (app: Express, ctx: AppContext) => void;

/**
 * Express hosts the server and static pages; the JSON API runs through one dispatcher that applies the
 * spec's order of checks. No CORS headers are ever sent.
 */
export const createHttpApp = (ctx: AppContext, extensions: readonly ExpressExtension[] = []): Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  for (const extend of extensions) extend(app, ctx);
  const dispatch = createDispatcher(ctx, allRoutes(ctx));
  app.use((req, res) => {
    void dispatch(req, res);
  });
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
  return app;
};
