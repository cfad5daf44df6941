import type { Checked } from '../service/fields.js';
import type { SortKey } from '../ports/store/ServiceRepo.js';
import { sha256 } from '../shared/sha256.js';
import { isUuid } from '../shared/ids.js';

/** Digest of the parameters a cursor belongs to (everything but `size` and `cursor`). */
export const queryDigest = (params: unknown): string =>
  Buffer.from(sha256(new TextEncoder().encode(JSON.stringify(params))).subarray(0, 12)).toString('base64url');

/** Opaque cursor: base64url of `[nameKey, id, digest]` — the sort key of the last item returned, and its query. */
export const encodeCursor = (last: SortKey, digest: string): string =>
  Buffer.from(JSON.stringify([last.nameKey, last.id, digest]), 'utf8').toString('base64url');

const INVALID = { ok: false, message: 'cursor: invalid cursor' } as const;

/** The position to continue after; a malformed cursor or one from another query is refused. */
export const decodeCursor = (text: string, digest: string): Checked<SortKey> => {
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(text)) return INVALID;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(text, 'base64url')));
  } catch {
    return INVALID;
  }
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'string')) return INVALID;
  const [nameKey, id, d] = value as [string, string, string];
  if (!isUuid(id)) return INVALID;
  if (d !== digest) return { ok: false, message: 'cursor: the cursor belongs to a different query' };
  return { ok: true, value: { nameKey, id } };
};
