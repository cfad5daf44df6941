import {
  ASSET_KEY,
  LIMITS,
  PAGE_SIZE,
  badRequest,
  checkAuthToken,
  checkBaseUrl,
  checkIdentityFingerprints,
  checkTags,
  checkText,
  isValidPasswordToCheck,
  type Checked,
  type ServiceTag,
} from '@spp/domain';
import { z } from 'zod';

/** Runs a domain field check inside a schema, so the 400 names the field and the rule. */
const checked = <T>(check: (v: string) => Checked<T>) =>
  z.string().transform((v, ctx) => {
    const r = check(v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    }
    return r.value;
  });

/** `null` counts as absent, as wire-server reads optional fields */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => (v === null ? undefined : v));

const text = (max: number) => checked((v) => checkText(v, max));

const asset = z.object({
  type: z.literal('image'),
  key: z.string().regex(ASSET_KEY, 'must be 1..256 printable ASCII characters without spaces'),
  size: optional(z.enum(['preview', 'complete'])),
});

const assets = z.array(asset).max(LIMITS.assets, `at most ${LIMITS.assets} assets`);

/** tags are checked by the handler so the message is exactly "Invalid tag: <value>" */
const tags = z.array(z.string());

const fingerprints = z.array(z.string()).transform((v, ctx) => {
  const r = checkIdentityFingerprints(v);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  }
  return r.value;
});

const password = z.string().refine(isValidPasswordToCheck, 'must be 1..1024 characters');

export const newServiceBody = z.object({
  name: text(LIMITS.name),
  summary: text(LIMITS.summary),
  description: text(LIMITS.description),
  base_url: checked(checkBaseUrl),
  public_key: z.string(),
  auth_token: optional(checked(checkAuthToken)),
  assets: optional(assets),
  tags,
  identity_fingerprints: optional(fingerprints),
});

export const profileBody = z.object({
  name: optional(text(LIMITS.name)),
  summary: optional(text(LIMITS.summary)),
  description: optional(text(LIMITS.description)),
  assets: optional(assets),
  tags: optional(tags),
});

export const connectionBody = z.object({
  password,
  base_url: optional(checked(checkBaseUrl)),
  public_keys: optional(z.array(z.string()).min(1, 'must hold 1..2 keys').max(LIMITS.publicKeys, 'must hold 1..2 keys')),
  auth_tokens: optional(z.array(checked(checkAuthToken)).min(1, 'must hold 1..2 tokens').max(LIMITS.authTokens, 'must hold 1..2 tokens')),
  enabled: optional(z.boolean()),
  identity_fingerprints: optional(fingerprints),
});

export const passwordBody = z.object({ password });

/** the handler's first check, still part of "body" in the spec's order */
export const tagsOf = (values: readonly string[]): ServiceTag[] => {
  const r = checkTags(values);
  if (!r.ok) throw badRequest(r.message.startsWith('Invalid tag') ? r.message : `tags: ${r.message}`);
  return r.value;
};

const single = z.string({ error: 'must be given once' });

/** `size`: 10..100, default 20 */
export const pageSize = optional(single.regex(/^\d{1,4}$/, `must be an integer ${PAGE_SIZE.min}..${PAGE_SIZE.max}`))
  .transform((v) => (v === undefined ? PAGE_SIZE.default : Number(v)))
  .refine((n) => n >= PAGE_SIZE.min && n <= PAGE_SIZE.max, `must be an integer ${PAGE_SIZE.min}..${PAGE_SIZE.max}`);

export const directoryQuery = z.object({
  tags: single.optional(),
  start: single.optional(),
  size: pageSize,
  cursor: single.optional(),
});

export const whitelistQuery = z.object({
  prefix: single.optional(),
  filter_disabled: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true').transform((v) => v === 'true'),
  size: pageSize,
  cursor: single.optional(),
});
