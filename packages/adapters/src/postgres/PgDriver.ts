import pg from 'pg';
import type { Row, SqlDriver, SqlExecutor, TransactionOptions } from '../sql/SqlDriver.js';
import { numberPlaceholders } from './placeholders.js';

export interface PgDriverOptions {
  /** connections per instance (default 10) */
  readonly max?: number;
  /** attempts of one transaction function before a serialization failure is given up (default 30) */
  readonly maxAttempts?: number;
}

/** SQLSTATEs after which re-running the whole transaction is the documented remedy */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

const sqlState = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;

/** key of the advisory lock that serialises migrations of one database (any constant: "spp-migr" as a bigint) */
const MIGRATION_LOCK_KEY = BigInt('0x7370702d6d696772').toString();

/**
 * Values come back as SQLite gives them, so the repositories see one shape on both engines: BIGINT (times in ms,
 * counts, BIGSERIAL ids) and NUMERIC as JS numbers rather than strings, booleans (e.g. from `a = b` in a select
 * list) as 1/0. Set on this driver's own parser set: the process-wide `pg.types` stays untouched.
 */
const makeTypes = (): pg.CustomTypesConfig => {
  const types = new pg.TypeOverrides();
  types.setTypeParser(20, (v: string) => Number(v)); // int8
  types.setTypeParser(1700, (v: string) => Number(v)); // numeric
  types.setTypeParser(16, (v: string) => (v === 't' ? 1 : 0)); // bool
  return types;
};

const toParam = (v: unknown): unknown => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v);

class Attempt {
  /** a statement of this attempt failed with a retryable SQLSTATE: the attempt is lost whatever `fn` did next */
  retryable = false;
  /** set when the attempt ended: a leaked executor must not run statements in someone else's transaction */
  done = false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * PostgreSQL behind the portable `SqlDriver`.
 *
 * Isolation: every `transaction` runs at SERIALIZABLE and is re-run from the start on a serialization failure or
 * deadlock (SQLSTATE 40001/40P01), with jittered backoff. Why not READ COMMITTED plus `SELECT … FOR UPDATE`: the
 * repositories are written once for SQLite and PostgreSQL, and on SQLite every transaction is fully serialised
 * (BEGIN IMMEDIATE behind one mutex), so the use cases freely read-then-write (rate-limit buckets, "is this e-mail
 * taken", "next sequence number of this bot", job claims). Under READ COMMITTED each of those would need its own
 * lock statement, and a missing one would be a lost update visible only under multi-instance load. SERIALIZABLE
 * gives the same guarantee SQLite gives — the outcome equals some serial order — with no SQL written for one
 * engine only; the price is that conflicting transactions are retried, which is safe because transaction
 * functions only touch the database (Store contract) and so are re-runnable. Queue claims may still add
 * `FOR UPDATE SKIP LOCKED` on PostgreSQL: it makes concurrent claimers skip each other's rows instead of
 * conflicting and retrying.
 *
 * `read` runs at REPEATABLE READ READ ONLY: one consistent snapshot for all its statements, never a serialization
 * failure, and a write attempted there fails loudly instead of passing on SQLite only.
 */
export class PgDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  /** transaction attempts re-run after a serialization failure or deadlock (observability, tests) */
  retries = 0;
  private readonly pool: pg.Pool;
  private readonly types = makeTypes();
  private readonly sqlCache = new Map<string, string>();
  private readonly maxAttempts: number;

  constructor(
    private readonly url: string,
    options: PgDriverOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 30;
    this.pool = new pg.Pool({
      connectionString: url,
      types: this.types,
      max: options.max ?? 10,
      connectionTimeoutMillis: 5_000,
      // notice a server that went away (failover, network cut) on idle connections too
      keepAlive: true,
      application_name: 'spp',
    });
    // an idle connection that breaks (server restart) is dropped by the pool; without a listener it would crash
    // the process. The next query opens a fresh connection.
    this.pool.on('error', () => {});
  }

  private text(sql: string): string {
    let t = this.sqlCache.get(sql);
    if (t === undefined) {
      t = numberPlaceholders(sql);
      if (this.sqlCache.size < 5_000) this.sqlCache.set(sql, t);
    }
    return t;
  }

  private async query(on: pg.Pool | pg.PoolClient, sql: string, params: readonly unknown[] | undefined, attempt?: Attempt) {
    if (attempt?.done) throw new Error('transaction executor used after its transaction ended');
    try {
      return await on.query({ text: this.text(sql), values: params ? params.map(toParam) : [] });
    } catch (e) {
      if (attempt && RETRYABLE.has(sqlState(e) ?? '')) attempt.retryable = true;
      throw e;
    }
  }

  private executor(on: pg.Pool | pg.PoolClient, attempt?: Attempt): SqlExecutor {
    return {
      dialect: 'postgres',
      all: async <T = Row>(sql: string, p?: readonly unknown[]) => (await this.query(on, sql, p, attempt)).rows as T[],
      get: async <T = Row>(sql: string, p?: readonly unknown[]) => (await this.query(on, sql, p, attempt)).rows[0] as T | undefined,
      run: async (sql: string, p?: readonly unknown[]) => {
        const r = await this.query(on, sql, p, attempt);
        // SQLite reports 0 changes for a statement that reads
        return r.command === 'SELECT' ? 0 : (r.rowCount ?? 0);
      },
    };
  }

  private get poolEx(): SqlExecutor {
    return this.executor(this.pool);
  }

  all<T = Row>(sql: string, p?: readonly unknown[]) {
    return this.poolEx.all<T>(sql, p);
  }
  get<T = Row>(sql: string, p?: readonly unknown[]) {
    return this.poolEx.get<T>(sql, p);
  }
  run(sql: string, p?: readonly unknown[]) {
    return this.poolEx.run(sql, p);
  }

  async transaction<T>(fn: (ex: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T> {
    const begin = options?.atomicStatements ? 'BEGIN ISOLATION LEVEL READ COMMITTED' : 'BEGIN ISOLATION LEVEL SERIALIZABLE';
    for (let n = 1; ; n++) {
      const attempt = new Attempt();
      const outcome = await this.once(begin, fn, attempt);
      if (outcome.ok) return outcome.value;
      if (!attempt.retryable || n >= this.maxAttempts) throw outcome.error;
      this.retries++;
      await sleep(Math.random() * Math.min(2 ** n, 100));
    }
  }

  async read<T>(fn: (ex: SqlExecutor) => Promise<T>): Promise<T> {
    const outcome = await this.once('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn, new Attempt());
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }

  /** one attempt on one pooled connection: BEGIN, fn, COMMIT — or ROLLBACK when anything failed */
  private async once<T>(
    begin: string,
    fn: (ex: SqlExecutor) => Promise<T>,
    attempt: Attempt,
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // a checked-out client has no error listener of the pool's: a connection that dies between two statements
    // (server restart, terminated backend) would otherwise be an uncaught exception
    const onError = (e: Error) => {
      broken = e;
    };
    client.on('error', onError);
    try {
      await client.query(begin);
      let value: T;
      try {
        value = await fn(this.executor(client, attempt));
      } catch (error) {
        attempt.done = true;
        broken = (await this.rollback(client)) ?? broken;
        return { ok: false, error };
      }
      attempt.done = true;
      if (attempt.retryable) {
        // fn swallowed a serialization failure; the transaction is aborted and must be re-run
        broken = (await this.rollback(client)) ?? broken;
        return { ok: false, error: new Error('serialization failure inside the transaction') };
      }
      try {
        const r = await client.query('COMMIT');
        // COMMIT of an aborted transaction (fn caught a failed statement and carried on) answers ROLLBACK
        if (r.command === 'ROLLBACK') {
          return { ok: false, error: new Error('transaction rolled back: a statement in it failed and the failure was caught') };
        }
      } catch (error) {
        const state = sqlState(error);
        if (RETRYABLE.has(state ?? '')) attempt.retryable = true;
        // no SQLSTATE: the connection itself failed, so it is not handed out again
        if (state === undefined) broken = error instanceof Error ? error : new Error(String(error));
        return { ok: false, error };
      }
      return { ok: true, value };
    } catch (error) {
      // BEGIN failed: the connection is unusable
      broken = error instanceof Error ? error : new Error(String(error));
      attempt.done = true;
      return { ok: false, error };
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /** returns an error when the connection could not be rolled back (it is then discarded, not reused) */
  private async rollback(client: pg.PoolClient): Promise<Error | undefined> {
    try {
      await client.query('ROLLBACK');
      return undefined;
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }

  async withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
    // a session-level advisory lock on a connection of its own, held while fn migrates through the pool;
    // if this process dies, the server ends the session and the lock goes with it
    const client = new pg.Client({
      connectionString: this.url,
      types: this.types,
      application_name: 'spp-migrate',
      connectionTimeoutMillis: 5_000,
    });
    client.on('error', () => {});
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => {});
      }
    } finally {
      await client.end().catch(() => {});
    }
  }

  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.pool.query('SELECT 1').then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), 3_000);
        }),
      ]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private closing: Promise<void> | undefined;
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}
