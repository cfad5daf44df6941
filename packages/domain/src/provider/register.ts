import { Effect } from 'effect';
import type { DomainError } from '../errors/DomainError.js';
import { call, transact } from '../effect/transact.js';
import { activationMail } from '../mail/templates.js';
import { queueMail } from '../mail/queue.js';
import type { ProviderRecord } from '../ports/store/ProviderRepo.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';
import { REGISTRATION_BUCKET } from '../ratelimit/bucket.js';
import { consumeToken, ipBucketKey } from '../ratelimit/consume.js';
import { base64url } from '../shared/base64url.js';
import { emailKey } from '../shared/email.js';
import { createProvider, purgeDecision } from './aggregate.js';
import { ACTIVATION_TTL_MS, activationKey, CODE_THROTTLE, CODE_TRIES, codeThrottleKey, newCodeValue } from './codes.js';

export interface RegisterInput {
  readonly name: string;
  /** already syntax-checked and trimmed */
  readonly email: string;
  readonly url: string;
  readonly description: string;
  /** absent: the platform generates one and returns it once */
  readonly password?: string;
}

export interface Registered {
  readonly id: string;
  readonly password?: string;
}

export const registrationBucketKey = (ip: string): string => `reg:provider:${ipBucketKey(ip)}`;

/** Removes a never-verified provider and its codes (T8; also when a new registration supersedes it). */
export const purgeRegistered = (deps: Deps, tx: Tx, p: ProviderRecord): Effect.Effect<void, DomainError> =>
  Effect.gen(function* () {
    yield* purgeDecision(p, { approvalMode: deps.policy.providerApproval });
    for (const c of yield* call(() => tx.codes.listByProvider(p.id))) yield* call(() => tx.codes.delete(c.key));
    yield* call(() => tx.providers.remove(p.id));
  });

/**
 * T1 `POST /provider/register`. Checks in the spec's order: (body, at the edge) → registration bucket →
 * e-mail owned → code throttle. The bucket is committed on its own so probing taken e-mails costs tokens;
 * everything else happens in one transaction, after the password hash has been computed outside it.
 */
export const registerProvider = (deps: Deps, input: RegisterInput, ip: string): Effect.Effect<Registered, DomainError> =>
  Effect.gen(function* () {
    const { policy } = deps;
    yield* transact(deps.store, (tx) =>
      consumeToken(tx, REGISTRATION_BUCKET, registrationBucketKey(ip), deps.clock.now(), policy.rateLimits),
    );
    // 18 random bytes → 24 base64url characters (providers.md §2)
    const generated = input.password === undefined ? base64url(deps.random.bytes(18)) : undefined;
    const passwordHash = yield* call(() => deps.hasher.hash(input.password ?? generated!));
    const key = emailKey(input.email);
    const id = deps.random.uuidV4();
    const code = newCodeValue(deps.random);

    yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        const now = deps.clock.now();
        const owner = yield* call(() => tx.providers.findByVerifiedEmailKey(key));
        const provider = yield* createProvider(
          {
            id,
            name: input.name,
            email: input.email,
            emailKey: key,
            url: input.url,
            description: input.description,
            passwordHash,
            createdAt: now,
            verifiedAt: null,
            decidedAt: null,
            reason: null,
            deletedAt: null,
          },
          { approvalMode: policy.providerApproval, emailOwnedByAnother: owner !== undefined },
        );
        yield* consumeToken(tx, CODE_THROTTLE, codeThrottleKey(key), now, policy.rateLimits);
        for (const earlier of yield* call(() => tx.providers.listRegisteredByEmailKey(key))) yield* purgeRegistered(deps, tx, earlier);
        yield* call(() => tx.providers.insert(provider));
        const codeKey = activationKey(key);
        yield* call(() =>
          tx.codes.put({
            key: codeKey,
            purpose: 'activation',
            code,
            providerId: id,
            email: input.email,
            createdAt: now,
            expiresAt: now + ACTIVATION_TTL_MS,
            triesLeft: CODE_TRIES,
            usedAt: null,
          }),
        );
        yield* queueMail(deps, tx, activationMail(policy, provider, input.email, codeKey, code, false));
      }),
    );
    deps.logger.info({ provider: id }, 'provider registered');
    return generated === undefined ? { id } : { id, password: generated };
  });
