import { codePoints } from '../shared/ids.js';

/** Field limits of `Provider` (providers.md §6), shared by registration and profile updates. */
export const NAME_MAX = 128;
export const DESCRIPTION_MAX = 1024;
export const URL_MAX = 2048;
export const REASON_MAX = 1024;

export const isValidName = (s: string): boolean => {
  const n = codePoints(s);
  return n >= 1 && n <= NAME_MAX;
};

export const isValidDescription = (s: string): boolean => {
  const n = codePoints(s);
  return n >= 1 && n <= DESCRIPTION_MAX;
};

export const isValidReason = (s: string): boolean => {
  const n = codePoints(s);
  return n >= 1 && n <= REASON_MAX;
};

/** An absolute `https` URL of at most 2048 characters, without credentials or fragment. */
export const isValidProviderUrl = (s: string): boolean => {
  if (codePoints(s) > URL_MAX || s.includes('#')) return false;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.hostname !== '' && u.username === '' && u.password === '';
};
