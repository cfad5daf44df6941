import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlStore } from '@spp/adapters';
import { postgresAdminUrl, postgresFactory, storeFactories } from '../support/stores.js';

/**
 * Every storage contract suite must also run against PostgreSQL. The suites (test/contract/<area>.contract.ts)
 * are run by their own <area>.contract.test.ts over `storeFactories()`, which includes PostgreSQL whenever a
 * server is configured or answers; running them here again would only double the time. This file checks that
 * arrangement holds, and that the PostgreSQL factory gives what the suites assume.
 */
const dir = 'test/contract';
const suites = readdirSync(dir).filter((f) => f.endsWith('.contract.ts'));
const runners = readdirSync(dir)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }));

const adminUrl = postgresAdminUrl();
if (!adminUrl) throw new Error('PostgreSQL is needed: set TEST_DATABASE_URL or run a server on 127.0.0.1:5432');

describe('contract suites on PostgreSQL', () => {
  it('finds the contract suites', () => {
    expect(suites.length).toBeGreaterThan(0);
  });

  it.each(suites)('%s runs over storeFactories(), so against PostgreSQL too', (suite) => {
    const module = `./${suite.replace(/\.ts$/, '.js')}`;
    const covering = runners.filter((r) => r.text.includes(`'${module}'`) && r.text.includes('storeFactories()'));
    expect(covering.map((r) => r.file), `no test file runs ${suite} over storeFactories()`).not.toEqual([]);
  });

  it('includes PostgreSQL among the store factories here', () => {
    expect(storeFactories().map((f) => f.name)).toEqual(['memory', 'sqlite', 'postgres']);
  });
});

describe('the PostgreSQL store factory', () => {
  const f = postgresFactory(adminUrl)!;
  afterAll(() => f.cleanup());

  it('makes empty, isolated stores, and shared pairs that see each other’s commits', async () => {
    const a = await f.make();
    const b = await f.make();
    expect(a.kind).toBe('postgres');
    await a.transaction((tx) => tx.rateLimits.putBucket('k', { tokens: 2, updatedAt: 5 }));
    expect(await b.read((tx) => tx.rateLimits.getBucket('k'))).toBeUndefined();

    const [x, y] = await f.makeShared();
    expect(x).not.toBe(y);
    await x.transaction((tx) => tx.rateLimits.putBucket('k', { tokens: 1, updatedAt: 7 }));
    expect(await y.read((tx) => tx.rateLimits.getBucket('k'))).toEqual({ tokens: 1, updatedAt: 7 });
  });

  it('sorts text like a production server (ICU en-US), not by code point, so a missing {{C}} shows up', async () => {
    const s = await f.make();
    expect(s).toBeInstanceOf(SqlStore);
    expect(await (s as SqlStore).driver.get("SELECT CASE WHEN 'B' < 'a' THEN 'code point' ELSE 'linguistic' END AS o")).toEqual({ o: 'linguistic' });
  });

  it('drops its throwaway database on cleanup', async () => {
    const g = postgresFactory(adminUrl)!;
    await g.make();
    const list = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        return (await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'spp_t_%'")).rows.map((r) => r.datname);
      } finally {
        await c.end();
      }
    };
    const before = await list();
    await g.cleanup();
    const after = await list();
    expect(before.length - after.length).toBe(1);
  });
});
