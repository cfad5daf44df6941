import { constantTimeEquals } from '@spp/domain';
import { describe, expect, it } from 'vitest';
import { secretEquals } from '../../packages/app/src/http/auth.js';

/**
 * Secrets the platform compares itself are compared in constant time: the admin token and the portal's CSRF token
 * (`secretEquals`: SHA-256 of both, then `timingSafeEqual`) and verification codes (`constantTimeEquals`). Other
 * secrets never meet a string comparison: tokens are checked by their Ed25519 signature, passwords by scrypt and
 * `timingSafeEqual`, pinned keys by `timingSafeEqual` (adapters).
 *
 * The measurement: a long secret compared with a guess that is wrong in its first character and with one that is
 * wrong only in its last. A short-circuiting comparison takes far longer on the second; a constant-time one takes
 * the same. Plain `===` is measured the same way as a control, proving the measurement can see a leak.
 */

const LENGTH = 64 * 1024;
const secret = Array.from({ length: LENGTH }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('');
// fresh strings (no cached hash, no shared representation with the secret)
const wrongFirst = `#${secret.slice(1)}`.split('').join('');
const wrongLast = `${secret.slice(0, -1)}#`.split('').join('');

/** median over rounds of the mean time per call, alternating the two guesses so drift hits both alike */
const timing = (compare: (a: string, b: string) => boolean, calls: number) => {
  const rounds = 25;
  const first: number[] = [];
  const last: number[] = [];
  let sink = 0;
  const run = (guess: string) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) if (compare(secret, guess)) sink++;
    return Number(process.hrtime.bigint() - t0) / calls;
  };
  for (let i = 0; i < 5; i++) run(i % 2 ? wrongFirst : wrongLast); // warm-up (JIT)
  for (let r = 0; r < rounds; r++) {
    if (r % 2) {
      first.push(run(wrongFirst));
      last.push(run(wrongLast));
    } else {
      last.push(run(wrongLast));
      first.push(run(wrongFirst));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  expect(sink).toBe(0);
  return { wrongFirstNs: median(first), wrongLastNs: median(last), ratio: median(last) / median(first) };
};

describe('secrets are compared in constant time', () => {
  it('the control: plain === on a 64 KiB secret leaks where the guess goes wrong', () => {
    const t = timing((a, b) => a === b, 200);
    console.log(`[constant-time] === : ${JSON.stringify(t)}`);
    expect(t.ratio).toBeGreaterThan(5);
  });

  it('secretEquals (admin token, CSRF token) takes the same time wherever the guess goes wrong', () => {
    const t = timing(secretEquals, 40);
    console.log(`[constant-time] secretEquals: ${JSON.stringify(t)}`);
    expect(t.ratio).toBeGreaterThan(0.75);
    expect(t.ratio).toBeLessThan(1.33);
  });

  it('constantTimeEquals (verification codes) takes the same time wherever the guess goes wrong', () => {
    const t = timing(constantTimeEquals, 40);
    console.log(`[constant-time] constantTimeEquals: ${JSON.stringify(t)}`);
    expect(t.ratio).toBeGreaterThan(0.75);
    expect(t.ratio).toBeLessThan(1.33);
  });
});
