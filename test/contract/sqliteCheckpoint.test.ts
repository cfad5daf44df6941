import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '@spp/adapters';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'spp-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const walSize = (file: string) => statSync(`${file}-wal`).size;

describe('SQLite WAL checkpoints', () => {
  it('are made by a background worker, so the WAL is reused instead of growing until a COMMIT checkpoints it', async () => {
    const file = join(dir, 'platform.db');
    const store = await openSqliteStore(file);
    const write = async (from: number) => {
      for (let i = from; i < from + 60; i++)
        await store.transaction((tx) =>
          tx.deliveries.enqueue({ botId: `bot-${i % 7}`, serviceId: 'svc', deliveryId: `d${i}`, payload: 'x'.repeat(4000), createdAt: i }, 1_000_000),
        );
    };
    await write(0);
    const grown = walSize(file);
    expect(grown).toBeGreaterThan(200 * 1024);
    // the worker checkpoints every second; the next writer then starts the WAL over
    await new Promise((r) => setTimeout(r, 2_500));
    await write(60);
    expect(walSize(file)).toBeLessThan(grown * 1.5);
    await store.close();
  });
});
