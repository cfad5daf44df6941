import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arbitraryRequest, materialise } from './support/arbitrary.js';
import { BODY_LIMIT } from './support/mutators.js';
import { budgetMs, fuzzRuns, fuzzSeed, startFuzzHarness, type FuzzHarness } from './support/runner.js';

/** a quarter of FUZZ_RUNS: requests built from nothing, plus the hand-picked hostile cases below */
const RUNS = Math.ceil(fuzzRuns() * 0.25);

const json = { 'content-type': 'application/json' };

describe('fuzzing the app with arbitrary requests (reliability: bad input)', () => {
  let h: FuzzHarness;
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  beforeAll(async () => {
    h = await startFuzzHarness();
  });
  afterAll(async () => {
    console.log(`[fuzz] arbitrary: ${h?.sent ?? 0} requests sent`);
    await h?.stop();
  });

  it(`${RUNS} arbitrary requests: never a 5xx or a stack trace, always the error body, a rejected request changes nothing`, async () => {
    const start = h.sent;
    await fc.assert(
      fc.asyncProperty(arbitraryRequest, async (a) => {
        await h.send(materialise(h.world, a), 'arbitrary');
      }),
      { numRuns: RUNS, ...(fuzzSeed() !== undefined ? { seed: fuzzSeed()! } : {}) },
    );
    expect(h.sent - start).toBeGreaterThanOrEqual(RUNS);
    // JSON bodies with "__proto__" and "constructor" keys were sent: nothing leaked into the shared prototype
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, budgetMs(RUNS));

  it('deeply nested JSON (100 000 levels) is a 400, not a crash', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const r1 = await h.send({ method: 'PUT', path: '/provider', headers: { ...json, ...bearer(h.world.provider.token) }, body: deep }, 'deep');
    expect(r1.status).toBe(400);
    const r2 = await h.send({ method: 'POST', path: '/register', headers: json, body: `{"name":${deep}}` }, 'deep');
    expect(r2.status).toBe(400);
  });

  it('a body of exactly 256 KiB is read; one byte more is 413, declared or streamed', async () => {
    const exact = (n: number) => {
      const head = '{"name":"';
      const tail = '"}';
      return Buffer.from(head + 'x'.repeat(n - head.length - tail.length) + tail);
    };
    const at = await h.send({ method: 'PUT', path: '/provider', headers: { ...json, ...bearer(h.world.provider.token) }, body: exact(BODY_LIMIT) }, 'limit');
    expect(at.status).toBe(400); // read and validated: the name is too long
    expect(at.json.label).toBe('bad-request');
    const over = await h.send({ method: 'PUT', path: '/provider', headers: { ...json, ...bearer(h.world.provider.token) }, body: exact(BODY_LIMIT + 1) }, 'limit');
    expect(over.status).toBe(413);
    expect(over.json.label).toBe('payload-too-large');
  });

  it('lone surrogates, NUL, invalid UTF-8, a BOM and raw control characters are refused or stored, never a crash', async () => {
    const provider = { ...json, ...bearer(h.world.provider.token) };
    const cases: [string, Buffer][] = [
      ['lone surrogate escape', Buffer.from('{"name":"\\ud800"}')],
      ['NUL escape', Buffer.from('{"name":"a\\u0000b"}')],
      ['NUL in a key', Buffer.from('{"na\\u0000me":"x"}')],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
      ['overlong UTF-8', Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])],
      ['BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"x"}')])],
      ['raw BEL in a string', Buffer.from('{"name":"a\u0007b"}')],
      ['raw LF in a string (tolerated)', Buffer.from('{"name":"a\nb"}')],
      ['trailing comma', Buffer.from('{"name":"x",}')],
      ['NaN', Buffer.from('{"name":NaN}')],
      ['duplicate keys', Buffer.from('{"name":"a","name":"b"}')],
      ['number overflow', Buffer.from('{"name":1e999}')],
      ['second JSON text', Buffer.from('{"name":"x"} {"name":"y"}')],
    ];
    for (const [what, body] of cases) {
      const r = await h.send({ method: 'PUT', path: '/provider', headers: provider, body }, 'encoding');
      expect([200, 400], what).toContain(r.status);
    }
  });

  it('prototype-polluting keys are plain data', async () => {
    const r = await h.send(
      {
        method: 'POST',
        path: `/teams/${h.world.teamId}/services/whitelist`,
        headers: { ...json, ...bearer(h.world.alice.token) },
        body: '{"__proto__":{"whitelisted":true,"polluted":1},"constructor":{"prototype":{"polluted":1}},"provider":"x"}',
      },
      'proto',
    );
    expect(r.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('malformed percent-encoding in any path is a 4xx with the error body (API and portal alike)', async () => {
    for (const path of ['/providers/%zz', '/provider/services/%E0%A4%A', '/portal/services/%zz', '/portal/providers/%E0%A4%A', '/portal/static/%zz', '/%']) {
      const r = await h.send({ method: 'GET', path, headers: bearer(h.world.alice.token) }, 'percent');
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
    }
  });
});
