/** Small statistics helpers: every reported figure is a median over repetitions with its min–max range. */

export const sorted = (xs) => [...xs].sort((a, b) => a - b);

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export const percentile = (xs, p) => {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
};

export const median = (xs) => {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** `{median, min, max, reps}` of per-repetition values. */
export const summarise = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), reps: xs.length, values: xs });

export const round = (x, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
