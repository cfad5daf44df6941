import { Effect } from 'effect';
import type { Deps } from '../platform.js';
import type { OutboundResult, ServiceEndpoint } from '../ports/ServiceClient.js';

/** external-service-api.md §3 "Attempts and outcomes" */
export const DELIVERY_DEADLINE_MS = 5_000;
export const DELIVERY_RETRIES = 3;
export const DELIVERY_RETRY_SPACING_MS = 1_000;
/** §2: POST /bots */
export const CREATE_DEADLINE_MS = 10_000;
export const CREATE_RETRY_DELAYS_MS = [100, 200] as const;
export const MAX_RESPONSE_BYTES = 1024 * 1024;

const TRANSIENT = new Set(['ConnectionFailure', 'TlsHandshakeFailed', 'timeout']);

export type DeliveryOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'gone' }
  /** `broken` = counts towards the breaker (unreachable or 5xx), else the service answered and refused */
  | { readonly kind: 'failed'; readonly cause: string; readonly broken: boolean };

/** Worth another attempt: connection, TLS handshake, timeout, 5xx. Never pin failures or ForbiddenAddress. */
export const isRetryable = (r: OutboundResult): boolean => (r.ok ? r.status >= 500 : TRANSIENT.has(r.cause));

export const outcomeOf = (r: OutboundResult): DeliveryOutcome => {
  if (!r.ok) return { kind: 'failed', cause: r.cause, broken: true };
  if (r.status >= 200 && r.status < 300) return { kind: 'delivered' };
  if (r.status === 410) return { kind: 'gone' };
  return { kind: 'failed', cause: `status ${r.status}`, broken: r.status >= 500 };
};

const sleep = (deps: Deps, ms: number) => Effect.promise(() => deps.clock.sleep(ms));

/**
 * One delivery with the spec's retry schedule: up to 3 more attempts 1 s apart after retryable failures.
 * A probe is a single attempt. Each retry asks `current()` for the service's endpoint as it is now; 'disabled'
 * when the service was disabled or deleted meanwhile. The spacing uses the Clock port so simulations control time.
 * The first attempt is a plain call: nearly every delivery succeeds at once, and an Effect per item was a
 * measurable share of the fan-out benchmark's CPU; the retries are an Effect schedule.
 */
export const deliver = async (
  deps: Deps,
  first: ServiceEndpoint,
  current: () => Promise<ServiceEndpoint | undefined>,
  path: string,
  body: string,
  deliveryId: string,
  probe: boolean,
): Promise<OutboundResult | 'disabled'> => {
  const post = (endpoint: ServiceEndpoint) =>
    deps.serviceClient.post(endpoint, {
      path,
      body,
      headers: { 'X-Delivery-Id': deliveryId },
      deadlineMs: DELIVERY_DEADLINE_MS,
      maxResponseBytes: 0,
    });
  const firstResult = await post(first);
  if (probe || !isRetryable(firstResult)) return firstResult;
  const again: Effect.Effect<OutboundResult | 'disabled'> = Effect.zipRight(
    sleep(deps, DELIVERY_RETRY_SPACING_MS),
    Effect.flatMap(Effect.promise(current), (endpoint) =>
      endpoint ? Effect.promise(() => post(endpoint)) : Effect.succeed<OutboundResult | 'disabled'>('disabled'),
    ),
  );
  // results are values, not failures: turn retryable ones into failures for Effect.retry, then back
  const attemptFx = Effect.flatMap(again, (r) => (r !== 'disabled' && isRetryable(r) ? Effect.fail(r) : Effect.succeed(r)));
  return Effect.runPromise(Effect.merge(Effect.retry(attemptFx, { times: DELIVERY_RETRIES - 1 })));
};

/**
 * POST {base_url}/bots: retried only when no connection was established (nothing was sent), 100 ms then
 * 200 ms later, all within the 10 s deadline.
 */
export const createBotCall = (deps: Deps, endpoint: ServiceEndpoint, body: string): Effect.Effect<OutboundResult> => {
  const started = deps.clock.now();
  let attempt = 0;
  const once = Effect.suspend(() => {
    const delay = attempt === 0 ? 0 : CREATE_RETRY_DELAYS_MS[attempt - 1]!;
    attempt++;
    return Effect.zipRight(
      delay ? sleep(deps, delay) : Effect.void,
      Effect.suspend(() => {
        const left = CREATE_DEADLINE_MS - (deps.clock.now() - started);
        if (left <= 0) return Effect.succeed<OutboundResult>({ ok: false, cause: 'timeout', beforeConnect: false, detail: 'deadline passed' });
        return Effect.promise(() => deps.serviceClient.post(endpoint, { path: '/bots', body, deadlineMs: left, maxResponseBytes: MAX_RESPONSE_BYTES }));
      }),
    );
  });
  const attemptFx = Effect.flatMap(once, (r) => (!r.ok && r.beforeConnect && r.cause === 'ConnectionFailure' ? Effect.fail(r) : Effect.succeed(r)));
  return Effect.merge(Effect.retry(attemptFx, { times: CREATE_RETRY_DELAYS_MS.length }));
};
