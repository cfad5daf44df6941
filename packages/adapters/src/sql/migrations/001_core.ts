import type { Migration } from './Migration.js';

/**
 * Providers, verification codes, rate limits and the mail queue.
 * A verified e-mail key belongs to at most one non-deleted provider: a partial unique index (SQLite and
 * PostgreSQL both have them) makes that a storage invariant, not just a use-case check.
 */
export const m001_core: Migration = {
  id: 1,
  name: 'core',
  up: [
    'CREATE TABLE rate_buckets (key TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, updated_at BIGINT NOT NULL)',
    `CREATE TABLE providers (
       id TEXT {{C}} PRIMARY KEY,
       name TEXT NOT NULL,
       email TEXT NOT NULL,
       email_key TEXT NOT NULL,
       url TEXT NOT NULL,
       description TEXT NOT NULL,
       password_hash TEXT NOT NULL,
       status TEXT NOT NULL,
       created_at BIGINT NOT NULL,
       verified_at BIGINT,
       decided_at BIGINT,
       reason TEXT,
       deleted_at BIGINT
     )`,
    "CREATE UNIQUE INDEX providers_verified_email ON providers (email_key) WHERE status IN ('active', 'approved', 'rejected')",
    'CREATE INDEX providers_by_email_key ON providers (email_key, status)',
    'CREATE INDEX providers_by_status ON providers (status, created_at, id)',
    'CREATE INDEX providers_by_created ON providers (created_at, id)',
    `CREATE TABLE verification_codes (
       key TEXT PRIMARY KEY,
       purpose TEXT NOT NULL,
       code TEXT NOT NULL,
       provider_id TEXT NOT NULL,
       email TEXT NOT NULL,
       created_at BIGINT NOT NULL,
       expires_at BIGINT NOT NULL,
       tries_left INTEGER NOT NULL,
       used_at BIGINT
     )`,
    'CREATE INDEX verification_codes_by_provider ON verification_codes (provider_id)',
    'CREATE INDEX verification_codes_by_expiry ON verification_codes (expires_at)',
    `CREATE TABLE mail_queue (
       id TEXT {{C}} PRIMARY KEY,
       purpose TEXT NOT NULL,
       recipient TEXT NOT NULL,
       sender TEXT NOT NULL,
       subject TEXT NOT NULL,
       text_body TEXT NOT NULL,
       html_body TEXT NOT NULL,
       headers TEXT NOT NULL,
       created_at BIGINT NOT NULL,
       next_attempt_at BIGINT NOT NULL,
       attempts INTEGER NOT NULL,
       status TEXT NOT NULL,
       last_error TEXT
     )`,
    'CREATE INDEX mail_queue_due ON mail_queue (status, next_attempt_at, created_at, id)',
    'CREATE INDEX mail_queue_by_age ON mail_queue (created_at, id)',
  ],
};
