import { approveProviderByStaff, isValidReason, listProviders, pendingActivationCode, rejectProvider } from '@spp/domain';
import { Effect } from 'effect';
import { z } from 'zod';
import { mailSignal } from '../../wiring/mail.js';
import { uuidParam } from '../schemas/common.js';
import { route, type AppContext, type RouteDef } from '../types.js';
import { parseWith } from '../validation.js';
import { emailField } from './providerRoutes.js';

const listQuery = z.object({
  status: z
    .enum(['pending', 'registered', 'active', 'approved', 'rejected'])
    .optional()
    .transform((s) => (s === 'pending' ? 'active' : s)),
  size: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number between 1 and 500')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 500, 'must be a whole number between 1 and 500')
    .optional(),
  cursor: z.string().optional(),
});
const rejectBody = z.object({ reason: z.string().refine(isValidReason, 'must be 1..1024 characters') });
const emailQuery = z.object({ email: emailField });

/** Staff routes (providers.md §8) and the test route of §9 (INTERNAL_API=true). */
export const adminRoutes = (ctx: AppContext): RouteDef[] => {
  const { deps } = ctx;
  const signal = mailSignal(deps);
  return [
    route({
      method: 'GET',
      path: '/i/providers',
      summary: 'List providers (staff)',
      handler: ({ query }) => {
        const q = parseWith(listQuery, query);
        return Effect.map(
          listProviders(deps, {
            size: q.size ?? 100,
            ...(q.status !== undefined ? { status: q.status } : {}),
            ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
          }),
          (page) => ({ status: 200, body: page }),
        );
      },
    }),
    route({
      method: 'POST',
      path: '/i/providers/:pid/approve',
      summary: 'Approve a provider (staff)',
      handler: ({ params }) =>
        Effect.map(
          Effect.tap(approveProviderByStaff(deps, uuidParam(params.pid, 'pid')), () => signal.wake()),
          (p) => ({ status: 200, body: p }),
        ),
    }),
    route({
      method: 'POST',
      path: '/i/providers/:pid/reject',
      body: rejectBody,
      summary: 'Reject a provider (staff)',
      handler: ({ params, body }) =>
        Effect.map(
          Effect.tap(rejectProvider(deps, uuidParam(params.pid, 'pid'), body.reason), () => signal.wake()),
          (p) => ({ status: 200, body: p }),
        ),
    }),
    route({
      method: 'GET',
      path: '/i/provider/activation-code',
      internalApi: true,
      summary: 'The pending activation code of an e-mail (tests only)',
      handler: ({ query }) => {
        const q = parseWith(emailQuery, query);
        return Effect.map(pendingActivationCode(deps, q.email), (c) => ({ status: 200, body: c }));
      },
    }),
  ];
};
