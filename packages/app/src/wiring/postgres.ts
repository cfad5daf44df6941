import type { Store } from '@spp/domain';
import { openPostgresStore } from '@spp/adapters';
import type { Config } from '../config.js';

/** Opens the PostgreSQL store (migrated) when DATABASE_URL is set; several instances may share the database. */
export const openPostgresStoreIfConfigured = async (config: Config): Promise<Store | undefined> =>
  config.databaseUrl ? openPostgresStore(config.databaseUrl) : undefined;
