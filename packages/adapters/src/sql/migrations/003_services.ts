import type { Migration } from './Migration.js';

/**
 * Services, their directory tag index, health records, team whitelists and the durable job queue.
 * `service_tags` holds one row per tag of each *enabled* service, so tag searches walk an index in directory
 * order (tag, name_key, id) and never touch disabled or deleting services.
 */
export const m003_services: Migration = {
  id: 3,
  name: 'services',
  up: [
    `CREATE TABLE services (
       id TEXT {{C}} PRIMARY KEY,
       provider_id TEXT NOT NULL,
       state TEXT NOT NULL,
       name TEXT NOT NULL,
       name_key TEXT {{C}} NOT NULL,
       summary TEXT NOT NULL,
       description TEXT NOT NULL,
       base_url TEXT NOT NULL,
       auth_tokens TEXT NOT NULL,
       public_keys TEXT NOT NULL,
       assets TEXT NOT NULL,
       tags TEXT NOT NULL,
       identity_fingerprints TEXT NOT NULL,
       created_at BIGINT NOT NULL,
       updated_at BIGINT NOT NULL
     )`,
    'CREATE INDEX services_by_provider ON services (provider_id, name_key, id)',
    'CREATE INDEX services_by_state_name ON services (state, name_key, id)',
    `CREATE TABLE service_tags (
       tag TEXT NOT NULL,
       name_key TEXT {{C}} NOT NULL,
       service_id TEXT {{C}} NOT NULL,
       PRIMARY KEY (tag, name_key, service_id)
     )`,
    'CREATE INDEX service_tags_by_service ON service_tags (service_id, tag)',
    `CREATE TABLE service_health (
       service_id TEXT PRIMARY KEY,
       consecutive_failures INTEGER NOT NULL,
       delivered BIGINT NOT NULL,
       failed BIGINT NOT NULL,
       gone BIGINT NOT NULL,
       dropped BIGINT NOT NULL,
       last_error TEXT,
       last_error_at BIGINT,
       last_success_at BIGINT,
       penalised INTEGER NOT NULL,
       probe_at BIGINT,
       backoff_ms BIGINT NOT NULL
     )`,
    `CREATE TABLE team_whitelist (
       team_id TEXT NOT NULL,
       service_id TEXT NOT NULL,
       created_at BIGINT NOT NULL,
       PRIMARY KEY (team_id, service_id)
     )`,
    'CREATE INDEX team_whitelist_by_service ON team_whitelist (service_id)',
    `CREATE TABLE jobs (
       id {{SERIAL}},
       kind TEXT NOT NULL,
       payload TEXT NOT NULL,
       run_after BIGINT NOT NULL,
       claimed_by TEXT,
       lease_until BIGINT,
       attempts INTEGER NOT NULL,
       last_error TEXT,
       created_at BIGINT NOT NULL
     )`,
    'CREATE INDEX jobs_due ON jobs (kind, run_after, id)',
  ],
};
