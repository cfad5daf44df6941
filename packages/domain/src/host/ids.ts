import type { Clock } from '../ports/Clock.js';
import type { Random } from '../ports/Random.js';

/** 100-ns intervals between the Gregorian epoch (1582-10-15) and the Unix epoch */
const GREGORIAN_OFFSET = 122_192_928_000_000_000n;

/**
 * A time-ordered UUID (version 1, as wire-server's notification ids) from the clock and random sub-millisecond
 * ticks, clock sequence and node (multicast bit set, RFC 4122 §4.5, since it is not a MAC address).
 */
export const notificationId = (clock: Clock, random: Random): string => {
  const r = random.bytes(10);
  const sub = BigInt(((r[0]! << 8) | r[1]!) % 10_000);
  const t = BigInt(clock.now()) * 10_000n + sub + GREGORIAN_OFFSET;
  const hex = (v: bigint, digits: number) => v.toString(16).padStart(digits, '0');
  const timeLow = hex(t & 0xffff_ffffn, 8);
  const timeMid = hex((t >> 32n) & 0xffffn, 4);
  const timeHi = hex(((t >> 48n) & 0x0fffn) | 0x1000n, 4);
  const clockSeq = hex(BigInt((((r[2]! & 0x3f) | 0x80) << 8) | r[3]!), 4);
  const node = [r[4]! | 0x01, r[5]!, r[6]!, r[7]!, r[8]!, r[9]!].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${timeLow}-${timeMid}-${timeHi}-${clockSeq}-${node}`;
};

/** ms since the Unix epoch encoded in a version-1 UUID (for tests and diagnostics) */
export const notificationIdTime = (id: string): number => {
  const [low, mid, hi] = id.split('-') as [string, string, string];
  const t = (BigInt(`0x${hi}`) & 0x0fffn) << 48n | BigInt(`0x${mid}`) << 32n | BigInt(`0x${low}`);
  return Number((t - GREGORIAN_OFFSET) / 10_000n);
};

/** A random client id: a non-zero 64-bit value in lowercase hex without leading zeros. */
export const randomClientId = (random: Random): string => {
  for (;;) {
    const hex = Array.from(random.bytes(8), (b) => b.toString(16).padStart(2, '0')).join('').replace(/^0+/, '');
    if (hex) return hex;
  }
};
