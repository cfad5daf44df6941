/** RFC 3339 UTC with milliseconds, the only time format on the wire. */
export const isoTime = (ms: number): string => new Date(ms).toISOString();
