/** Polls `f` until it returns something truthy (returned), or fails after `timeoutMs`. */
export const waitUntil = async <T>(f: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeoutMs = 5_000, what = 'condition'): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > until) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
