/** `?, ?, ?` for an IN list */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** splits long IN lists so no statement exceeds the engines' parameter limits */
export const chunks = <T>(items: readonly T[], size = 500): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};
