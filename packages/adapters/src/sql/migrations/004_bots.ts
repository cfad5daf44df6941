import type { Migration } from './Migration.js';

/** Bots and their durable delivery queue. */
export const m004_bots: Migration = {
  id: 4,
  name: 'bots',
  up: [
    `CREATE TABLE bots (
       id TEXT PRIMARY KEY,
       client_id TEXT NOT NULL UNIQUE,
       provider_id TEXT NOT NULL,
       service_id TEXT NOT NULL,
       conv_id TEXT NOT NULL,
       team_id TEXT,
       created_at BIGINT NOT NULL,
       state TEXT NOT NULL
     )`,
    'CREATE INDEX bots_live_by_service ON bots (service_id, state, created_at, id)',
    'CREATE INDEX bots_live_by_service_team ON bots (service_id, team_id, state, created_at)',
    `CREATE TABLE deliveries (
       seq {{SERIAL}},
       bot_id TEXT NOT NULL,
       service_id TEXT NOT NULL,
       delivery_id TEXT NOT NULL,
       payload TEXT NOT NULL,
       created_at BIGINT NOT NULL
     )`,
    'CREATE INDEX deliveries_by_bot ON deliveries (bot_id, seq)',
    // one row per bot with a queue: the pending count and the sender's lease, so claiming never scans items
    `CREATE TABLE delivery_queues (
       bot_id TEXT PRIMARY KEY,
       pending INTEGER NOT NULL,
       owner TEXT,
       lease_until BIGINT NOT NULL
     )`,
    'CREATE INDEX delivery_queues_ready ON delivery_queues (lease_until) WHERE pending > 0',
  ],
};
