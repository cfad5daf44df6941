import type { Migration } from './Migration.js';

/** Notifications past their retention are purged across all users, oldest first (host/notifications.ts). */
export const m007_notification_age: Migration = {
  id: 7,
  name: 'notification age',
  up: ['CREATE INDEX host_notifications_created ON host_notifications (created_at)'],
};
