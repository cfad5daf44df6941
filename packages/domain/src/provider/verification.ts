import { Effect } from 'effect';
import { fail, type DomainError } from '../errors/DomainError.js';
import { call, transact } from '../effect/transact.js';
import { approvalConfirmMail, approvalPendingMail, approvalRequestMail } from '../mail/templates.js';
import { queueMail } from '../mail/queue.js';
import type { CodePurpose, CodeRecord } from '../ports/store/CodeRepo.js';
import type { ProviderRecord } from '../ports/store/ProviderRepo.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';
import { emailKey } from '../shared/email.js';
import { moveProvider } from './aggregate.js';
import { APPROVAL_TTL_MS, approvalKey, checkCode, CODE_TRIES, newCodeValue } from './codes.js';
import { isVerifiedStatus } from './states.js';

export const invalidCode = (): DomainError => fail('invalid-code', 'Invalid verification code.');

/** What a link route answers: 200 with a body, or 204 for a used code whose effect still holds. */
export type LinkOutcome<A> = { readonly kind: 'done'; readonly value: A } | { readonly kind: 'already' };

type Step<A> = LinkOutcome<A> | { readonly kind: 'refused' };

/**
 * The shared shape of both link routes: look the code up, check it, and either apply `onAccepted`
 * (which may fail and roll everything back) or answer without change. A wrong try is committed before 403.
 */
const presentCode = <A>(
  deps: Deps,
  purpose: CodePurpose,
  key: string,
  value: string,
  effectHolds: (code: CodeRecord, provider: ProviderRecord | undefined) => boolean,
  onAccepted: (tx: Tx, code: CodeRecord, provider: ProviderRecord, now: number) => Effect.Effect<A, DomainError>,
): Effect.Effect<LinkOutcome<A>, DomainError> =>
  Effect.gen(function* () {
    const step = yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        const refused: Step<A> = { kind: 'refused' };
        const now = deps.clock.now();
        const code = yield* call(() => tx.codes.get(key));
        if (!code || code.purpose !== purpose) return refused;
        const check = checkCode(code, value, now);
        switch (check.kind) {
          case 'invalid':
            return refused;
          case 'wrong':
            yield* call(() => tx.codes.put(check.next));
            return refused;
          case 'used': {
            const provider = yield* call(() => tx.providers.get(code.providerId));
            return effectHolds(code, provider) ? ({ kind: 'already' } as Step<A>) : refused;
          }
          case 'accepted': {
            const provider = yield* call(() => tx.providers.get(code.providerId));
            if (!provider || provider.status === 'deleted') return refused;
            const result = yield* onAccepted(tx, code, provider, now);
            yield* call(() => tx.codes.put({ ...code, usedAt: now }));
            return { kind: 'done', value: result } as Step<A>;
          }
        }
      }),
    );
    if (step.kind === 'refused') return yield* Effect.fail(invalidCode());
    return step;
  });

/**
 * `GET /provider/activate`: first verification (T2) or e-mail change (T6), decided by the code's provider's
 * state. In staff mode T2 queues the "awaiting approval" mail and the approval request with a fresh approval code.
 */
export const activateProvider = (deps: Deps, key: string, value: string): Effect.Effect<LinkOutcome<{ email: string }>, DomainError> =>
  presentCode(
    deps,
    'activation',
    key,
    value,
    (code, p) => p !== undefined && isVerifiedStatus(p.status) && p.emailKey === emailKey(code.email),
    (tx, code, provider, now) =>
      Effect.gen(function* () {
        const { policy } = deps;
        const newKey = emailKey(code.email);
        const owner = yield* call(() => tx.providers.findByVerifiedEmailKey(newKey));
        const facts = {
          approvalMode: policy.providerApproval,
          codeAccepted: true,
          emailOwnedByAnother: owner !== undefined && owner.id !== provider.id,
        };
        if (provider.status === 'registered') {
          const auto = policy.providerApproval === 'auto';
          const next = yield* moveProvider(provider, 'verify', facts, {
            email: code.email,
            emailKey: newKey,
            verifiedAt: now,
            decidedAt: auto ? now : null,
          });
          yield* call(() => tx.providers.update(next));
          if (next.status === 'approved') yield* queueMail(deps, tx, approvalConfirmMail(policy, next));
          else {
            yield* queueMail(deps, tx, approvalPendingMail(policy, next));
            const aKey = approvalKey(next.id);
            const aCode = newCodeValue(deps.random);
            yield* call(() =>
              tx.codes.put({
                key: aKey,
                purpose: 'approval',
                code: aCode,
                providerId: next.id,
                email: next.email,
                createdAt: now,
                expiresAt: now + APPROVAL_TTL_MS,
                triesLeft: CODE_TRIES,
                usedAt: null,
              }),
            );
            yield* queueMail(deps, tx, approvalRequestMail(policy, next, aKey, aCode));
          }
          deps.logger.info({ provider: next.id, status: next.status }, 'provider e-mail verified');
        } else {
          const next = yield* moveProvider(provider, 'changeEmail', facts, { email: code.email, emailKey: newKey });
          yield* call(() => tx.providers.update(next));
          deps.logger.info({ provider: next.id }, 'provider e-mail changed');
        }
        return { email: code.email };
      }),
  );

/** `GET /provider/approve`: T3 by the approval link mailed to staff. */
export const approveProviderByLink = (
  deps: Deps,
  key: string,
  value: string,
): Effect.Effect<LinkOutcome<{ id: string; email: string; status: 'approved' }>, DomainError> =>
  presentCode(
    deps,
    'approval',
    key,
    value,
    (_code, p) => p !== undefined && p.status === 'approved',
    (tx, _code, provider, now) =>
      Effect.gen(function* () {
        const next = yield* moveProvider(
          provider,
          'approveByLink',
          { approvalMode: deps.policy.providerApproval, codeAccepted: true },
          { decidedAt: now, reason: null },
        );
        yield* call(() => tx.providers.update(next));
        yield* queueMail(deps, tx, approvalConfirmMail(deps.policy, next));
        deps.logger.info({ provider: next.id }, 'provider approved by link');
        return { id: next.id, email: next.email, status: 'approved' as const };
      }),
  );
