import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Store } from '@spp/domain';
import { MemoryStore, openPostgresStore, openSqliteStore } from '@spp/adapters';

/**
 * A way to get fresh, empty, migrated stores of one kind. Every store `make` returns is independent of the
 * others; `makeShared` gives two stores over ONE database, as two app instances sharing it would have
 * (PostgreSQL: two drivers with their own connection pools; memory and SQLite, which serve one instance: the
 * same store twice).
 * `cleanup` closes everything this factory opened and removes its files/databases (call it in afterAll).
 */
export interface StoreFactory {
  readonly name: 'memory' | 'sqlite' | 'postgres';
  make(): Promise<Store>;
  makeShared(): Promise<[Store, Store]>;
  cleanup(): Promise<void>;
}

const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/postgres';

/** the server to create throwaway databases on: TEST_DATABASE_URL's, else a local one when it answers */
let probed: string | null | undefined;
export const postgresAdminUrl = (): string | undefined => {
  if (probed !== undefined) return probed ?? undefined;
  const configured = process.env.TEST_DATABASE_URL;
  if (configured) {
    const u = new URL(configured);
    u.pathname = '/postgres';
    probed = u.toString();
    return probed;
  }
  // synchronous so suites can be declared from the list; a TCP connect is enough to tell whether to try
  const probe = spawnSync(
    process.execPath,
    ['-e', "require('net').connect(5432,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"],
    { timeout: 3_000 },
  );
  probed = probe.status === 0 ? LOCAL_PG : null;
  return probed ?? undefined;
};

const closeAll = async (stores: Store[]) => {
  await Promise.all(stores.splice(0).map((s) => s.close().catch(() => {})));
};

export const memoryFactory = (): StoreFactory => ({
  name: 'memory',
  make: async () => new MemoryStore(),
  makeShared: async () => {
    const s = new MemoryStore();
    return [s, s];
  },
  cleanup: async () => {},
});

export const sqliteFactory = (): StoreFactory => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'spp-store-'));
    dirs.push(dir);
    return join(dir, 'platform.db');
  };
  const open = async (f: string) => {
    const s = await openSqliteStore(f);
    stores.push(s);
    return s;
  };
  return {
    name: 'sqlite',
    make: () => open(file()),
    // SQLite is one instance per file: a second connection in the same process would block the event loop on
    // the first one's write lock (better-sqlite3 is synchronous). Both "instances" are the one store, as in memory.
    makeShared: async () => {
      const s = await open(file());
      return [s, s];
    },
    cleanup: async () => {
      await closeAll(stores);
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
};

const admin = async <T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
};

/**
 * Creates an empty database `spp_t_<random>` and returns its URL. Its default collation is ICU `en-US`, as on
 * typical production servers, not this machine's code-point `C.UTF-8`: text the repositories sort or compare by
 * prefix without `{{C}}` then orders differently from SQLite, and the contract suites notice.
 */
export const createThrowawayDatabase = async (adminUrl: string): Promise<{ url: string; name: string }> => {
  const name = `spp_t_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, async (c) => {
    try {
      await c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    } catch {
      await c.query(`CREATE DATABASE ${name}`); // a server without ICU (or older than 15)
    }
  });
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), name };
};

export const dropDatabases = async (adminUrl: string, names: string[]): Promise<void> => {
  if (names.length === 0) return;
  await admin(adminUrl, async (c) => {
    for (const n of names) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
  });
};

/** the URL of one schema of a database: every connection made from it works in (and creates tables in) that schema */
export const withSearchPath = (url: string, schema: string): string => {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema} -c synchronous_commit=off`);
  return u.toString();
};

/**
 * One throwaway database `spp_t_<random>` per factory (created on first use, dropped by cleanup); each `make`
 * gets a fresh schema in it, which is ~10x cheaper than a database per store and just as isolated for the
 * repositories (they never name a schema).
 */
export const postgresFactory = (adminUrl: string | undefined = postgresAdminUrl()): StoreFactory | undefined => {
  if (!adminUrl) return undefined;
  const dbs: string[] = [];
  const stores: Store[] = [];
  let database: Promise<string> | undefined;
  let schemas = 0;
  const fresh = async () => {
    database ??= createThrowawayDatabase(adminUrl).then((db) => (dbs.push(db.name), db.url));
    const url = await database;
    const schema = `s_${++schemas}`;
    await admin(url, (c) => c.query(`CREATE SCHEMA ${schema}`));
    return withSearchPath(url, schema);
  };
  // few connections each: suites open many stores, and the server's connection limit is shared by parallel files
  const open = async (url: string) => {
    const s = await openPostgresStore(url, { max: 3 });
    stores.push(s);
    return s;
  };
  return {
    name: 'postgres',
    make: async () => open(await fresh()),
    makeShared: async () => {
      const url = await fresh();
      const a = await open(url);
      return [a, await open(url)];
    },
    cleanup: async () => {
      await closeAll(stores);
      database = undefined;
      await dropDatabases(adminUrl, dbs.splice(0));
    },
  };
};

/** every store kind available here: memory and SQLite always, PostgreSQL when a server is configured or answers */
export const storeFactories = (): StoreFactory[] => {
  const pgf = postgresFactory();
  return [memoryFactory(), sqliteFactory(), ...(pgf ? [pgf] : [])];
};
