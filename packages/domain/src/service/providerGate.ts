import { Effect } from 'effect';
import { fail, type DomainError } from '../errors/DomainError.js';
import type { Deps } from '../platform.js';
import type { ProviderRecord } from '../ports/store/ProviderRepo.js';
import type { Tx } from '../ports/store/Store.js';
import { loadLiveProvider, readLiveProvider, reauthenticateProvider } from '../provider/access.js';

/** The caller's provider account unless deleted (404 "Provider not found."), as the provider routes decide it. */
export const liveProvider = (tx: Tx, providerId: string): Effect.Effect<ProviderRecord, DomainError> => loadLiveProvider(tx, providerId);

/** Creating services, changing a connection and enabling need an approved provider. */
export const requireApproved = (p: ProviderRecord): Effect.Effect<void, DomainError> =>
  p.status === 'approved' ? Effect.void : Effect.fail(fail('provider-not-approved', 'The provider is not approved.'));

/**
 * Re-authentication of the password-guarded service routes: provider exists → password bucket (the provider's
 * current e-mail key, shared with login) → password. The bucket token is committed on its own, so a wrong
 * password still costs one; the hash is checked outside any transaction.
 */
export const reauthenticate = (deps: Deps, providerId: string, password: string): Effect.Effect<void, DomainError> =>
  Effect.flatMap(readLiveProvider(deps, providerId), (p) => reauthenticateProvider(deps, p, password));
