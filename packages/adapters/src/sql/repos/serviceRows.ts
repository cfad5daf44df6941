import type { Asset, ServiceHealth, ServiceKey, ServiceRecord, ServiceState, ServiceTag } from '@spp/domain';

/** A `services` row as both engines return it. */
export interface ServiceRow {
  id: string;
  provider_id: string;
  state: string;
  name: string;
  name_key: string;
  summary: string;
  description: string;
  base_url: string;
  auth_tokens: string;
  public_keys: string;
  assets: string;
  tags: string;
  identity_fingerprints: string;
  created_at: number | string;
  updated_at: number | string;
}

interface StoredKey {
  der: string;
  size: number;
  fingerprint: string;
}

export const SERVICE_COLUMNS =
  'id, provider_id, state, name, name_key, summary, description, base_url, auth_tokens, public_keys, assets, tags, identity_fingerprints, created_at, updated_at';

/** the same columns qualified by a table alias */
export const serviceColumnsOf = (alias: string): string =>
  SERVICE_COLUMNS.split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');

const keysToJson = (keys: readonly ServiceKey[]): string =>
  JSON.stringify(keys.map((k): StoredKey => ({ der: Buffer.from(k.der).toString('base64'), size: k.size, fingerprint: k.fingerprint })));

const keysFromJson = (text: string): ServiceKey[] =>
  (JSON.parse(text) as StoredKey[]).map((k) => ({ der: new Uint8Array(Buffer.from(k.der, 'base64')), size: k.size, fingerprint: k.fingerprint }));

export const serviceToParams = (s: ServiceRecord): unknown[] => [
  s.id,
  s.providerId,
  s.state,
  s.name,
  s.nameKey,
  s.summary,
  s.description,
  s.baseUrl,
  JSON.stringify(s.authTokens),
  keysToJson(s.keys),
  JSON.stringify(s.assets),
  JSON.stringify(s.tags),
  JSON.stringify(s.identityFingerprints),
  s.createdAt,
  s.updatedAt,
];

export const serviceFromRow = (r: ServiceRow): ServiceRecord => ({
  id: r.id,
  providerId: r.provider_id,
  state: r.state as ServiceState,
  name: r.name,
  nameKey: r.name_key,
  summary: r.summary,
  description: r.description,
  baseUrl: r.base_url,
  authTokens: JSON.parse(r.auth_tokens) as string[],
  keys: keysFromJson(r.public_keys),
  assets: JSON.parse(r.assets) as Asset[],
  tags: JSON.parse(r.tags) as ServiceTag[],
  identityFingerprints: JSON.parse(r.identity_fingerprints) as string[],
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export interface HealthRow {
  consecutive_failures: number | string;
  delivered: number | string;
  failed: number | string;
  gone: number | string;
  dropped: number | string;
  last_error: string | null;
  last_error_at: number | string | null;
  last_success_at: number | string | null;
  penalised: number | string;
  probe_at: number | string | null;
  backoff_ms: number | string;
}

const numOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

export const healthFromRow = (r: HealthRow): ServiceHealth => ({
  consecutiveFailures: Number(r.consecutive_failures),
  delivered: Number(r.delivered),
  failed: Number(r.failed),
  gone: Number(r.gone),
  dropped: Number(r.dropped),
  lastError: r.last_error,
  lastErrorAt: numOrNull(r.last_error_at),
  lastSuccessAt: numOrNull(r.last_success_at),
  penalised: Number(r.penalised) === 1,
  probeAt: numOrNull(r.probe_at),
  backoffMs: Number(r.backoff_ms),
});
