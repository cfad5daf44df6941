import { createServer, type Server } from 'node:http';
import type { ConversationHost, Deps, Logger } from '@spp/domain';
import { createBuiltinHost, createDeliveryEngine } from './wiring/platform.js';
import type { Container } from 'inversify';
import type { Config } from './config.js';
import { buildContainer, TYPES, type PortOverrides } from './container.js';
import { createHttpApp, type ExpressExtension } from './http/createHttpApp.js';
import type { AppContext } from './http/types.js';
import type { Metrics } from './metrics.js';
import { backgroundTasks, type BackgroundTask } from './workers/index.js';
import { expressExtensions } from './http/extensions.js';

export interface RunningApp {
  readonly ctx: AppContext;
  readonly server: Server;
  readonly url: string;
  readonly container: Container;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly overrides?: PortOverrides;
  /** start the background workers (default true) */
  readonly workers?: boolean;
  /** Express routes for paths the JSON API does not own (API paths go straight to its dispatcher) */
  readonly extensions?: readonly ExpressExtension[];
  /** an embedder's own messenger instead of the built-in host */
  readonly host?: (deps: Deps) => ConversationHost;
}

/** Composes the app from configuration, starts HTTP and the background tasks. */
export const startApp = async (config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningApp> => {
  const container = await buildContainer(config, logger, options.overrides);
  const deps = container.get<Deps>(TYPES.Deps);
  const metrics = container.get<Metrics>(TYPES.Metrics);
  const host = options.host?.(deps) ?? createBuiltinHost(deps);
  const ctx: AppContext = {
    deps,
    config,
    logger,
    metrics,
    host,
    deliveries: createDeliveryEngine(deps, host, metrics),
  };
  const app = createHttpApp(ctx, [...expressExtensions, ...(options.extensions ?? [])]);
  // 500 user ids in a query (GET /bot/users, GET /users) need about 21 KB of request line: above Node's 16 KiB default
  const server = createServer({ maxHeaderSize: 64 * 1024 }, app);
  // requests Node's parser refuses before Express sees them still get the error body and security headers
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, label, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'request-header-fields-too-large', 'Request headers too large.']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request-timeout', 'Request timed out.']
          : [400, 'bad-request', 'Malformed request.'];
    const body = JSON.stringify({ code: status, label, message });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const tasks: BackgroundTask[] = options.workers === false ? [] : backgroundTasks(ctx);
  for (const t of tasks) t.start();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, storage: ctx.deps.store.kind }, 'listening');
  return {
    ctx,
    server,
    url,
    container,
    stop: async () => {
      await Promise.all(tasks.map((t) => t.stop()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ctx.deps.serviceClient.close();
      await ctx.deps.store.close();
    },
  };
};
