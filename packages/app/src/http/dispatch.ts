import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, fail } from '@spp/domain';
import { Cause, Effect, Exit, Option } from 'effect';
import type { z } from 'zod';
import { authenticate } from './auth.js';
import { errorStatus } from './errorStatus.js';
import { isJsonContentType, parseJsonTolerant, readBody } from './jsonBody.js';
import type { AppContext, HttpResult, RouteDef } from './types.js';
import { zodMessage } from './validation.js';
import { RawText } from './routes/metaRoutes.js';
import { RouteTable } from './routeTable.js';

/**
 * `/v7/provider/` → `/provider`: one version prefix and one trailing slash are ignored. `/i/...` routes take no
 * prefix, so a versioned internal path is no route at all (undefined).
 */
export const normalisePath = (rawPath: string): string | undefined => {
  let p = rawPath;
  const m = /^\/v[0-9](\/.*)?$/.exec(p);
  if (m) {
    if (m[1] === '/i' || m[1]?.startsWith('/i/')) return undefined;
    p = m[1] ?? '/';
  }
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
};

/** The normalised path of a raw request target, without its query; undefined as for `normalisePath`. */
export const requestPath = (rawUrl: string): string | undefined => {
  const q = rawUrl.indexOf('?');
  return normalisePath(q === -1 ? rawUrl : rawUrl.slice(0, q));
};

const send = (res: ServerResponse, result: HttpResult) => {
  for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
  if (result.body instanceof RawText) {
    res.statusCode = result.status;
    res.setHeader('Content-Type', result.body.contentType);
    res.end(result.body.text);
    return;
  }
  if (result.body === undefined) {
    res.statusCode = result.status;
    res.setHeader('Content-Length', '0');
    res.end();
    return;
  }
  const text = JSON.stringify(result.body);
  res.statusCode = result.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
};

export const errorResult = (e: DomainError): HttpResult => {
  const status = errorStatus[e.label];
  return {
    status,
    body: { code: status, label: e.label, message: e.message },
    ...(e.retryAfter !== undefined ? { headers: { 'Retry-After': String(e.retryAfter) } } : {}),
  };
};

const toEffect = <A>(out: Promise<A> | Effect.Effect<A, DomainError>): Effect.Effect<A, DomainError> =>
  Effect.isEffect(out) ? out : Effect.promise(() => out);

const runHandler = async (out: ReturnType<RouteDef['handler']>): Promise<HttpResult> => {
  if (!Effect.isEffect(out)) return out;
  const exit = await Effect.runPromiseExit(out);
  if (Exit.isSuccess(exit)) return exit.value;
  const failure = Cause.failureOption(exit.cause);
  if (Option.isSome(failure)) throw failure.value;
  throw Cause.squash(exit.cause);
};

const decodeParam = (raw: string): string => {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw fail('bad-request', 'Malformed path parameter.');
  }
  if (value.includes(NUL)) throw fail('bad-request', 'Path parameters must not contain U+0000.');
  return value;
};

/** U+0000 cannot be stored by PostgreSQL and means nothing in any field: refused on every engine alike. */
const NUL = '\u0000';

/** iterative, so a body nested thousands of levels deep cannot overflow the stack */
const hasNul = (root: unknown): boolean => {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.includes(NUL)) return true;
    } else if (Array.isArray(value)) stack.push(...value);
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        if (k.includes(NUL)) return true;
        stack.push(v);
      }
  }
  return false;
};

const queryOf = (url: URL): Record<string, string | string[]> => {
  const q: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    if (k.includes(NUL) || v.includes(NUL)) throw fail('bad-request', 'Query parameters must not contain U+0000.');
    const prev = q[k];
    q[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return q;
};

/**
 * The request pipeline in the spec's order: routing (404/405) → authentication and access control →
 * body (415/413/400) → the route's own checks. Any unexpected fault is a 500 `internal-error` without details.
 */
export const createDispatcher = (ctx: AppContext, defs: readonly RouteDef[]) => {
  const routes = new RouteTable(defs.filter((d) => !d.internalApi || ctx.config.internalApi));

  const dispatch = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    let routeLabel = 'unmatched';
    let result: HttpResult;
    try {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://x');
      } catch {
        throw fail('bad-request', 'Malformed request target.');
      }
      const path = normalisePath(url.pathname);
      if (path === undefined) throw fail('not-found', 'Not found.');
      if ((path === '/i' || path.startsWith('/i/')) && !ctx.config.adminToken) throw fail('not-found', 'Not found.');
      const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
      const found = routes.find(method, path);
      if (!found.route) throw found.pathKnown ? fail('method-not-allowed', 'Method not allowed.') : fail('not-found', 'Not found.');
      const match = { r: found.route, m: found.groups! };
      routeLabel = match.r.pattern;

      const q = queryOf(url);
      const queryToken = typeof q.access_token === 'string' ? q.access_token : undefined;
      const auth = authenticate(
        {
          method,
          path,
          authorization: req.headers.authorization,
          queryToken,
          cookieHeader: req.headers.cookie,
        },
        ctx.deps.signer,
        ctx.config.adminToken,
        ctx.deps.clock.now(),
      );
      if (auth instanceof DomainError) throw auth;

      const params: Record<string, string> = {};
      match.r.names.forEach((n, i) => (params[n] = decodeParam(match!.m[i + 1]!)));

      if (match.r.def.guard) {
        const ctxNoBody = { params, query: q, body: undefined, auth, ip: req.socket.remoteAddress ?? '', headers: req.headers };
        await runHandler(Effect.map(toEffect(match.r.def.guard(ctxNoBody)), () => ({ status: 200 })));
      }

      let body: unknown = undefined;
      const schema = match.r.def.body as z.ZodType | undefined;
      if (schema) {
        if (!isJsonContentType(req.headers['content-type'])) {
          req.resume();
          throw fail('unsupported-media-type', 'Content-Type must be application/json.');
        }
        const raw = await readBody(req);
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
        } catch {
          throw fail('bad-request', 'Request body is not valid UTF-8.');
        }
        const parsed = parseJsonTolerant(text);
        if (hasNul(parsed)) throw fail('bad-request', 'Strings in the body must not contain U+0000.');
        const checked = schema.safeParse(parsed);
        if (!checked.success) throw fail('bad-request', zodMessage(checked.error));
        body = checked.data;
      } else req.resume();

      result = await runHandler(match.r.def.handler({ params, query: q, body, auth, ip: req.socket.remoteAddress ?? '', headers: req.headers }));
    } catch (e) {
      if (e instanceof DomainError) result = errorResult(e);
      else {
        ctx.logger.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e), route: routeLabel }, 'unexpected fault');
        result = errorResult(fail('internal-error', 'Internal error.'));
      }
    }
    send(res, result);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    ctx.metrics.observeRequest(routeLabel, result.status, seconds);
    ctx.logger.info({ method: req.method, route: routeLabel, status: result.status, ms: Math.round(seconds * 1000) }, 'request');
  };

  /** Is this request target one of the API's paths (any method)? Such requests never need Express. */
  const owns = (rawUrl: string | undefined): boolean => {
    const path = requestPath(rawUrl ?? '/');
    return path !== undefined && routes.has(path);
  };

  return Object.assign(dispatch, { owns });
};
