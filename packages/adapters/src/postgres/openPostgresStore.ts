import { migrate } from '../sql/migrate.js';
import { SqlStore } from '../sql/SqlStore.js';
import { PgDriver, type PgDriverOptions } from './PgDriver.js';

/**
 * Connects to PostgreSQL (`postgres://user@host:port/db`) and brings the schema up to date. Several instances
 * may call this at once against one database: migrations run one instance at a time (advisory lock).
 */
export const openPostgresStore = async (url: string, options: PgDriverOptions = {}): Promise<SqlStore> => {
  const driver = new PgDriver(url, options);
  try {
    await migrate(driver);
  } catch (e) {
    await driver.close().catch(() => {});
    throw e;
  }
  return new SqlStore(driver);
};
