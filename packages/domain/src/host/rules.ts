import { LEGACY_ACCESS_ROLES } from './events.js';

/** host.md §2: permanent clients per user */
export const MAX_PERMANENT_CLIENTS = 7;
/** host.md §7: how long notifications are kept */
export const NOTIFICATION_RETENTION_MS = 28 * 24 * 60 * 60 * 1000;
/** host.md §7: page size bounds of GET /notifications */
export const NOTIFICATION_PAGE = { min: 1, max: 10_000, default: 1000 } as const;
/** host.md §1: GET /users?ids= */
export const MAX_USER_LOOKUP = 500;

export const CONVERSATION_ACCESS = ['private', 'invite', 'link', 'code'] as const;
export const CONVERSATION_ACCESS_ROLES = ['team_member', 'non_team_member', 'guest', 'service'] as const;
export const DEFAULT_ACCESS: readonly string[] = ['invite'];
export const DEFAULT_ACCESS_ROLE: readonly string[] = ['team_member', 'non_team_member', 'service'];
export const CONVERSATION_ROLES = ['wire_admin', 'wire_member'] as const;
export const TEAM_ROLES = ['owner', 'admin', 'member'] as const;
export const CLIENT_CLASSES = ['phone', 'tablet', 'desktop'] as const;

/** handles: 2..256 of [a-z0-9_.-] */
export const isValidHandle = (h: string): boolean => /^[a-z0-9_.-]{2,256}$/.test(h);
/** locales: `ll` or `ll-CC` */
export const isValidLocale = (l: string): boolean => /^[a-z]{2}(?:-[A-Z]{2})?$/.test(l);

/** Sets are stored and shown deduplicated in the order of the protocol's enumeration, as wire-server does. */
export const canonicalSet = (values: readonly string[], order: readonly string[]): string[] =>
  order.filter((v) => values.includes(v));

export const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((v) => b.includes(v));

/** `access_role` as sent: a role list, or one of the legacy strings; undefined when neither */
export const accessRoleSet = (value: unknown): string[] | undefined => {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string' && (CONVERSATION_ACCESS_ROLES as readonly string[]).includes(v))
    ? canonicalSet(value as string[], CONVERSATION_ACCESS_ROLES)
    : undefined;
  if (typeof value === 'string' && Object.hasOwn(LEGACY_ACCESS_ROLES, value))
    return [...LEGACY_ACCESS_ROLES[value as keyof typeof LEGACY_ACCESS_ROLES]];
  return undefined;
};
