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

  async enqueue(i: Omit<DeliveryItem, 'seq'>, maxPending: number): Promise<boolean> {
    // the queue row counts first: a full queue leaves the upsert without effect, and then nothing is inserted
    const counted = await this.db.run(
      `INSERT INTO delivery_queues (bot_id, pending, owner, lease_until) VALUES (?, 1, NULL, 0)
       ON CONFLICT (bot_id) DO UPDATE SET pending = delivery_queues.pending + 1 WHERE delivery_queues.pending < ?`,
      [i.botId, maxPending],
    );
    if (counted === 0) return false;
    await this.db.run('INSERT INTO deliveries (bot_id, service_id, delivery_id, payload, created_at) VALUES (?, ?, ?, ?, ?)', [
      i.botId,
      i.serviceId,
      i.deliveryId,
      i.payload,
      i.createdAt,
    ]);
    return true;
  }

  async countPending(botId: string): Promise<number> {
    const r = await this.db.get<{ pending: number | string }>('SELECT pending FROM delivery_queues WHERE bot_id = ?', [botId]);
    return Number(r?.pending ?? 0);
  }

  async head(botId: string): Promise<DeliveryItem | undefined> {
    const r = await this.db.get<Row>('SELECT * FROM deliveries WHERE bot_id = ? ORDER BY seq LIMIT 1', [botId]);
    return r && toItem(r);
  }

  async heads(botId: string, limit: number): Promise<DeliveryItem[]> {
    return (await this.db.all<Row>('SELECT * FROM deliveries WHERE bot_id = ? ORDER BY seq LIMIT ?', [botId, limit])).map(toItem);
  }

  async complete(botId: string, seq: number, owner: string, until: number): Promise<boolean> {
    // the lease row is updated (and, on PostgreSQL, locked) first, so the delete below cannot race a new owner
    const held = await this.db.run(
      `UPDATE delivery_queues SET lease_until = ?,
         pending = CASE WHEN pending > 0 AND EXISTS (SELECT 1 FROM deliveries WHERE seq = ?) THEN pending - 1 ELSE pending END
       WHERE bot_id = ? AND owner = ?`,
      [until, seq, botId, owner],
    );
    if (held === 0) return false;
    await this.db.run('DELETE FROM deliveries WHERE seq = ?', [seq]);
    return true;
  }

  async discardAll(botId: string): Promise<number> {
    const n = await this.db.run('DELETE FROM deliveries WHERE bot_id = ?', [botId]);
    await this.db.run('UPDATE delivery_queues SET pending = 0 WHERE bot_id = ?', [botId]);
    return n;
  }

  async claimBots(owner: string, now: number, until: number, limit: number): Promise<string[]> {
    const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const rows = await this.db.all<{ bot_id: string }>(
      `SELECT bot_id FROM delivery_queues WHERE pending > 0 AND lease_until < ? ORDER BY lease_until LIMIT ?${lock}`,
      [now, limit],
    );
    const picked: string[] = [];
    for (const { bot_id } of rows) {
      const changed = await this.db.run('UPDATE delivery_queues SET owner = ?, lease_until = ? WHERE bot_id = ? AND lease_until < ?', [
        owner,
        until,
        bot_id,
        now,
      ]);
      if (changed > 0) picked.push(bot_id);
    }
    return picked;
  }

  async renewLease(botId: string, owner: string, until: number): Promise<boolean> {
    return (await this.db.run('UPDATE delivery_queues SET lease_until = ? WHERE bot_id = ? AND owner = ?', [until, botId, owner])) > 0;
  }

  async releaseLease(botId: string, owner: string): Promise<void> {
    await this.db.run('UPDATE delivery_queues SET owner = NULL, lease_until = 0 WHERE bot_id = ? AND owner = ?', [botId, owner]);
    // an empty queue row carries nothing worth keeping
    await this.db.run('DELETE FROM delivery_queues WHERE bot_id = ? AND pending = 0 AND owner IS NULL', [botId]);
  }

  async totalPending(): Promise<number> {
    const r = await this.db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM deliveries');
    return Number(r?.n ?? 0);
  }
}
