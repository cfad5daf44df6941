import { LAST_RESORT_PREKEY_ID, type ClientRepo, type ClientRow, type Prekey } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';
import { chunks, placeholders } from './hostSqlLists.js';

interface Row {
  user_id: string;
  id: string;
  type: string;
  client_class: string | null;
  label: string | null;
  created_at: number;
}

const COLUMNS = 'user_id, id, type, client_class, label, created_at';

const toClient = (r: Row): ClientRow => ({
  userId: r.user_id,
  id: r.id,
  type: r.type as ClientRow['type'],
  class: r.client_class as ClientRow['class'],
  label: r.label,
  createdAt: Number(r.created_at),
});

export class SqlClientRepo implements ClientRepo {
  constructor(private readonly db: SqlExecutor) {}
  async insert(c: ClientRow) {
    await this.db.run(`INSERT INTO host_clients (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`, [c.userId, c.id, c.type, c.class, c.label, c.createdAt]);
  }
  async get(userId: string, clientId: string) {
    const r = await this.db.get<Row>(`SELECT ${COLUMNS} FROM host_clients WHERE user_id = ? AND id = ?`, [userId, clientId]);
    return r ? toClient(r) : undefined;
  }
  async listByUser(userId: string) {
    const rows = await this.db.all<Row>(`SELECT ${COLUMNS} FROM host_clients WHERE user_id = ? ORDER BY created_at, id`, [userId]);
    return rows.map(toClient);
  }
  async listByUsers(userIds: readonly string[]) {
    const out: ClientRow[] = [];
    for (const part of chunks([...new Set(userIds)])) {
      const rows = await this.db.all<Row>(
        `SELECT ${COLUMNS} FROM host_clients WHERE user_id IN (${placeholders(part.length)}) ORDER BY created_at, id`,
        part,
      );
      out.push(...rows.map(toClient));
    }
    return out;
  }
  async delete(userId: string, clientId: string) {
    await this.db.run('DELETE FROM host_prekeys WHERE user_id = ? AND client_id = ?', [userId, clientId]);
    return (await this.db.run('DELETE FROM host_clients WHERE user_id = ? AND id = ?', [userId, clientId])) > 0;
  }
  async deleteAllOfUser(userId: string) {
    await this.db.run('DELETE FROM host_prekeys WHERE user_id = ?', [userId]);
    await this.db.run('DELETE FROM host_clients WHERE user_id = ?', [userId]);
  }
  async putPrekeys(userId: string, clientId: string, prekeys: readonly Prekey[]) {
    for (const p of prekeys) {
      await this.db.run(
        'INSERT INTO host_prekeys (user_id, client_id, id, prekey) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, client_id, id) DO UPDATE SET prekey = excluded.prekey',
        [userId, clientId, p.id, p.key],
      );
    }
  }
  async claimPrekey(userId: string, clientId: string) {
    const r = await this.db.get<{ id: number; prekey: string }>(
      'SELECT id, prekey FROM host_prekeys WHERE user_id = ? AND client_id = ? ORDER BY id LIMIT 1',
      [userId, clientId],
    );
    if (!r) return undefined;
    const id = Number(r.id);
    if (id !== LAST_RESORT_PREKEY_ID) await this.db.run('DELETE FROM host_prekeys WHERE user_id = ? AND client_id = ? AND id = ?', [userId, clientId, id]);
    return { id, key: r.prekey };
  }
  async listPrekeyIds(userId: string, clientId: string) {
    const rows = await this.db.all<{ id: number }>('SELECT id FROM host_prekeys WHERE user_id = ? AND client_id = ? ORDER BY id', [userId, clientId]);
    return rows.map((r) => Number(r.id));
  }
}
