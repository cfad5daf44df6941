import fc from 'fast-check';
import { describe, it } from 'vitest';
import { lifecycleProperty } from './lifecycle.js';
import { RUNS, TIMEOUT_MS } from './runs.js';

/** The same command model against the SQL repositories on SQLite: the storage contract in action. */
describe('platform lifecycle on SQLite (model-based, fast-check commands)', () => {
  it(
    'any sequence of provider, service, bot, failure and clock steps keeps every invariant',
    async () => {
      await fc.assert(lifecycleProperty({ store: 'sqlite' }), { numRuns: RUNS.sqlite });
    },
    TIMEOUT_MS,
  );
});
