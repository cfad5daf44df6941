import { freshHealth, healthView, type ServiceHealth } from '../bot/health.js';
import { keyView } from './keys.js';
import type { Asset, ServiceRecord } from './model.js';

const assetView = (a: Asset) => (a.size === undefined ? { type: a.type, key: a.key } : { type: a.type, key: a.key, size: a.size });

/** `Service`: the provider's own view (services.md §4), with its health record. */
export const serviceView = (s: ServiceRecord, health: ServiceHealth | undefined) => ({
  id: s.id,
  name: s.name,
  summary: s.summary,
  description: s.description,
  base_url: s.baseUrl,
  auth_tokens: [...s.authTokens],
  public_keys: s.keys.map(keyView),
  assets: s.assets.map(assetView),
  tags: [...s.tags],
  enabled: s.state === 'enabled',
  identity_fingerprints: [...s.identityFingerprints],
  health: healthView(health ?? freshHealth()),
});

/** `ServiceProfile`: what users see. */
export const serviceProfileView = (s: ServiceRecord) => ({
  id: s.id,
  provider: s.providerId,
  name: s.name,
  summary: s.summary,
  description: s.description,
  assets: s.assets.map(assetView),
  tags: [...s.tags],
  enabled: s.state === 'enabled',
  identity_fingerprints: [...s.identityFingerprints],
});

export type ServiceProfile = ReturnType<typeof serviceProfileView>;
