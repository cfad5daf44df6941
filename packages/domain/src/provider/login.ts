import { Effect } from 'effect';
import type { DomainError } from '../errors/DomainError.js';
import { call, readOnly, transact } from '../effect/transact.js';
import type { Deps } from '../platform.js';
import { emailKey } from '../shared/email.js';
import { mintToken } from '../token/tokens.js';
import { invalidCredentials, takePasswordToken } from './access.js';

export interface LoggedIn {
  readonly providerId: string;
  readonly token: string;
  /** Unix seconds (the token's `d`) */
  readonly expiry: number;
}

/**
 * `POST /provider/login`. Unknown e-mail, unverified or deleted account and wrong password all cost one full
 * scrypt verification (against the hasher's dummy hash when there is no account) and answer the same error.
 * A hash in an imported or weaker format is replaced after a successful login.
 */
export const loginProvider = (deps: Deps, email: string, password: string): Effect.Effect<LoggedIn, DomainError> =>
  Effect.gen(function* () {
    const key = emailKey(email);
    yield* takePasswordToken(deps, key);
    const provider = yield* readOnly(deps.store, (tx) => call(() => tx.providers.findByVerifiedEmailKey(key)));
    const check = yield* call(() => deps.hasher.verify(password, provider?.passwordHash ?? deps.hasher.dummyHash));
    if (!provider || !check.ok) return yield* Effect.fail(invalidCredentials());
    if (check.needsRehash) {
      const fresh = yield* call(() => deps.hasher.hash(password));
      yield* transact(deps.store, (tx) =>
        Effect.gen(function* () {
          const current = yield* call(() => tx.providers.get(provider.id));
          // only when nobody changed the password meanwhile
          if (current && current.passwordHash === provider.passwordHash) yield* call(() => tx.providers.update({ ...current, passwordHash: fresh }));
        }),
      );
    }
    const expiry = Math.floor(deps.clock.now() / 1000) + deps.policy.providerTokenTtl;
    return { providerId: provider.id, token: mintToken(deps.signer, { type: 'p', providerId: provider.id }, expiry), expiry };
  });
