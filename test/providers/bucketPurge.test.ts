import fc from 'fast-check';
import { Effect } from 'effect';
import { describe, expect, it } from 'vitest';
import { FakeClock, MemoryStore } from '@spp/adapters';
import { BUCKET_IDLE_MS, PASSWORD_BUCKET, REGISTRATION_BUCKET, purgeExpired, takeToken, type Deps } from '@spp/domain';

describe('idle rate-limit buckets', () => {
  it('answer exactly as an absent bucket once idle for BUCKET_IDLE_MS, so deleting them changes nothing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(PASSWORD_BUCKET, REGISTRATION_BUCKET),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.integer({ min: 0, max: 10 ** 9 }),
        (policy, tokens, updatedAt, extra) => {
          const now = updatedAt + BUCKET_IDLE_MS + extra;
          expect(takeToken(policy, { tokens: Math.min(tokens, policy.burst), updatedAt }, now)).toEqual(takeToken(policy, undefined, now));
        },
      ),
    );
  });

  it('are deleted by the housekeeping purge, fresher ones are kept', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const now = clock.now();
    await store.transaction(async (tx) => {
      await tx.rateLimits.putBucket('pw:old@example.com', { tokens: 0, updatedAt: now - BUCKET_IDLE_MS - 1 });
      await tx.rateLimits.putBucket('pw:recent@example.com', { tokens: 0, updatedAt: now - BUCKET_IDLE_MS + 1 });
    });
    const logger = { info() {}, warn() {}, error() {}, debug() {} };
    const counts = await Effect.runPromise(purgeExpired({ store, clock, logger } as unknown as Deps));
    expect(counts.buckets).toBe(1);
    expect(await store.read((tx) => tx.rateLimits.getBucket('pw:old@example.com'))).toBeUndefined();
    expect(await store.read((tx) => tx.rateLimits.getBucket('pw:recent@example.com'))).toBeDefined();
  });
});
