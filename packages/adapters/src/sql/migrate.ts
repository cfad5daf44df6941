import type { Dialect, SqlDriver } from './SqlDriver.js';
import type { Migration } from './migrations/Migration.js';
import { migrations as all } from './migrations/index.js';

export type { Migration };

export const renderSql = (sql: string, dialect: Dialect): string =>
  sql
    .replaceAll('{{C}}', dialect === 'postgres' ? 'COLLATE "C"' : '')
    .replaceAll('{{SERIAL}}', dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT')
    .replaceAll('{{BLOB}}', dialect === 'postgres' ? 'BYTEA' : 'BLOB');

/**
 * Brings the schema up to date: each pending migration runs in its own transaction together with its
 * bookkeeping row, under a lock so that instances starting at once do not race.
 */
export const migrate = async (driver: SqlDriver, migrations: readonly Migration[] = all): Promise<number[]> =>
  driver.withMigrationLock(async () => {
    await driver.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const done = new Set((await driver.all<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
      if (done.has(m.id)) continue;
      await driver.transaction(async (ex) => {
        for (const stmt of m.up) await ex.run(renderSql(stmt, driver.dialect));
        await ex.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [m.id, m.name, Date.now()]);
      });
      applied.push(m.id);
    }
    return applied;
  });
