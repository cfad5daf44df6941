import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/** Digest of every table of the app's SQLite file, per table, read through a second (read-only) connection. */
export type StoreSnapshot = ReadonlyMap<string, string>;

export interface Snapshotter {
  take(): StoreSnapshot;
  /** tables whose content differs between two snapshots */
  changed(before: StoreSnapshot, after: StoreSnapshot): string[];
  close(): void;
}

const cell = (v: unknown): unknown => (Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : typeof v === 'bigint' ? String(v) : v);

export const sqliteSnapshotter = (file: string): Snapshotter => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );
  // rowid order is stable for an unchanged table, so equal content gives equal digests
  const reads = tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).raw(true)] as const);
  const version = db.prepare('PRAGMA data_version').pluck();
  let cached: { version: unknown; snapshot: StoreSnapshot } | undefined;
  return {
    take() {
      // data_version moves whenever another connection commits: an unchanged file needs no re-reading
      const v = version.get();
      if (cached && cached.version === v) return cached.snapshot;
      const out = new Map<string, string>();
      db.transaction(() => {
        for (const [t, stmt] of reads) {
          const h = createHash('sha1');
          for (const row of stmt.all() as unknown[][]) h.update(JSON.stringify(row.map(cell)));
          out.set(t, h.digest('hex'));
        }
      })();
      cached = { version: v, snapshot: out };
      return out;
    },
    changed(before, after) {
      return [...after.keys()].filter((t) => before.get(t) !== after.get(t));
    },
    close: () => db.close(),
  };
};
