import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activationKey,
  approvalKey,
  checkCode,
  constantTimeEquals,
  isValidCodeKey,
  isValidCodeValue,
  newCodeValue,
  sha256,
  type CodeRecord,
} from '@spp/domain';
import { SeededRandom } from '@spp/adapters';

const nodeSha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

describe('pure SHA-256', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    const hex = (s: string) => Buffer.from(sha256(new TextEncoder().encode(s))).toString('hex');
    expect(hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto on every length around the block boundaries and on random data', () => {
    for (let n = 0; n <= 200; n++) {
      const data = new Uint8Array(randomBytes(n));
      expect(Buffer.from(sha256(data)).equals(Buffer.from(nodeSha(data))), `length ${n}`).toBe(true);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => Buffer.from(sha256(data)).equals(Buffer.from(nodeSha(data)))),
      { numRuns: 200 },
    );
  });
});

describe('verification code keys and values', () => {
  it('derives the activation key from the e-mail key: 20 base64url characters, deterministic', () => {
    const expected = createHash('sha256').update('dev@acme.example').digest().subarray(0, 15).toString('base64url');
    expect(activationKey('dev@acme.example')).toBe(expected);
    expect(activationKey('dev@acme.example')).toHaveLength(20);
    expect(isValidCodeKey(activationKey('x@y.z'))).toBe(true);
  });

  it('derives the approval key from "approval:" + provider id', () => {
    const pid = '11111111-1111-4111-8111-111111111111';
    expect(approvalKey(pid)).toBe(createHash('sha256').update(`approval:${pid}`).digest().subarray(0, 15).toString('base64url'));
  });

  it('makes 20-character base64url code values', () => {
    const r = new SeededRandom(1);
    for (let i = 0; i < 50; i++) {
      const c = newCodeValue(r);
      expect(c).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(isValidCodeValue(c)).toBe(true);
    }
    expect(isValidCodeValue('abc12')).toBe(false);
    expect(isValidCodeValue('a'.repeat(21))).toBe(false);
    expect(isValidCodeValue('abcdef+/')).toBe(false);
  });

  it('compares in constant time (result only; the loop always runs over the longer input)', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => constantTimeEquals(a, b) === (a === b)));
    expect(constantTimeEquals('abc', 'abc\u0000')).toBe(false);
  });
});

describe('checkCode', () => {
  const base: CodeRecord = {
    key: 'k'.repeat(20),
    purpose: 'activation',
    code: 'c'.repeat(20),
    providerId: '11111111-1111-4111-8111-111111111111',
    email: 'a@b.c',
    createdAt: 0,
    expiresAt: 1000,
    triesLeft: 3,
    usedAt: null,
  };

  it('accepts the right value, spends a try on a wrong one, and dies after three wrong tries', () => {
    expect(checkCode(base, base.code, 10).kind).toBe('accepted');
    let c = base;
    for (let i = 0; i < 3; i++) {
      const r = checkCode(c, 'wrongwrong', 10);
      expect(r.kind).toBe('wrong');
      if (r.kind === 'wrong') c = r.next;
    }
    expect(c.triesLeft).toBe(0);
    expect(checkCode(c, base.code, 10).kind).toBe('invalid');
  });

  it('refuses expired codes and reports used ones only for the right value', () => {
    expect(checkCode(base, base.code, 1001).kind).toBe('invalid');
    expect(checkCode(base, base.code, 1000).kind).toBe('accepted');
    const used = { ...base, usedAt: 5 };
    expect(checkCode(used, base.code, 10).kind).toBe('used');
    expect(checkCode(used, 'wrongwrong', 10).kind).toBe('invalid');
  });
});
