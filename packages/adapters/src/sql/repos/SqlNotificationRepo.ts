import type { NotificationRepo, NotificationRow } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

interface Row {
  user_id: string;
  seq: number;
  id: string;
  client: string | null;
  payload: string;
  created_at: number;
}

const COLUMNS = 'user_id, seq, id, client, payload, created_at';

const toRow = (r: Row): NotificationRow => ({
  userId: r.user_id,
  seq: Number(r.seq),
  id: r.id,
  client: r.client,
  payload: JSON.parse(r.payload) as unknown,
  createdAt: Number(r.created_at),
});

export class SqlNotificationRepo implements NotificationRepo {
  constructor(private readonly db: SqlExecutor) {}
  async append(e: Omit<NotificationRow, 'seq'>) {
    // the per-user head row orders a user's stream by commit: concurrent writers to one stream serialise on it
    const head = await this.db.get<{ last_seq: number }>(
      `INSERT INTO host_notification_heads (user_id, last_seq) VALUES (?, 1)
       ON CONFLICT (user_id) DO UPDATE SET last_seq = host_notification_heads.last_seq + 1 RETURNING last_seq`,
      [e.userId],
    );
    const seq = Number(head!.last_seq);
    await this.db.run(`INSERT INTO host_notifications (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`, [
      e.userId,
      seq,
      e.id,
      e.client,
      JSON.stringify(e.payload),
      e.createdAt,
    ]);
    return seq;
  }
  async get(userId: string, id: string) {
    const r = await this.db.get<Row>(`SELECT ${COLUMNS} FROM host_notifications WHERE user_id = ? AND id = ?`, [userId, id]);
    return r ? toRow(r) : undefined;
  }
  async page(userId: string, afterSeq: number, client: string | undefined, notBefore: number, limit: number) {
    const rows =
      client === undefined
        ? await this.db.all<Row>(
            `SELECT ${COLUMNS} FROM host_notifications WHERE user_id = ? AND seq > ? AND created_at >= ? ORDER BY seq LIMIT ?`,
            [userId, afterSeq, notBefore, limit],
          )
        : await this.db.all<Row>(
            `SELECT ${COLUMNS} FROM host_notifications
             WHERE user_id = ? AND seq > ? AND created_at >= ? AND (client IS NULL OR client = ?) ORDER BY seq LIMIT ?`,
            [userId, afterSeq, notBefore, client, limit],
          );
    return rows.map(toRow);
  }
  async purgeBefore(userId: string, before: number) {
    return this.db.run('DELETE FROM host_notifications WHERE user_id = ? AND created_at < ?', [userId, before]);
  }
  async purgeAllBefore(before: number, limit: number) {
    return this.db.run(
      `DELETE FROM host_notifications WHERE (user_id, seq) IN
         (SELECT user_id, seq FROM host_notifications WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
      [before, limit],
    );
  }
}
