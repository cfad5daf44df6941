import { describe, expect, it } from 'vitest';
import { Effect } from 'effect';
import { MemoryStore, SystemClock } from '@spp/adapters';
import type { Store } from '@spp/domain';
import { jobRunnerTask } from '../../packages/app/src/workers/jobRunner.js';
import type { AppContext } from '../../packages/app/src/http/types.js';

const flush = async () => {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
};

/** a memory store that counts job claims */
const countingStore = () => {
  const store = new MemoryStore();
  let claims = 0;
  const transaction = store.transaction.bind(store) as Store['transaction'];
  (store as unknown as { transaction: Store['transaction'] }).transaction = ((fn, opts) =>
    transaction((tx) => {
      const jobs = tx.jobs;
      const counted = Object.create(jobs, {
        claim: { value: (...a: Parameters<typeof jobs.claim>) => (claims++, jobs.claim(...a)) },
      });
      return fn(Object.create(tx, { jobs: { value: counted } }));
    }, opts)) as Store['transaction'];
  return { store, claims: () => claims };
};

describe('job runner', () => {
  it('answers a stream of commits with one claim per 200 ms gap, not one per commit', async () => {
    // real timers: the defect was timers of one deadline firing in separate turns, each waking the re-armed waiter
    const clock = new SystemClock();
    const { store, claims } = countingStore();
    const logger = { info() {}, error() {}, warn() {}, debug() {} };
    const ctx = { deps: { store, clock }, config: { jobLeaseMs: 60_000 }, logger } as unknown as AppContext;
    const runner = jobRunnerTask(ctx, { noop: () => Effect.succeed('done' as const) });
    runner.start();
    await flush();
    expect(claims()).toBe(1);
    // unrelated commits for 600 ms: at most one claim per 200 ms gap (a slow machine makes fewer, never more)
    const until = Date.now() + 600;
    while (Date.now() < until) {
      await store.transaction(async () => undefined);
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 250));
    expect(claims()).toBeGreaterThanOrEqual(2);
    expect(claims()).toBeLessThanOrEqual(6);
    await runner.stop();
  });
});
