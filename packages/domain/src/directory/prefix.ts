/**
 * The least string greater than every string that starts with `prefix`, in code point order: the prefix with
 * its last code point incremented (U+10FFFF is dropped and the one before it incremented instead). Lets a
 * prefix match be an index range `prefix <= key < upper`. undefined: no upper bound.
 */
export const prefixUpperBound = (prefix: string): string | undefined => {
  const cps = [...prefix].map((c) => c.codePointAt(0)!);
  while (cps.length > 0) {
    const last = cps.pop()!;
    if (last < 0x10ffff) {
      // skip the surrogate range: those are not characters
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return String.fromCodePoint(...cps, next);
    }
  }
  return undefined;
};
