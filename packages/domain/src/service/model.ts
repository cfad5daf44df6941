import type { ServiceTag } from './tags.js';

export type ServiceState = 'disabled' | 'enabled' | 'deleting';

export interface Asset {
  readonly type: 'image';
  readonly key: string;
  readonly size?: 'preview' | 'complete';
}

/** A pinned key: the canonical DER SubjectPublicKeyInfo, plus what the provider is shown about it. */
export interface ServiceKey {
  readonly der: Uint8Array;
  /** modulus bits */
  readonly size: number;
  /** `sha256/` + standard padded base64 of SHA-256(der) (RFC 7469 pin) */
  readonly fingerprint: string;
}

/** A service as stored. `nameKey` is the lowercased name the directory sorts and prefix-matches on. */
export interface ServiceRecord {
  readonly id: string;
  readonly providerId: string;
  readonly state: ServiceState;
  readonly name: string;
  readonly nameKey: string;
  readonly summary: string;
  readonly description: string;
  readonly baseUrl: string;
  /** 1..2; outbound requests carry the first */
  readonly authTokens: readonly string[];
  /** 1..2, order kept */
  readonly keys: readonly ServiceKey[];
  readonly assets: readonly Asset[];
  /** 1..3, distinct, in list order */
  readonly tags: readonly ServiceTag[];
  /** 0..4 × 64 lowercase hex */
  readonly identityFingerprints: readonly string[];
  /** ms */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Unicode default case mapping (locale-independent), as the directory compares names. */
export const nameKeyOf = (name: string): string => name.toLowerCase();

/** Orders strings by code point (UTF-16 `<` would misplace astral characters after U+E000..U+FFFF). */
export const compareCodePoints = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
};

/** The order of every service list: (lowercased name by code point, id). */
export const compareSortKeys = (a: { nameKey: string; id: string }, b: { nameKey: string; id: string }): number =>
  compareCodePoints(a.nameKey, b.nameKey) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
