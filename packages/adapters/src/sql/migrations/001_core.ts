import type { Migration } from './Migration.js';

/** Providers, verification codes, rate limits and the mail queue. */
export const m001_core: Migration = {
  id: 1,
  name: 'core',
  up: [
    'CREATE TABLE rate_buckets (key TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, updated_at BIGINT NOT NULL)',
  ],
};
