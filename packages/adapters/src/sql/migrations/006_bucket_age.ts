import type { Migration } from './Migration.js';

/** Idle rate-limit buckets are purged by age (ratelimit/bucket.ts BUCKET_IDLE_MS). */
export const m006_bucket_age: Migration = {
  id: 6,
  name: 'bucket age',
  up: ['CREATE INDEX rate_buckets_by_age ON rate_buckets (updated_at)'],
};
