import { codePoints } from './ids.js';

const LOCAL = /^[\x21-\x7e]+$/;
const LOCAL_FORBIDDEN = /[@"(),:;<>[\\\]]/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** providers.md §3: returns the trimmed address, or undefined when the syntax is invalid. */
export const parseEmail = (input: string): string | undefined => {
  const email = input.trim();
  if (email.length > 254) return undefined;
  const at = email.lastIndexOf('@');
  if (at < 1) return undefined;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL.test(local) || LOCAL_FORBIDDEN.test(local)) return undefined;
  if (!domain || !domain.split('.').every((l) => LABEL.test(l))) return undefined;
  return email;
};

/** Uniqueness key: the trimmed address, fully lowercased (no +suffix stripping). */
export const emailKey = (email: string): string => email.trim().toLowerCase();

/** New passwords: 8..1024 code points; passwords being checked: 1..1024. */
export const isValidNewPassword = (p: string): boolean => {
  const n = codePoints(p);
  return n >= 8 && n <= 1024;
};
export const isValidPasswordToCheck = (p: string): boolean => {
  const n = codePoints(p);
  return n >= 1 && n <= 1024;
};
