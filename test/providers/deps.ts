import { Ed25519Signer, FakeClock, MemoryStore, SeededRandom } from '@spp/adapters';
import { silentLogger, type Deps, type PasswordHasher, type Policy, type Store } from '@spp/domain';

/** A transparent hasher for model tests: cost is not under test there. */
export const plainHasher: PasswordHasher = {
  hash: async (p) => `plain:${p}`,
  verify: async (p, stored) => ({ ok: stored === `plain:${p}`, needsRehash: false }),
  dummyHash: 'plain:\u0000no account',
};

export const testPolicy = (over: Partial<Policy> = {}): Policy => ({
  providerApproval: 'staff',
  approvalEmail: 'staff@localhost',
  publicUrl: 'http://localhost:8080',
  domain: 'localhost',
  mailFrom: 'no-reply@localhost',
  providerTokenTtl: 86400,
  userTokenTtl: 86400,
  rateLimits: false,
  ...over,
});

const unused = (name: string) =>
  new Proxy(
    {},
    {
      get: (_t, prop) => {
        throw new Error(`${name}.${String(prop)} is not used by the provider area`);
      },
    },
  );

export interface TestDeps extends Deps {
  readonly clock: FakeClock;
}

/** Deps on fakes for use-case tests: memory store, fake clock, seeded randomness; other areas' ports throw if touched. */
export const makeDeps = (over: { policy?: Partial<Policy>; store?: Store; hasher?: PasswordHasher; seed?: number } = {}): TestDeps => {
  const base = {
    store: over.store ?? new MemoryStore(),
    clock: new FakeClock(),
    random: new SeededRandom(over.seed ?? 7),
    hasher: over.hasher ?? plainHasher,
    signer: new Ed25519Signer([Ed25519Signer.generateKey()]),
    logger: silentLogger,
    policy: testPolicy(over.policy),
  };
  // ports of other areas (service client, key inspector, …) are not needed here
  return new Proxy(base, { get: (t, k) => (k in t ? t[k as keyof typeof t] : unused(String(k))) }) as unknown as TestDeps;
};
