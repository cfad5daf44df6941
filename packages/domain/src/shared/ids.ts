/** Canonical lowercase 8-4-4-4-12 UUID (any version, as clients may send ids generated elsewhere). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const normaliseUuid = (input: string): string | undefined => {
  const lower = input.toLowerCase();
  return UUID.test(lower) ? lower : undefined;
};

export const isUuid = (input: string): boolean => UUID.test(input);

/** Client ids: 1..16 lowercase hex digits, no leading zeros (a non-zero 64-bit value). */
const CLIENT_ID = /^[1-9a-f][0-9a-f]{0,15}$/;
export const isClientId = (input: string): boolean => CLIENT_ID.test(input);

/** String length in Unicode code points, as the spec counts. */
export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
