import type { ConversationHost, DeliveryEngine, Deps, DomainError, Logger } from '@spp/domain';
import type { Effect } from 'effect';
import type { z } from 'zod';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';

/** Who is calling, as established from the token for the path family. */
export type Auth =
  | { readonly kind: 'none' }
  | { readonly kind: 'admin' }
  | { readonly kind: 'provider'; readonly providerId: string }
  | { readonly kind: 'user'; readonly userId: string; readonly clientId?: string }
  | { readonly kind: 'bot'; readonly providerId: string; readonly botId: string; readonly convId: string };

export interface HttpResult {
  readonly status: number;
  /** JSON-serialised when present; absent = empty body */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string | string[]>>;
}

export interface RouteContext<B = unknown> {
  readonly params: Readonly<Record<string, string>>;
  /** raw query: a repeated parameter gives an array */
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly body: B;
  readonly auth: Auth;
  /** client address from the socket (never from X-Forwarded-For) */
  readonly ip: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type Handler<B> = (ctx: RouteContext<B>) => Promise<HttpResult> | Effect.Effect<HttpResult, DomainError>;

export interface RouteDef<B = unknown> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. `/provider/services/:sid`; matched after stripping `/vN` and one trailing slash */
  readonly path: string;
  /** JSON body schema; when set the route requires `Content-Type: application/json` */
  readonly body?: z.ZodType<B>;
  /** only registered when INTERNAL_API=true */
  readonly internalApi?: boolean;
  readonly summary?: string;
  /** runs after authentication and before the body is read (bot routes resolve the bot first) */
  readonly guard?: (ctx: RouteContext<undefined>) => Promise<void> | Effect.Effect<void, DomainError>;
  readonly handler: Handler<B>;
}

/** Helper that keeps the body type of a route definition inferred from its schema. */
export const route = <B = unknown>(def: RouteDef<B>): RouteDef<unknown> => def as RouteDef<unknown>;

/** What route modules are built from. */
export interface AppContext {
  readonly deps: Deps;
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** the conversation host (built-in unless an embedder supplies another) */
  readonly host: ConversationHost;
  /** event delivery to bots */
  readonly deliveries: DeliveryEngine;
}
