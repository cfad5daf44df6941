import { openSqliteStore, type SqlExecutor, type SqlStore } from '@spp/adapters';
import type { DirectorySearch } from '@spp/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlServiceRepo } from '../../packages/adapters/src/sql/repos/SqlServiceRepo.js';
import { serviceRecord } from '../contract/services.contract.js';

/** Runs a directory search through the SQL repository and returns SQLite's plan for every statement it ran. */
const plansOf = async (store: SqlStore, q: DirectorySearch) => {
  const statements: { sql: string; params: readonly unknown[] }[] = [];
  const recorder: SqlExecutor = {
    dialect: 'sqlite',
    all: (sql, params) => {
      statements.push({ sql, params: params ?? [] });
      return store.driver.all(sql, params);
    },
    get: (sql, params) => store.driver.get(sql, params),
    run: (sql, params) => store.driver.run(sql, params),
  };
  await new SqlServiceRepo(recorder).search(q);
  expect(statements.length).toBeGreaterThan(0);
  return Promise.all(
    statements.map(async (s) =>
      (await store.driver.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${s.sql}`, s.params)).map((r) => r.detail).join(' | '),
    ),
  );
};

describe('directory search is index-backed on SQLite', () => {
  let store: SqlStore;
  beforeAll(async () => {
    store = await openSqliteStore(':memory:');
    await store.transaction(async (tx) => {
      for (let i = 0; i < 300; i++)
        await tx.services.put(serviceRecord({ name: `svc ${i}`, tags: i % 2 ? ['music', 'social'] : ['quiz'], state: i % 3 ? 'enabled' : 'disabled' }));
    });
  });
  afterAll(async () => store.close());

  const after = { nameKey: 'svc 1', id: '00000000-0000-4000-8000-000000000000' };
  const cases: [string, DirectorySearch][] = [
    ['prefix', { prefix: 'svc 1', limit: 21 }],
    ['prefix after a cursor', { prefix: 'svc', after, limit: 21 }],
    ['one tag', { tagGroups: [['music']], limit: 21 }],
    ['one tag after a cursor', { tagGroups: [['music']], after, limit: 21 }],
    ['no prefix, only a cursor', { tagGroups: [['music']], after: { nameKey: 'svc 2', id: after.id }, limit: 21 }],
    ['AND group', { tagGroups: [['music', 'social']], limit: 21 }],
    ['OR groups with prefix and cursor', { tagGroups: [['quiz'], ['music', 'social']], prefix: 'svc', after, limit: 21 }],
  ];
  for (const [name, q] of cases)
    it(`uses an index: ${name}`, async () => {
      for (const plan of await plansOf(store, q)) {
        if (process.env.SHOW_PLANS) console.log(name, plan);
        expect(plan).toMatch(/USING (COVERING )?INDEX|USING PRIMARY KEY/);
        expect(plan).not.toMatch(/SCAN (services|s|t)(?! USING)/);
        expect(plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
      }
    });
});
