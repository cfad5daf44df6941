import { admission, BREAKER_THRESHOLD, freshHealth, healthStatus, healthView, MAX_BACKOFF_MS, onAnswered, onBroken } from '@spp/domain';
import { describe, expect, it } from 'vitest';

const brokenTimes = (n: number, now = 0) => {
  let h = freshHealth();
  for (let i = 0; i < n; i++) h = onBroken(h, 'delivery', now);
  return h;
};

describe('circuit breaker (external-service-api.md §4)', () => {
  it('stays closed below 20 consecutive failures and reports failing', () => {
    const h = brokenTimes(BREAKER_THRESHOLD - 1);
    expect(h.penalised).toBe(false);
    expect(healthStatus(h)).toBe('failing');
    expect(admission(h, 0)).toBe('send');
  });

  it('opens at 20 with a 1 s backoff, drops items until probe_at, then lets one probe through', () => {
    const h = brokenTimes(BREAKER_THRESHOLD, 10_000);
    expect(h.penalised).toBe(true);
    expect(h.probeAt).toBe(11_000);
    expect(healthStatus(h)).toBe('penalised');
    expect(admission(h, 10_500)).toBe('drop');
    expect(admission(h, 11_000)).toBe('probe');
    expect(healthView(h).probe_at).toBe(new Date(11_000).toISOString());
  });

  it('doubles the backoff on each failed probe up to 300 s', () => {
    let h = brokenTimes(BREAKER_THRESHOLD, 0);
    const backoffs: number[] = [];
    for (let i = 0; i < 12; i++) {
      h = onBroken(h, 'probe', 1_000_000);
      backoffs.push(h.backoffMs);
    }
    expect(backoffs.slice(0, 4)).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(Math.max(...backoffs)).toBe(MAX_BACKOFF_MS);
    expect(h.probeAt).toBe(1_000_000 + MAX_BACKOFF_MS);
  });

  it('a failed POST /bots while penalised leaves backoff and probe_at alone', () => {
    const h = brokenTimes(BREAKER_THRESHOLD, 0);
    const after = onBroken(h, 'create', 5_000);
    expect(after.probeAt).toBe(h.probeAt);
    expect(after.backoffMs).toBe(h.backoffMs);
    expect(after.consecutiveFailures).toBe(h.consecutiveFailures + 1);
  });

  it('any non-5xx answer closes the breaker and resets the counter and backoff', () => {
    const h = onAnswered(onBroken(brokenTimes(BREAKER_THRESHOLD), 'probe', 0));
    expect(h).toMatchObject({ penalised: false, consecutiveFailures: 0, backoffMs: 1_000, probeAt: null });
    expect(healthStatus(h)).toBe('healthy');
  });
});
