import fc from 'fast-check';
import type { SimulationWrappers } from '@spp/adapters';
import type { Store, Tx } from '@spp/domain';
import { Effect } from 'effect';
import { describe, expect, it } from 'vitest';
import { lifecycleProperty } from './lifecycle.js';
import { TIMEOUT_MS } from './runs.js';

/**
 * Testing the tests: each case plants one bug through the harness's port wrappers (the domain code is untouched)
 * and requires the lifecycle property to fail, shrink, and name the invariant the bug breaks. A model or an
 * invariant that stopped checking something would make one of these pass silently — here it fails instead.
 */

/** A store whose transactions see `repo` with some methods replaced (`patch` gets the real repository). */
const patchRepo =
  <K extends keyof Tx>(repo: K, patch: (real: Tx[K]) => Partial<Tx[K]>) =>
  (store: Store): Store => {
    const wrap = (tx: Tx): Tx => ({ ...tx, [repo]: Object.assign(Object.create(tx[repo] as object) as Tx[K], patch(tx[repo])) });
    return {
      get kind() {
        return store.kind;
      },
      transaction: (fn, options) => store.transaction((tx) => fn(wrap(tx)), options),
      read: (fn) => store.read((tx) => fn(wrap(tx))),
      onCommit: (listener) => store.onCommit(listener),
      ping: () => store.ping(),
      close: () => store.close(),
    };
  };

const MUTANTS: readonly { name: string; wrap: SimulationWrappers; caughtBy: RegExp }[] = [
  {
    name: 'a removed bot is never marked removed (its token would keep working)',
    wrap: { store: patchRepo('bots', () => ({ markRemoved: async () => undefined })) },
    caughtBy: /store says live, model removed|removed bot .* answered OK|live bots stored/,
  },
  {
    name: 'de-whitelisting forgets to remove the service’s bots from team conversations',
    wrap: { store: patchRepo('bots', () => ({ listLiveByServiceInTeam: async () => [] })) },
    caughtBy: /does not whitelist is still in team conversation|store says live, model removed|live bots stored/,
  },
  {
    name: 'rename events never reach the delivery queue',
    wrap: { sink: (sink) => (tx, event, bots) => (event.type === 'conversation.rename' ? Effect.void : sink(tx, event, bots)) },
    caughtBy: /rename:.* never arrived/,
  },
  {
    name: 'the first finished delivery item is not removed from the queue (it goes out twice)',
    wrap: {
      // one planted fault per simulation
      store: (store) => {
        let skipped = false;
        return patchRepo('deliveries', (real) => ({
          complete: async (botId: string, seq: number, owner: string, until: number) => {
            if (skipped) return real.complete(botId, seq, owner, until);
            skipped = true;
            // the lease is renewed, the item stays
            return real.renewLease(botId, owner, until);
          },
        }))(store);
      },
    },
    caughtBy: /sent again after later items|attempted again|out of order or unexpected|health counts/,
  },
];

describe('the lifecycle property catches planted bugs, with a shrunk counterexample', () => {
  for (const mutant of MUTANTS)
    it(
      mutant.name,
      async () => {
        // a fixed seed keeps this deterministic; the property itself is the one CI runs
        const result = await fc.check(lifecycleProperty({ wrap: mutant.wrap }), { numRuns: 300, seed: 20260131 });
        expect(result.failed, 'the planted bug went unnoticed').toBe(true);
        expect(String(result.errorInstance)).toMatch(mutant.caughtBy);
        // shrinking leaves a short command list that still shows the bug
        expect(result.counterexample?.[1]).toBeDefined();
        expect([...result.counterexample![1]].length).toBeLessThanOrEqual(12);
      },
      TIMEOUT_MS,
    );
});
