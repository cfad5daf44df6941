import type { DeliveryItem, DeliveryRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

interface Row {
  seq: number | string;
  bot_id: string;
  service_id: string;
  delivery_id: string;
  payload: string;
  created_at: number | string;
}

const toItem = (r: Row): DeliveryItem => ({
  seq: Number(r.seq),
  botId: r.bot_id,
  serviceId: r.service_id,
  deliveryId: r.delivery_id,
  payload: r.payload,
  createdAt: Number(r.created_at),
});

export class SqlDeliveryRepo implements DeliveryRepo {
  constructor(private readonly db: SqlExecutor) {}

  async enqueue(i: Omit<DeliveryItem, 'seq'>): Promise<void> {
    await this.db.run('INSERT INTO deliveries (bot_id, service_id, delivery_id, payload, created_at) VALUES (?, ?, ?, ?, ?)', [
      i.botId,
      i.serviceId,
      i.deliveryId,
      i.payload,
      i.createdAt,
    ]);
  }

  async countPending(botId: string): Promise<number> {
    const r = await this.db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM deliveries WHERE bot_id = ?', [botId]);
    return Number(r?.n ?? 0);
  }

  async head(botId: string): Promise<DeliveryItem | undefined> {
    const r = await this.db.get<Row>('SELECT * FROM deliveries WHERE bot_id = ? ORDER BY seq LIMIT 1', [botId]);
    return r && toItem(r);
  }

  async remove(seq: number): Promise<void> {
    await this.db.run('DELETE FROM deliveries WHERE seq = ?', [seq]);
  }

  async discardAll(botId: string): Promise<number> {
    return this.db.run('DELETE FROM deliveries WHERE bot_id = ?', [botId]);
  }

  async claimBots(owner: string, now: number, until: number, limit: number): Promise<string[]> {
    // candidates: bots with pending items whose lease is absent or expired, oldest item first
    const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE OF d SKIP LOCKED' : '';
    const rows = await this.db.all<{ bot_id: string }>(
      `SELECT d.bot_id AS bot_id FROM deliveries d
         LEFT JOIN delivery_leases l ON l.bot_id = d.bot_id
        WHERE l.bot_id IS NULL OR l.lease_until < ?
        ORDER BY d.seq LIMIT ?${lock}`,
      [now, limit * 4],
    );
    const picked: string[] = [];
    for (const { bot_id } of rows) {
      if (picked.includes(bot_id)) continue;
      const changed = await this.db.run(
        `INSERT INTO delivery_leases (bot_id, owner, lease_until) VALUES (?, ?, ?)
         ON CONFLICT (bot_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
         WHERE delivery_leases.lease_until < ?`,
        [bot_id, owner, until, now],
      );
      if (changed > 0) picked.push(bot_id);
      if (picked.length >= limit) break;
    }
    return picked;
  }

  async renewLease(botId: string, owner: string, until: number): Promise<boolean> {
    return (await this.db.run('UPDATE delivery_leases SET lease_until = ? WHERE bot_id = ? AND owner = ?', [until, botId, owner])) > 0;
  }

  async releaseLease(botId: string, owner: string): Promise<void> {
    await this.db.run('DELETE FROM delivery_leases WHERE bot_id = ? AND owner = ?', [botId, owner]);
  }

  async totalPending(): Promise<number> {
    const r = await this.db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM deliveries');
    return Number(r?.n ?? 0);
  }
}
