export type Dialect = 'sqlite' | 'postgres';
export type Row = Record<string, unknown>;

/**
 * What repositories need from a SQL database. SQL is written once with `?` placeholders and portable types;
 * each driver adapts placeholders and value types (the PostgreSQL driver numbers them `$1…`).
 */
export interface SqlExecutor {
  readonly dialect: Dialect;
  all<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** returns the number of changed rows */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/**
 * `atomicStatements`: the transaction's correctness rests only on single conditional statements (lease claims,
 * queue bookkeeping), so an engine may run it below SERIALIZABLE (PostgreSQL: READ COMMITTED) and spare it and
 * everyone else serialization failures. SQLite runs everything one at a time anyway.
 */
export interface TransactionOptions {
  readonly atomicStatements?: boolean;
}

export interface SqlDriver extends SqlExecutor {
  transaction<T>(fn: (ex: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  read<T>(fn: (ex: SqlExecutor) => Promise<T>): Promise<T>;
  /** runs `fn` while holding a lock that other instances migrating the same database wait for */
  withMigrationLock<T>(fn: () => Promise<T>): Promise<T>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
