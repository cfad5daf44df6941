/**
 * Equality of two strings whose running time does not depend on where they differ (only on the longer
 * length), so a caller guessing codes learns nothing from timing.
 */
export const constantTimeEquals = (a: string, b: string): boolean => {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
};
