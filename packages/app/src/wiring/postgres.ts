import type { Store } from '@spp/domain';
import type { Config } from '../config.js';

/** Opens the PostgreSQL store when DATABASE_URL is set (filled in by the PostgreSQL adapter work). */
export const openPostgresStoreIfConfigured = async (config: Config): Promise<Store | undefined> => {
  if (!config.databaseUrl) return undefined;
  throw new Error('DATABASE_URL is set but the PostgreSQL adapter is not available yet');
};
