import type { CodePurpose, CodeRecord, CodeRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

interface Row {
  key: string;
  purpose: string;
  code: string;
  provider_id: string;
  email: string;
  created_at: number;
  expires_at: number;
  tries_left: number;
  used_at: number | null;
}

const COLUMNS = 'key, purpose, code, provider_id, email, created_at, expires_at, tries_left, used_at';

const fromRow = (r: Row): CodeRecord => ({
  key: r.key,
  purpose: r.purpose as CodePurpose,
  code: r.code,
  providerId: r.provider_id,
  email: r.email,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  triesLeft: Number(r.tries_left),
  usedAt: r.used_at === null || r.used_at === undefined ? null : Number(r.used_at),
});

export class SqlCodeRepo implements CodeRepo {
  constructor(private readonly db: SqlExecutor) {}

  async put(c: CodeRecord) {
    await this.db.run(
      `INSERT INTO verification_codes (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET purpose = excluded.purpose, code = excluded.code, provider_id = excluded.provider_id,
         email = excluded.email, created_at = excluded.created_at, expires_at = excluded.expires_at,
         tries_left = excluded.tries_left, used_at = excluded.used_at`,
      [c.key, c.purpose, c.code, c.providerId, c.email, c.createdAt, c.expiresAt, c.triesLeft, c.usedAt],
    );
  }

  async get(key: string) {
    const r = await this.db.get<Row>(`SELECT ${COLUMNS} FROM verification_codes WHERE key = ?`, [key]);
    return r && fromRow(r);
  }

  async delete(key: string) {
    await this.db.run('DELETE FROM verification_codes WHERE key = ?', [key]);
  }

  async listByProvider(providerId: string) {
    const rows = await this.db.all<Row>(`SELECT ${COLUMNS} FROM verification_codes WHERE provider_id = ? ORDER BY key`, [providerId]);
    return rows.map(fromRow);
  }

  async deleteExpired(now: number) {
    return this.db.run('DELETE FROM verification_codes WHERE expires_at < ?', [now]);
  }
}
