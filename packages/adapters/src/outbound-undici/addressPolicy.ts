import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { OutboundTransportError } from './errors.js';

/**
 * `SERVICE_ADDRESSES` (spec README, Configuration): `any` allows every address; `public` refuses loopback, private,
 * link-local and unspecified addresses, judged on the resolved address at connect time.
 */
export type ServiceAddressPolicy = 'any' | 'public';

/** IPv4 ranges refused under `public`: [first octets as a 32-bit number, prefix length]. */
const FORBIDDEN_V4: ReadonlyArray<readonly [number, number]> = [
  [v4('0.0.0.0'), 8],
  [v4('10.0.0.0'), 8],
  [v4('100.64.0.0'), 10],
  [v4('127.0.0.0'), 8],
  [v4('169.254.0.0'), 16],
  [v4('172.16.0.0'), 12],
  [v4('192.168.0.0'), 16],
];

function v4(address: string): number {
  const parts = address.split('.');
  let n = 0;
  for (const p of parts) n = n * 256 + Number(p);
  return n >>> 0;
}

function inV4Range(n: number, base: number, prefix: number): boolean {
  if (prefix === 0) return true;
  const mask = (0xffffffff << (32 - prefix)) >>> 0;
  return ((n & mask) >>> 0) === ((base & mask) >>> 0);
}

function isForbiddenV4(address: string): boolean {
  const n = v4(address);
  return FORBIDDEN_V4.some(([base, prefix]) => inV4Range(n, base, prefix));
}

/** Expands an IPv6 literal (optionally with an embedded dotted IPv4 tail, brackets or a zone id) to 8 hextets. */
export function expandIPv6(address: string): number[] | null {
  let a = address;
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone !== -1) a = a.slice(0, zone);
  const lastColon = a.lastIndexOf(':');
  if (lastColon === -1) return null;
  const last = a.slice(lastColon + 1);
  if (last.includes('.')) {
    if (!isIPv4(last)) return null;
    const n = v4(last);
    a = `${a.slice(0, lastColon + 1)}${((n >>> 16) & 0xffff).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = a.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const h of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(h)) return null;
      out.push(parseInt(h, 16));
    }
    return out;
  };
  const head = parse(halves[0] ?? '');
  if (head === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const rest = parse(halves[1] ?? '');
  if (rest === null) return null;
  const fill = 8 - head.length - rest.length;
  if (fill < 1) return null;
  return [...head, ...new Array<number>(fill).fill(0), ...rest];
}

function isForbiddenV6(address: string): boolean {
  const g = expandIPv6(address);
  if (g === null) return true; // unparseable: refuse rather than guess
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  // IPv4-mapped (::ffff:a.b.c.d) is judged by its IPv4 address
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return isForbiddenV4(`${g6 >>> 8}.${g6 & 0xff}.${g7 >>> 8}.${g7 & 0xff}`);
  }
  const allZeroButLast = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0 && g6 === 0;
  if (allZeroButLast && (g7 === 0 || g7 === 1)) return true; // :: and ::1
  if ((g0 & 0xfe00) === 0xfc00) return true; // fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return true; // fe80::/10
  return false;
}

/** True when `address` (an IP literal) may not be connected to under `SERVICE_ADDRESSES=public`. */
export function isForbiddenAddress(address: string): boolean {
  if (isIPv4(address)) return isForbiddenV4(address);
  if (isIPv6(address) || address.includes(':')) return isForbiddenV6(address);
  return true; // not an IP literal at all: refuse
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for `net.connect` that resolves with the system resolver and drops forbidden addresses; when none is
 * left the connection fails with `ForbiddenAddress`. Node calls it at connect time, so the check is on the address
 * actually about to be connected (no gap for DNS rebinding).
 */
export function publicOnlyLookup(resolve: LookupFunction = dnsLookup as unknown as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, options.all ? [] : '');
        return;
      }
      const list: LookupAddress[] = Array.isArray(addresses)
        ? addresses
        : [{ address: addresses, family: isIP(addresses) }];
      const allowed = list.filter((a) => !isForbiddenAddress(a.address));
      if (allowed.length === 0) {
        const shown = list.map((a) => a.address).join(', ');
        callback(
          new OutboundTransportError('ForbiddenAddress', `${hostname} resolves to non-public address(es) ${shown}`),
          options.all ? [] : '',
        );
        return;
      }
      if (options.all) {
        callback(null, allowed);
      } else {
        const first = allowed[0]!;
        callback(null, first.address, first.family);
      }
    });
  };
}
