import { BREAKER_THRESHOLD, MAX_BACKOFF_MS, MIN_BACKOFF_MS, type ServiceHealth } from './health.js';

/**
 * Pure circuit-breaker steps (external-service-api.md §4). `kind` says what the call was: a normal delivery,
 * the probe of an open breaker, or a POST /bots (always attempted; its failure leaves backoff and probe_at alone).
 */
export type CallKind = 'delivery' | 'probe' | 'create';

/** The service answered with anything but 5xx: it is up. */
export const onAnswered = (h: ServiceHealth): ServiceHealth => ({
  ...h,
  consecutiveFailures: 0,
  penalised: false,
  probeAt: null,
  backoffMs: MIN_BACKOFF_MS,
});

/** Unreachable or broken (connection, address, TLS, pin, timeout, 5xx after retries). */
export const onBroken = (h: ServiceHealth, kind: CallKind, now: number): ServiceHealth => {
  const consecutiveFailures = h.consecutiveFailures + 1;
  if (h.penalised) {
    if (kind !== 'probe') return { ...h, consecutiveFailures };
    const backoffMs = Math.min(MAX_BACKOFF_MS, h.backoffMs * 2);
    return { ...h, consecutiveFailures, backoffMs, probeAt: now + backoffMs };
  }
  if (consecutiveFailures >= BREAKER_THRESHOLD)
    return { ...h, consecutiveFailures, penalised: true, backoffMs: MIN_BACKOFF_MS, probeAt: now + MIN_BACKOFF_MS };
  return { ...h, consecutiveFailures };
};

/** Whether an item whose turn comes now may be sent, and whether it is the probe. */
export const admission = (h: ServiceHealth, now: number): 'send' | 'probe' | 'drop' =>
  !h.penalised ? 'send' : h.probeAt !== null && now >= h.probeAt ? 'probe' : 'drop';

/** Enabling a service or changing its connection resets the breaker. */
export const resetBreaker = (h: ServiceHealth): ServiceHealth => onAnswered(h);

export const recordError = (h: ServiceHealth, cause: string, now: number): ServiceHealth => ({ ...h, lastError: cause, lastErrorAt: now });
