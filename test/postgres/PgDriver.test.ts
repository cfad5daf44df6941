import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgDriver, migrate, numberPlaceholders, type Migration } from '@spp/adapters';
import { createThrowawayDatabase, dropDatabases, postgresAdminUrl } from '../support/stores.js';

const adminUrl = postgresAdminUrl();
if (!adminUrl) throw new Error('PostgreSQL is needed: set TEST_DATABASE_URL or run a server on 127.0.0.1:5432');

const dbs: string[] = [];
const drivers: PgDriver[] = [];
const freshDriver = async (url?: string) => {
  if (!url) {
    const db = await createThrowawayDatabase(adminUrl);
    dbs.push(db.name);
    url = db.url;
  }
  const d = new PgDriver(url);
  drivers.push(d);
  return { d, url };
};

afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close().catch(() => {})));
  await dropDatabases(adminUrl, dbs);
});

describe('placeholder rewriting', () => {
  it('numbers ? in order and leaves literals, quoted identifiers and comments alone', () => {
    expect(numberPlaceholders('SELECT * FROM t WHERE a = ? AND b = ?')).toBe('SELECT * FROM t WHERE a = $1 AND b = $2');
    expect(numberPlaceholders("SELECT 'why?', ? , 'it''s ?', \"col?\" -- what?\n, ? /* ? */")).toBe(
      "SELECT 'why?', $1 , 'it''s ?', \"col?\" -- what?\n, $2 /* ? */",
    );
  });
});

describe('PgDriver', () => {
  let d: PgDriver;
  beforeAll(async () => {
    d = (await freshDriver()).d;
    await d.run('CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT NOT NULL, n NUMERIC, flag INTEGER)');
  });

  it('binds ? parameters and does not treat a quoted ? as one', async () => {
    const row = await d.get<{ a: number; q: string; b: string }>("SELECT ?::int AS a, 'what?' AS q, ?::text AS b", [7, 'x']);
    expect(row).toEqual({ a: 7, q: 'what?', b: 'x' });
  });

  it('returns BIGINT, NUMERIC, COUNT and booleans as numbers, like SQLite', async () => {
    await d.run('INSERT INTO kv (k, v, n, flag) VALUES (?, ?, ?, ?)', ['t', 1767225600123, '12.5', true]);
    const row = await d.get('SELECT v, n, flag, (v > 0) AS positive, COUNT(*) OVER () AS cnt FROM kv WHERE k = ?', ['t']);
    expect(row).toEqual({ v: 1767225600123, n: 12.5, flag: 1, positive: 1, cnt: 1 });
  });

  it('keeps its number parsing to itself: other pg clients still get int8 as strings', async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      expect((await c.query('SELECT 5::bigint AS v')).rows[0].v).toBe('5');
    } finally {
      await c.end();
    }
  });

  it('reports changed rows from run, 0 for a select', async () => {
    await d.run("INSERT INTO kv (k, v) VALUES ('r1', 1), ('r2', 2)");
    expect(await d.run("UPDATE kv SET v = v + 1 WHERE k IN ('r1', 'r2')")).toBe(2);
    expect(await d.run('SELECT 1')).toBe(0);
  });

  it('rolls a transaction back when its function throws, and rethrows that error', async () => {
    const boom = new Error('boom');
    await expect(
      d.transaction(async (ex) => {
        await ex.run("INSERT INTO kv (k, v) VALUES ('gone', 1)");
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await d.get("SELECT k FROM kv WHERE k = 'gone'")).toBeUndefined();
  });

  it('does not commit a transaction whose failed statement was caught and ignored', async () => {
    await d.run("INSERT INTO kv (k, v) VALUES ('dup', 1)");
    await expect(
      d.transaction(async (ex) => {
        await ex.run("UPDATE kv SET v = 99 WHERE k = 'dup'");
        await ex.run("INSERT INTO kv (k, v) VALUES ('dup', 2)").catch(() => 0);
      }),
    ).rejects.toThrow(/rolled back/);
    expect(await d.get("SELECT v FROM kv WHERE k = 'dup'")).toEqual({ v: 1 });
  });

  it('re-runs conflicting read-then-write transactions until each has applied once', async () => {
    await d.run("INSERT INTO kv (k, v) VALUES ('counter', 0)");
    const before = d.retries;
    const n = 8;
    await Promise.all(
      Array.from({ length: n }, () =>
        d.transaction(async (ex) => {
          const row = await ex.get<{ v: number }>("SELECT v FROM kv WHERE k = 'counter'");
          await new Promise((r) => setTimeout(r, 10)); // let the others read the same value
          await ex.run("UPDATE kv SET v = ? WHERE k = 'counter'", [row!.v + 1]);
        }),
      ),
    );
    expect(await d.get("SELECT v FROM kv WHERE k = 'counter'")).toEqual({ v: n });
    expect(d.retries).toBeGreaterThan(before);
  });

  it('also serialises transactions of two drivers (two instances) on one database', async () => {
    const { url } = await freshDriver();
    const a = (await freshDriver(url)).d;
    const b = (await freshDriver(url)).d;
    await a.run('CREATE TABLE seq (id INTEGER PRIMARY KEY, taken_by TEXT)');
    // each instance takes the lowest free number by reading the max then inserting: a race under READ COMMITTED
    const take = (drv: PgDriver, who: string) =>
      drv.transaction(async (ex) => {
        const row = await ex.get<{ m: number | null }>('SELECT MAX(id) AS m FROM seq');
        await new Promise((r) => setTimeout(r, 5));
        await ex.run('INSERT INTO seq (id, taken_by) VALUES (?, ?)', [(row?.m ?? 0) + 1, who]);
      });
    await Promise.all(Array.from({ length: 6 }, (_, i) => take(i % 2 ? a : b, i % 2 ? 'a' : 'b')));
    const ids = (await a.all<{ id: number }>('SELECT id FROM seq ORDER BY id')).map((r) => r.id);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives up after maxAttempts and surfaces the serialization failure', async () => {
    const { url } = await freshDriver();
    const once = new PgDriver(url, { maxAttempts: 1 });
    drivers.push(once);
    await once.run('CREATE TABLE c (id INTEGER PRIMARY KEY, v INTEGER)');
    await once.run('INSERT INTO c VALUES (1, 0)');
    // both transactions read before either writes (a barrier, not a sleep), so they always conflict
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    const bump = () =>
      once.transaction(async (ex) => {
        const r = await ex.get<{ v: number }>('SELECT v FROM c WHERE id = 1');
        if (++arrived === 2) release();
        await bothRead;
        await ex.run('UPDATE c SET v = ? WHERE id = 1', [r!.v + 1]);
      });
    const results = await Promise.allSettled([bump(), bump()]);
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason.code).toBe('40001');
    expect(await once.get('SELECT v FROM c WHERE id = 1')).toEqual({ v: 1 });
  });

  it('runs read on one snapshot and refuses writes there', async () => {
    await expect(d.read((ex) => ex.run("INSERT INTO kv (k, v) VALUES ('ro', 1)"))).rejects.toThrow(/read-only/);
    const seen = await d.read(async (ex) => {
      const first = await ex.get<{ c: number }>('SELECT COUNT(*) AS c FROM kv');
      await d.run("INSERT INTO kv (k, v) VALUES ('during-read', 1)");
      const second = await ex.get<{ c: number }>('SELECT COUNT(*) AS c FROM kv');
      return [first!.c, second!.c];
    });
    expect(seen[0]).toBe(seen[1]);
  });

  it('pings: true when the server answers, false when it does not', async () => {
    expect(await d.ping()).toBe(true);
    const nowhere = new PgDriver('postgres://postgres@127.0.0.1:1/none');
    drivers.push(nowhere);
    expect(await nowhere.ping()).toBe(false);
  });
});

describe('migrations on PostgreSQL', () => {
  it('applies the whole schema once when two instances migrate a fresh database at the same time', async () => {
    const { d: a, url } = await freshDriver();
    const b = (await freshDriver(url)).d;
    const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
    const all = await migrate((await freshDriver()).d); // the full list, on a database of its own
    expect(all.length).toBeGreaterThan(0);
    expect([...ra, ...rb].sort((x, y) => x - y)).toEqual(all);
    const rows = await a.all<{ id: number; c: number }>('SELECT id, COUNT(*) AS c FROM schema_migrations GROUP BY id ORDER BY id');
    expect(rows).toEqual(all.map((id) => ({ id, c: 1 })));
    expect(await migrate(b)).toEqual([]);
  });

  it('makes the second instance wait for a slow migration instead of running it again', async () => {
    const { d: a, url } = await freshDriver();
    const b = (await freshDriver(url)).d;
    const slow: Migration[] = [
      { id: 1, name: 'slow', up: ['CREATE TABLE once_only (id {{SERIAL}}, body {{BLOB}}, name TEXT {{C}})', 'SELECT pg_sleep(0.3)'] },
    ];
    const [ra, rb] = await Promise.all([migrate(a, slow), migrate(b, slow)]);
    expect([ra, rb].sort((x, y) => x.length - y.length)).toEqual([[], [1]]);
    expect(await a.get('SELECT COUNT(*) AS c FROM schema_migrations')).toEqual({ c: 1 });
  });

  it('leaves nothing of a failed migration behind', async () => {
    const { d: a } = await freshDriver();
    const bad: Migration[] = [{ id: 1, name: 'bad', up: ['CREATE TABLE half (id INTEGER)', 'CREATE TABLE broken (id NOPE)'] }];
    await expect(migrate(a, bad)).rejects.toThrow();
    expect(await a.get("SELECT to_regclass('half') AS t")).toEqual({ t: null });
    expect(await a.get('SELECT COUNT(*) AS c FROM schema_migrations')).toEqual({ c: 0 });
  });
});
