import express, { type Express, type Request, type Response } from 'express';
import type { ExpressExtension } from '../http/createHttpApp.js';
import type { AppContext } from '../http/types.js';
import { serializeCookie } from '../http/cookies.js';
import { CSRF_REFUSAL, csrfCookie, csrfHeaderMatches, hasValidCsrfCookie, newCsrfToken } from '../http/csrf.js';
import { PORTAL_CSP } from './headers.js';
import { NOT_FOUND_PAGE, PORTAL_PAGES, pageComposer, type PortalPage } from './pages.js';
import { portalStaticDir } from './staticDir.js';

/**
 * The provider portal and staff console: static pages whose scripts call the same JSON API as every other client.
 * The only server-side behaviour here is delivery: pages, assets, the CSRF guard and the cookie-clearing logout.
 */
export const portalExtension: ExpressExtension = (app: Express, ctx: AppContext) => {
  const dir = portalStaticDir();
  const secure = ctx.config.publicUrl.startsWith('https:');

  app.use('/portal', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', PORTAL_CSP);
    next();
  });

  const compose = pageComposer(dir);
  const sendPage = (page: PortalPage, status = 200) => {
    const html = compose(page);
    return (req: Request, res: Response) => {
      res.status(status);
      if (!hasValidCsrfCookie(req.headers.cookie)) res.append('Set-Cookie', csrfCookie(newCsrfToken(ctx.deps.random), secure));
      res.type('text/html; charset=utf-8');
      res.send(html);
    };
  };
  for (const page of PORTAL_PAGES) app.get(page.path, sendPage(page));

  app.use('/portal/static', express.static(dir, { index: false, redirect: false, dotfiles: 'ignore' }));

  // The API has no logout (tokens are stateless); the portal ends the browser session by deleting the cookie.
  app.post('/portal/logout', (req, res) => {
    req.resume();
    if (!csrfHeaderMatches(req)) {
      res.status(403).type('application/json; charset=utf-8').send(JSON.stringify(CSRF_REFUSAL));
      return;
    }
    res.append('Set-Cookie', serializeCookie('zprovider', '', { path: '/provider', httpOnly: true, secure, maxAge: 0 }));
    res.status(204).end();
  });

  app.get(NOT_FOUND_PAGE.path, sendPage(NOT_FOUND_PAGE, 404));
};
