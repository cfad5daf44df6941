import fc from 'fast-check';
import { describe, it } from 'vitest';
import { outcomeStats } from './commands.js';
import { lifecycleProperty } from './lifecycle.js';
import { RUNS, TIMEOUT_MS } from './runs.js';

describe('platform lifecycle on the memory store (model-based, fast-check commands)', () => {
  it(
    'any sequence of provider, service, bot, failure and clock steps keeps every invariant',
    async () => {
      await fc.assert(lifecycleProperty({ store: 'memory' }), { numRuns: RUNS.memory });
      // SIM_STATS=1: how often each step answered what, to judge what the generators reach
      if (process.env.SIM_STATS === '1') console.log([...outcomeStats].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
    },
    TIMEOUT_MS,
  );
});
