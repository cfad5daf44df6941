import type { Prekey } from '../ports/ConversationHost.js';

export interface NewBotResponse {
  readonly prekeys: readonly Prekey[];
  readonly lastPrekey: Prekey;
  readonly name?: string;
  readonly accentId?: number;
  readonly assets?: readonly unknown[];
}

export type ParseFailure = 'InvalidResponse' | 'MalformedPrekeys';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const codePointLength = (s: string) => [...s].length;

const isAsset = (a: unknown): boolean =>
  isObj(a) &&
  a.type === 'image' &&
  typeof a.key === 'string' &&
  /^[\x21-\x7e]{1,256}$/.test(a.key) &&
  (a.size === undefined || a.size === 'preview' || a.size === 'complete');

/**
 * Shape of a service's 201 answer (external-service-api.md §2). Wrong shape → InvalidResponse; ids out of
 * range, repeated, or a last prekey other than 65535 → MalformedPrekeys. Bundle decoding is checked after.
 */
export const parseNewBotResponse = (body: string): NewBotResponse | ParseFailure => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'InvalidResponse';
  }
  if (!isObj(json) || !Array.isArray(json.prekeys) || !isObj(json.last_prekey)) return 'InvalidResponse';
  const shaped = (p: unknown): p is Prekey => isObj(p) && isInt(p.id) && typeof p.key === 'string';
  if (!json.prekeys.every(shaped) || !shaped(json.last_prekey)) return 'InvalidResponse';
  if (json.name !== undefined && (typeof json.name !== 'string' || codePointLength(json.name) < 1 || codePointLength(json.name) > 128))
    return 'InvalidResponse';
  if (json.accent_id !== undefined && !isInt(json.accent_id)) return 'InvalidResponse';
  if (json.assets !== undefined && (!Array.isArray(json.assets) || json.assets.length > 10 || !json.assets.every(isAsset)))
    return 'InvalidResponse';
  const prekeys = json.prekeys as Prekey[];
  if (prekeys.length > 1000) return 'MalformedPrekeys';
  const ids = new Set<number>();
  for (const p of prekeys) {
    if (p.id < 0 || p.id > 65534 || ids.has(p.id)) return 'MalformedPrekeys';
    ids.add(p.id);
  }
  const last = json.last_prekey as Prekey;
  if (last.id !== 65535) return 'MalformedPrekeys';
  return {
    prekeys: prekeys.map((p) => ({ id: p.id, key: p.key })),
    lastPrekey: { id: last.id, key: last.key },
    ...(json.name !== undefined ? { name: json.name as string } : {}),
    ...(json.accent_id !== undefined ? { accentId: json.accent_id as number } : {}),
    ...(json.assets !== undefined ? { assets: json.assets as unknown[] } : {}),
  };
};
