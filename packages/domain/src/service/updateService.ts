import { Effect } from 'effect';
import { resetBreaker } from '../bot/breaker.js';
import { updateHealth } from '../bot/healthStore.js';
import { call, transact } from '../effect/transact.js';
import { fail, type DomainError } from '../errors/DomainError.js';
import type { Deps } from '../platform.js';
import { invalidKeyMessage, parseServiceKey } from './keys.js';
import { nameKeyOf, type Asset, type ServiceKey, type ServiceRecord } from './model.js';
import { ownedService } from './ownedService.js';
import { liveProvider, reauthenticate, requireApproved } from './providerGate.js';
import { serviceTransition } from './stateMachine.js';
import type { ServiceTag } from './tags.js';

/** `PUT /provider/services/{sid}`: every field optional, no password. */
export interface ProfilePatch {
  readonly name?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly assets?: readonly Asset[];
  readonly tags?: readonly ServiceTag[];
}

export const updateServiceProfile = (
  deps: Deps,
  providerId: string,
  serviceId: string,
  patch: ProfilePatch,
): Effect.Effect<void, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      yield* liveProvider(tx, providerId);
      const s = yield* ownedService(tx, providerId, serviceId);
      const next: ServiceRecord = {
        ...s,
        ...(patch.name !== undefined ? { name: patch.name, nameKey: nameKeyOf(patch.name) } : {}),
        ...(patch.summary !== undefined ? { summary: patch.summary } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.assets !== undefined ? { assets: patch.assets } : {}),
        ...(patch.tags !== undefined ? { tags: patch.tags } : {}),
        updatedAt: deps.clock.now(),
      };
      yield* call(() => tx.services.put(next));
    }),
  );

/** `PUT /provider/services/{sid}/connection`: only `password` is required; each present field replaces. */
export interface ConnectionPatch {
  readonly password: string;
  readonly baseUrl?: string;
  /** PEM strings, checked here (last, as the spec orders it) */
  readonly publicKeys?: readonly string[];
  readonly authTokens?: readonly string[];
  readonly enabled?: boolean;
  readonly identityFingerprints?: readonly string[];
}

/**
 * S2/S3 and connection changes. Checks in order: provider exists → password bucket → password → approval →
 * service → keys. Resets the breaker (external-service-api.md §4) and closes pooled connections afterwards.
 */
export const updateServiceConnection = (
  deps: Deps,
  providerId: string,
  serviceId: string,
  patch: ConnectionPatch,
): Effect.Effect<void, DomainError> =>
  Effect.gen(function* () {
    yield* reauthenticate(deps, providerId, patch.password);
    yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        // re-read: the account may have changed while the password was checked
        yield* requireApproved(yield* liveProvider(tx, providerId));
        const s = yield* ownedService(tx, providerId, serviceId);
        let keys: readonly ServiceKey[] = s.keys;
        if (patch.publicKeys !== undefined) {
          const parsed: ServiceKey[] = [];
          for (const [i, pem] of patch.publicKeys.entries()) {
            const k = parseServiceKey(deps.keyInspector, pem);
            if (!k.ok) return yield* Effect.fail(fail('invalid-service-key', invalidKeyMessage(k.message, i)));
            parsed.push(k.value);
          }
          keys = parsed;
        }
        let state = s.state;
        if (patch.enabled !== undefined) {
          const t = serviceTransition(s.state, patch.enabled ? 'enable' : 'disable');
          if (t) state = t.to!;
        }
        const next: ServiceRecord = {
          ...s,
          state,
          keys,
          ...(patch.baseUrl !== undefined ? { baseUrl: patch.baseUrl } : {}),
          ...(patch.authTokens !== undefined ? { authTokens: patch.authTokens } : {}),
          ...(patch.identityFingerprints !== undefined ? { identityFingerprints: patch.identityFingerprints } : {}),
          updatedAt: deps.clock.now(),
        };
        yield* call(() => tx.services.put(next));
        yield* updateHealth(tx, serviceId, resetBreaker);
      }),
    );
    yield* call(() => deps.serviceClient.closeService(serviceId));
  });
