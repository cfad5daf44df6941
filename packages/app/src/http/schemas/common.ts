import { fail, isClientId, normaliseUuid } from '@spp/domain';
import { z } from 'zod';

/** A UUID in any case, normalised to canonical lowercase. */
export const uuid = z.string().transform((s, ctx) => {
  const id = normaliseUuid(s);
  if (!id) {
    ctx.addIssue({ code: 'custom', message: 'must be a UUID' });
    return z.NEVER;
  }
  return id;
});

export const clientId = z.string().refine(isClientId, 'must be a client id (1..16 lowercase hex digits, no leading zeros)');

export const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64').refine((s) => s.length % 4 === 0, 'must be base64');

export const prekey = z.object({ id: z.number().int().min(0).max(65534), key: z.string().min(1).max(10_000) });

/** NewOtrMessage (bots.md §6, host.md §5) */
export const newOtrMessage = z.object({
  sender: clientId,
  recipients: z.record(uuid, z.record(clientId, base64)),
  native_push: z.boolean().optional(),
  transient: z.boolean().optional(),
  native_priority: z.enum(['low', 'high']).optional(),
  data: base64.optional(),
  report_missing: z.array(uuid).optional(),
});

/** Validates a path parameter that must be a UUID; 400 otherwise. */
export const uuidParam = (value: string | undefined, name: string): string => {
  const id = value === undefined ? undefined : normaliseUuid(value);
  if (!id) throw fail('bad-request', `${name}: must be a UUID`);
  return id;
};
