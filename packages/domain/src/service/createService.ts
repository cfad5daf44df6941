import { Effect } from 'effect';
import { freshHealth } from '../bot/health.js';
import { call, transact } from '../effect/transact.js';
import { fail, type DomainError } from '../errors/DomainError.js';
import type { Deps } from '../platform.js';
import { generateAuthToken } from './fields.js';
import { invalidKeyMessage, parseServiceKey } from './keys.js';
import { nameKeyOf, type Asset, type ServiceRecord } from './model.js';
import { liveProvider, requireApproved } from './providerGate.js';
import { serviceTransition } from './stateMachine.js';
import type { ServiceTag } from './tags.js';

/** `POST /provider/services` after body validation (fields already checked and normalised by §2 rules). */
export interface NewService {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly baseUrl: string;
  /** PEM, checked here (after provider and approval, as the spec orders it) */
  readonly publicKey: string;
  readonly authToken?: string;
  readonly assets: readonly Asset[];
  readonly tags: readonly ServiceTag[];
  readonly identityFingerprints: readonly string[];
}

export interface CreatedService {
  readonly id: string;
  /** only when generated: returned once */
  readonly generatedAuthToken?: string;
}

/** S1: ∅ → disabled. Checks in order: provider → approval → key. */
export const createService = (deps: Deps, providerId: string, input: NewService): Effect.Effect<CreatedService, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const provider = yield* liveProvider(tx, providerId);
      yield* requireApproved(provider);
      const key = parseServiceKey(deps.keyInspector, input.publicKey);
      if (!key.ok) return yield* Effect.fail(fail('invalid-service-key', invalidKeyMessage(key.message)));
      const generated = input.authToken === undefined ? generateAuthToken(deps.random) : undefined;
      const now = deps.clock.now();
      const service: ServiceRecord = {
        id: deps.random.uuidV4(),
        providerId,
        state: serviceTransition(null, 'create')!.to!,
        name: input.name,
        nameKey: nameKeyOf(input.name),
        summary: input.summary,
        description: input.description,
        baseUrl: input.baseUrl,
        authTokens: [input.authToken ?? generated!],
        keys: [key.value],
        assets: input.assets,
        tags: input.tags,
        identityFingerprints: input.identityFingerprints,
        createdAt: now,
        updatedAt: now,
      };
      yield* call(() => tx.services.put(service));
      yield* call(() => tx.services.putHealth(service.id, freshHealth()));
      return generated === undefined ? { id: service.id } : { id: service.id, generatedAuthToken: generated };
    }),
  );
