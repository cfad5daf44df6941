import Database from 'better-sqlite3';
import type { SqlDriver, SqlExecutor } from '../sql/SqlDriver.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';

/** how often a file database's WAL is checkpointed off the request path */
const CHECKPOINT_EVERY_MS = 1_000;
/** SQLite's own checkpoint (inside a COMMIT) only if the worker falls this far behind: 10 000 pages ≈ 40 MB */
const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

const toParam = (v: unknown): unknown => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v);
const params = (p: readonly unknown[] | undefined) => (p ? p.map(toParam) : []);

/**
 * better-sqlite3 is synchronous and has one connection, so an async transaction would interleave with other
 * requests' statements. Every unit of work therefore runs under one async mutex; statements are cached.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly cache = new Map<string, Database.Statement>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly checkpointer: Checkpointer | undefined;

  constructor(file: string, onCheckpointError: (message: string) => void = () => undefined) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    if (file !== ':memory:' && file !== '') {
      // a worker that cannot start or fails hands checkpoints back to SQLite's own, at its usual threshold
      const fallBack = (message: string) => {
        onCheckpointError(message);
        if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
      };
      try {
        this.checkpointer = startCheckpointer(file, CHECKPOINT_EVERY_MS, fallBack);
        this.db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
      } catch (e) {
        fallBack(e instanceof Error ? e.message : String(e));
      }
    }
  }

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  private readonly ex: SqlExecutor = {
    dialect: 'sqlite',
    all: async <T>(sql: string, p?: readonly unknown[]) => this.stmt(sql).all(...params(p)) as T[],
    get: async <T>(sql: string, p?: readonly unknown[]) => this.stmt(sql).get(...params(p)) as T | undefined,
    run: async (sql: string, p?: readonly unknown[]) => {
      const s = this.stmt(sql);
      return s.reader ? (s.all(...params(p)), 0) : s.run(...params(p)).changes;
    },
  };

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  all<T>(sql: string, p?: readonly unknown[]) {
    return this.exclusive(() => this.ex.all<T>(sql, p));
  }
  get<T>(sql: string, p?: readonly unknown[]) {
    return this.exclusive(() => this.ex.get<T>(sql, p));
  }
  run(sql: string, p?: readonly unknown[]) {
    return this.exclusive(() => this.ex.run(sql, p));
  }

  transaction<T>(fn: (ex: SqlExecutor) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(this.ex);
        this.db.exec('COMMIT');
        return out;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    });
  }

  read<T>(fn: (ex: SqlExecutor) => Promise<T>): Promise<T> {
    return this.exclusive(() => fn(this.ex));
  }

  withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
    // one process owns a SQLite file; the driver's own mutex is enough
    return fn();
  }

  async ping(): Promise<boolean> {
    try {
      await this.get('SELECT 1 AS one');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    await this.exclusive(async () => this.db.close());
  }
}
