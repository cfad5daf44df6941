import { Effect } from 'effect';
import { fail, type DomainError } from '../errors/DomainError.js';
import { call, transact } from '../effect/transact.js';
import { activationMail } from '../mail/templates.js';
import { queueMail } from '../mail/queue.js';
import type { Deps } from '../platform.js';
import { deleteServicesOfProvider } from '../service/deleteService.js';
import { emailKey } from '../shared/email.js';
import { consumeToken } from '../ratelimit/consume.js';
import { loadLiveProvider, providerNotFound, readLiveProvider, reauthenticateProvider } from './access.js';
import { moveProvider } from './aggregate.js';
import { ACTIVATION_TTL_MS, activationKey, CODE_THROTTLE, CODE_TRIES, codeThrottleKey, newCodeValue } from './codes.js';
import { providerView, type ProviderView } from './record.js';

/** `GET /provider` and the public `GET /providers/{pid}`: 404 for unknown, unverified or deleted providers. */
export const getProvider = (deps: Deps, providerId: string): Effect.Effect<ProviderView, DomainError> =>
  Effect.map(readLiveProvider(deps, providerId), providerView);

export interface ProviderProfilePatch {
  readonly name?: string;
  readonly url?: string;
  readonly description?: string;
}

/** `PUT /provider`: absent fields stay as they are. */
export const updateProvider = (deps: Deps, providerId: string, patch: ProviderProfilePatch): Effect.Effect<void, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const p = yield* loadLiveProvider(tx, providerId);
      yield* call(() =>
        tx.providers.update({
          ...p,
          name: patch.name ?? p.name,
          url: patch.url ?? p.url,
          description: patch.description ?? p.description,
        }),
      );
    }),
  );

/**
 * `PUT /provider/email`: an activation code for the new address (account = this provider) is stored and
 * mailed; the change itself happens when the code is used (T6). Checks: provider → e-mail owned → throttle.
 */
export const requestEmailChange = (deps: Deps, providerId: string, newEmail: string): Effect.Effect<void, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const now = deps.clock.now();
      const p = yield* loadLiveProvider(tx, providerId);
      const key = emailKey(newEmail);
      const owner = yield* call(() => tx.providers.findByVerifiedEmailKey(key));
      if (owner) return yield* Effect.fail(fail('email-exists', 'The given e-mail address is in use.'));
      yield* consumeToken(tx, CODE_THROTTLE, codeThrottleKey(key), now, deps.policy.rateLimits);
      const codeKey = activationKey(key);
      const code = newCodeValue(deps.random);
      yield* call(() =>
        tx.codes.put({
          key: codeKey,
          purpose: 'activation',
          code,
          providerId: p.id,
          email: newEmail,
          createdAt: now,
          expiresAt: now + ACTIVATION_TTL_MS,
          triesLeft: CODE_TRIES,
          usedAt: null,
        }),
      );
      yield* queueMail(deps, tx, activationMail(deps.policy, p, newEmail, codeKey, code, true));
    }),
  );

/** `PUT /provider/password`: provider → bucket → old password → difference. Existing tokens stay valid. */
export const changePassword = (
  deps: Deps,
  providerId: string,
  oldPassword: string,
  newPassword: string,
): Effect.Effect<void, DomainError> =>
  Effect.gen(function* () {
    const p = yield* readLiveProvider(deps, providerId);
    yield* reauthenticateProvider(deps, p, oldPassword);
    // the old password was just verified, so equal strings mean "equal to the current password"
    if (newPassword === oldPassword) return yield* Effect.fail(fail('password-must-differ', 'The new password must differ from the current one.'));
    const hash = yield* call(() => deps.hasher.hash(newPassword));
    yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        const current = yield* loadLiveProvider(tx, providerId);
        yield* call(() => tx.providers.update({ ...current, passwordHash: hash }));
      }),
    );
    deps.logger.info({ provider: providerId }, 'provider password changed');
  });

/**
 * `DELETE /provider` (T7): provider → bucket → password, then in one transaction: state `deleted` (which frees
 * the e-mail key), the provider's codes and its e-mails' throttles cleared, and every service set to `deleting`
 * with a deletion job queued.
 */
export const deleteProvider = (deps: Deps, providerId: string, password: string): Effect.Effect<void, DomainError> =>
  Effect.gen(function* () {
    const p = yield* readLiveProvider(deps, providerId);
    yield* reauthenticateProvider(deps, p, password);
    yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        const now = deps.clock.now();
        const current = yield* call(() => tx.providers.get(providerId));
        if (!current) return yield* Effect.fail(providerNotFound());
        const next = yield* moveProvider(
          current,
          'delete',
          { approvalMode: deps.policy.providerApproval, reauthenticated: true },
          { deletedAt: now },
        );
        yield* call(() => tx.providers.update(next));
        const emailKeys = new Set([current.emailKey]);
        for (const c of yield* call(() => tx.codes.listByProvider(providerId))) {
          emailKeys.add(emailKey(c.email));
          yield* call(() => tx.codes.delete(c.key));
        }
        for (const key of emailKeys) yield* call(() => tx.rateLimits.deleteBucket(codeThrottleKey(key)));
        yield* deleteServicesOfProvider(deps, tx, providerId);
      }),
    );
    deps.logger.info({ provider: providerId }, 'provider deleted');
  });

/** The public profile reads the same record (services.md §6). */
export const getPublicProvider = getProvider;
