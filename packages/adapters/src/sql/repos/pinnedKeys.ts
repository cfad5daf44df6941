/**
 * The pinned DER keys of a stored `public_keys` column, decoded once per distinct value: deliveries read them
 * before every request, and a service's keys change rarely. Keyed by the column's text, so a changed key is a
 * different entry and nothing can go stale.
 */
const decoded = new Map<string, readonly Uint8Array[]>();
const MAX_ENTRIES = 4096;

export const pinnedKeysOf = (publicKeysJson: string): readonly Uint8Array[] => {
  let keys = decoded.get(publicKeysJson);
  if (!keys) {
    keys = (JSON.parse(publicKeysJson) as { der: string }[]).map((k) => new Uint8Array(Buffer.from(k.der, 'base64')));
    // a bounded memo: dropping everything at the bound is simpler than LRU and the decode is cheap
    if (decoded.size >= MAX_ENTRIES) decoded.clear();
    decoded.set(publicKeysJson, keys);
  }
  return keys;
};
