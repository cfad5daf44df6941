import type { Migration } from './Migration.js';

/**
 * The built-in messaging host (host.md): users, teams, clients and prekeys, conversations and members, notification
 * streams. Every lookup path has an index: users by e-mail key / handle / team; conversations by team; members by
 * conversation in join order and by user; notifications by user in stream order, by id and by age (purge).
 */
export const m002_host: Migration = {
  id: 2,
  name: 'host',
  up: [
    `CREATE TABLE host_users (
       id TEXT {{C}} PRIMARY KEY, name TEXT NOT NULL, email TEXT, email_key TEXT, password_hash TEXT, handle TEXT,
       accent_id BIGINT NOT NULL, assets TEXT NOT NULL, locale TEXT NOT NULL, team TEXT, team_role TEXT,
       service_id TEXT, service_provider TEXT, deleted INTEGER NOT NULL, created_at BIGINT NOT NULL)`,
    'CREATE UNIQUE INDEX host_users_email_key ON host_users (email_key)',
    'CREATE UNIQUE INDEX host_users_handle ON host_users (handle)',
    'CREATE INDEX host_users_team ON host_users (team, created_at, id)',
    'CREATE TABLE host_teams (id TEXT PRIMARY KEY, name TEXT NOT NULL, creator TEXT NOT NULL, created_at BIGINT NOT NULL)',
    `CREATE TABLE host_clients (
       user_id TEXT NOT NULL, id TEXT {{C}} NOT NULL, type TEXT NOT NULL, client_class TEXT, label TEXT,
       created_at BIGINT NOT NULL, PRIMARY KEY (user_id, id))`,
    `CREATE TABLE host_prekeys (
       user_id TEXT NOT NULL, client_id TEXT NOT NULL, id INTEGER NOT NULL, prekey TEXT NOT NULL,
       PRIMARY KEY (user_id, client_id, id))`,
    `CREATE TABLE host_conversations (
       id TEXT {{C}} PRIMARY KEY, type INTEGER NOT NULL, name TEXT, team TEXT, creator TEXT NOT NULL,
       access TEXT NOT NULL, access_role TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    'CREATE INDEX host_conversations_team ON host_conversations (team, created_at, id)',
    `CREATE TABLE host_members (
       conv_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, service_id TEXT, service_provider TEXT,
       ord BIGINT NOT NULL, PRIMARY KEY (conv_id, user_id))`,
    'CREATE INDEX host_members_order ON host_members (conv_id, ord)',
    'CREATE INDEX host_members_user ON host_members (user_id)',
    'CREATE TABLE host_notification_heads (user_id TEXT PRIMARY KEY, last_seq BIGINT NOT NULL)',
    `CREATE TABLE host_notifications (
       user_id TEXT NOT NULL, seq BIGINT NOT NULL, id TEXT NOT NULL, client TEXT, payload TEXT NOT NULL,
       created_at BIGINT NOT NULL, PRIMARY KEY (user_id, seq))`,
    'CREATE UNIQUE INDEX host_notifications_id ON host_notifications (user_id, id)',
    'CREATE INDEX host_notifications_age ON host_notifications (user_id, created_at)',
  ],
};
