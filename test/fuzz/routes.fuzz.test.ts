import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMutations, mutations } from './support/mutators.js';
import { budgetMs, fuzzRuns, fuzzSeed, prekey, startFuzzHarness, type FuzzHarness } from './support/runner.js';
import { seedsOf } from './support/seeds.js';

/** three quarters of FUZZ_RUNS: mutated versions of a valid request to every route */
const RUNS = Math.ceil(fuzzRuns() * 0.75);

/** answers that stop a request before the route's own code runs */
const SHALLOW = new Set([400, 401, 403, 404, 405, 413, 415]);

describe('fuzzing every route with mutated requests (reliability: bad input)', () => {
  let h: FuzzHarness;
  beforeAll(async () => {
    h = await startFuzzHarness();
  });
  afterAll(async () => {
    console.log(`[fuzz] routes: ${h?.sent ?? 0} requests sent`);
    await h?.stop();
  });

  it('has a seed for every route of the OpenAPI document', async () => {
    const doc = await h.world.app.req('GET', '/api-docs/openapi.json', { token: h.world.alice.token });
    expect(doc.status).toBe(200);
    const documented = Object.entries(doc.json.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([A-Za-z]+)\}/g, ':$1')}`),
    );
    const seeded = new Set(seedsOf(h.world, prekey).map((s) => s.route));
    expect(documented.length).toBeGreaterThan(70);
    expect(documented.filter((r) => !seeded.has(r))).toEqual([]);
  });

  it(`${RUNS} mutated requests: never a 5xx or a stack trace, always the error body, a rejected request changes nothing`, async () => {
    const start = h.sent;
    await fc.assert(
      fc.asyncProperty(mutations, async (m) => {
        const seeds = seedsOf(h.world, prekey);
        const seed = seeds[m.seed % seeds.length]!;
        await h.send(applyMutations(h.world, seed, m), seed.route);
      }),
      { numRuns: RUNS, ...(fuzzSeed() !== undefined ? { seed: fuzzSeed()! } : {}) },
    );
    expect(h.sent - start).toBeGreaterThanOrEqual(RUNS);

    // every route was reached, and most got past routing, authentication and body checks at least once
    const routes = seedsOf(h.world, prekey).map((s) => s.route);
    const shallowOnly = routes.filter((r) => ![...(h.statuses.get(r)?.keys() ?? [])].some((s) => !SHALLOW.has(s)));
    console.log(
      `[fuzz] routes: ${routes.length} routes, statuses per route:\n` +
        routes.map((r) => `  ${r}: ${[...(h.statuses.get(r) ?? new Map()).entries()].map(([s, n]) => `${s}×${n}`).join(' ')}`).join('\n'),
    );
    expect(routes.filter((r) => !h.statuses.has(r))).toEqual([]);
    expect(shallowOnly.length).toBeLessThanOrEqual(Math.floor(routes.length * 0.25));
  }, budgetMs(RUNS));
});
