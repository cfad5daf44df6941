/** A service's health record (external-service-api.md §4), shared by all instances through the store. */
export interface ServiceHealth {
  readonly consecutiveFailures: number;
  readonly delivered: number;
  readonly failed: number;
  readonly gone: number;
  readonly dropped: number;
  readonly lastError: string | null;
  /** ms */
  readonly lastErrorAt: number | null;
  readonly lastSuccessAt: number | null;
  /** breaker open */
  readonly penalised: boolean;
  /** next probe allowed at (ms); only while penalised */
  readonly probeAt: number | null;
  readonly backoffMs: number;
}

export const BREAKER_THRESHOLD = 20;
export const MIN_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 300_000;

export const freshHealth = (): ServiceHealth => ({
  consecutiveFailures: 0,
  delivered: 0,
  failed: 0,
  gone: 0,
  dropped: 0,
  lastError: null,
  lastErrorAt: null,
  lastSuccessAt: null,
  penalised: false,
  probeAt: null,
  backoffMs: MIN_BACKOFF_MS,
});

export const healthStatus = (h: ServiceHealth): 'penalised' | 'failing' | 'healthy' =>
  h.penalised ? 'penalised' : h.consecutiveFailures > 0 ? 'failing' : 'healthy';

/** The `health` object of the provider's Service view (services.md §4). */
export const healthView = (h: ServiceHealth) => ({
  status: healthStatus(h),
  consecutive_failures: h.consecutiveFailures,
  delivered: h.delivered,
  failed: h.failed,
  gone: h.gone,
  dropped: h.dropped,
  last_error: h.lastError,
  last_error_at: h.lastErrorAt === null ? null : new Date(h.lastErrorAt).toISOString(),
  last_success_at: h.lastSuccessAt === null ? null : new Date(h.lastSuccessAt).toISOString(),
  probe_at: h.penalised && h.probeAt !== null ? new Date(h.probeAt).toISOString() : null,
});
