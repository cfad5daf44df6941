import { Effect } from 'effect';
import { fail, type DomainError } from '../errors/DomainError.js';
import { call, readOnly, transact } from '../effect/transact.js';
import type { ProviderRecord } from '../ports/store/ProviderRepo.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';
import { PASSWORD_BUCKET } from '../ratelimit/bucket.js';
import { consumeToken } from '../ratelimit/consume.js';
import { isVerifiedStatus } from './states.js';

export const providerNotFound = (): DomainError => fail('not-found', 'Provider not found.');
export const invalidCredentials = (): DomainError => fail('invalid-credentials', 'Authentication failed.');

/** Password bucket key: the e-mail key, so limits never reveal whether an account exists (differences.md #3). */
export const providerPasswordBucketKey = (emailKey: string): string => `pw:provider:${emailKey}`;

/** A provider a token may act for: verified and not deleted; otherwise 404 "Provider not found.". */
export const loadLiveProvider = (tx: Tx, providerId: string): Effect.Effect<ProviderRecord, DomainError> =>
  Effect.flatMap(call(() => tx.providers.get(providerId)), (p) =>
    p && isVerifiedStatus(p.status) ? Effect.succeed(p) : Effect.fail(providerNotFound()),
  );

/** Same, in its own read-only unit of work. */
export const readLiveProvider = (deps: Deps, providerId: string): Effect.Effect<ProviderRecord, DomainError> =>
  readOnly(deps.store, (tx) => loadLiveProvider(tx, providerId));

/** Takes one token from the password bucket of `emailKey`, committed on its own so failed checks count. */
export const takePasswordToken = (deps: Deps, emailKey: string): Effect.Effect<void, DomainError> =>
  transact(deps.store, (tx) => consumeToken(tx, PASSWORD_BUCKET, providerPasswordBucketKey(emailKey), deps.clock.now(), deps.policy.rateLimits));

/**
 * Re-authentication with the current password (providers.md §2): password bucket, then the check.
 * Used by `PUT /provider/password`, `DELETE /provider` and the services area's password-guarded routes.
 * The scrypt work runs outside any transaction.
 */
export const reauthenticateProvider = (deps: Deps, provider: ProviderRecord, password: string): Effect.Effect<void, DomainError> =>
  Effect.gen(function* () {
    yield* takePasswordToken(deps, provider.emailKey);
    const check = yield* call(() => deps.hasher.verify(password, provider.passwordHash));
    if (!check.ok) return yield* Effect.fail(invalidCredentials());
  });
