import { fail } from '@spp/domain';
import type { z } from 'zod';

/** "field: rule" for the first issue, so a 400 names the field and the rule. */
export const zodMessage = (error: z.ZodError): string => {
  const issue = error.issues[0];
  if (!issue) return 'Invalid request.';
  const path = issue.path.length ? issue.path.map(String).join('.') : 'body';
  return `${path}: ${issue.message}`;
};

/** Validates query parameters (or anything else) with a schema; failure → 400 bad-request. */
export const parseWith = <T>(schema: z.ZodType<T>, value: unknown): T => {
  const r = schema.safeParse(value);
  if (!r.success) throw fail('bad-request', zodMessage(r.error));
  return r.data;
};
