import type { Migration } from './Migration.js';
import { m001_core } from './001_core.js';
import { m002_host } from './002_host.js';
import { m003_services } from './003_services.js';
import { m004_bots } from './004_bots.js';
import { m005_member_tags } from './005_member_tags.js';
import { m006_bucket_age } from './006_bucket_age.js';
import { m007_notification_age } from './007_notification_age.js';

/** Every migration, in order. Ids are reserved per area so parallel work does not collide. */
export const migrations: readonly Migration[] = [m001_core, m002_host, m003_services, m004_bots, m005_member_tags, m006_bucket_age, m007_notification_age];
export type { Migration };
