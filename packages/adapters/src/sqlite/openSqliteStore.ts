import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from '../sql/migrate.js';
import { SqlStore } from '../sql/SqlStore.js';
import { SqliteDriver } from './SqliteDriver.js';

/** Opens (creating when absent) a SQLite database file and brings its schema up to date. */
export const openSqliteStore = async (file: string): Promise<SqlStore> => {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const driver = new SqliteDriver(file);
  await migrate(driver);
  return new SqlStore(driver);
};
