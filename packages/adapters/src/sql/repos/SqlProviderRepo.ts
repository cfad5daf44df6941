import type { ProviderCursor, ProviderRecord, ProviderRepo, ProviderStatus } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

interface Row {
  id: string;
  name: string;
  email: string;
  email_key: string;
  url: string;
  description: string;
  password_hash: string;
  status: string;
  created_at: number;
  verified_at: number | null;
  decided_at: number | null;
  reason: string | null;
  deleted_at: number | null;
}

const COLUMNS =
  'id, name, email, email_key, url, description, password_hash, status, created_at, verified_at, decided_at, reason, deleted_at';

const optNum = (v: number | null): number | null => (v === null || v === undefined ? null : Number(v));

const fromRow = (r: Row): ProviderRecord => ({
  id: r.id,
  name: r.name,
  email: r.email,
  emailKey: r.email_key,
  url: r.url,
  description: r.description,
  passwordHash: r.password_hash,
  status: r.status as ProviderStatus,
  createdAt: Number(r.created_at),
  verifiedAt: optNum(r.verified_at),
  decidedAt: optNum(r.decided_at),
  reason: r.reason ?? null,
  deletedAt: optNum(r.deleted_at),
});

const values = (p: ProviderRecord) => [
  p.id,
  p.name,
  p.email,
  p.emailKey,
  p.url,
  p.description,
  p.passwordHash,
  p.status,
  p.createdAt,
  p.verifiedAt,
  p.decidedAt,
  p.reason,
  p.deletedAt,
];

const VERIFIED = "status IN ('active', 'approved', 'rejected')";

export class SqlProviderRepo implements ProviderRepo {
  constructor(private readonly db: SqlExecutor) {}

  async insert(p: ProviderRecord) {
    await this.db.run(`INSERT INTO providers (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, values(p));
  }

  async update(p: ProviderRecord) {
    const [id, ...rest] = values(p);
    const n = await this.db.run(
      `UPDATE providers SET name = ?, email = ?, email_key = ?, url = ?, description = ?, password_hash = ?, status = ?,
         created_at = ?, verified_at = ?, decided_at = ?, reason = ?, deleted_at = ? WHERE id = ?`,
      [...rest, id],
    );
    if (n !== 1) throw new Error(`provider ${p.id} does not exist`);
  }

  async get(id: string) {
    const r = await this.db.get<Row>(`SELECT ${COLUMNS} FROM providers WHERE id = ?`, [id]);
    return r && fromRow(r);
  }

  async findByVerifiedEmailKey(emailKey: string) {
    const r = await this.db.get<Row>(`SELECT ${COLUMNS} FROM providers WHERE email_key = ? AND ${VERIFIED}`, [emailKey]);
    return r && fromRow(r);
  }

  async listRegisteredByEmailKey(emailKey: string) {
    const rows = await this.db.all<Row>(
      `SELECT ${COLUMNS} FROM providers WHERE email_key = ? AND status = 'registered' ORDER BY created_at, id`,
      [emailKey],
    );
    return rows.map(fromRow);
  }

  async listRegisteredBefore(createdAtOrBefore: number, limit: number) {
    const rows = await this.db.all<Row>(
      `SELECT ${COLUMNS} FROM providers WHERE status = 'registered' AND created_at <= ? ORDER BY created_at, id LIMIT ?`,
      [createdAtOrBefore, limit],
    );
    return rows.map(fromRow);
  }

  async list(q: { status?: ProviderStatus; after?: ProviderCursor; limit: number }) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.status !== undefined) {
      where.push('status = ?');
      params.push(q.status);
    } else where.push("status <> 'deleted'");
    if (q.after) {
      where.push('(created_at > ? OR (created_at = ? AND id > ?))');
      params.push(q.after.createdAt, q.after.createdAt, q.after.id);
    }
    const rows = await this.db.all<Row>(
      `SELECT ${COLUMNS} FROM providers WHERE ${where.join(' AND ')} ORDER BY created_at, id LIMIT ?`,
      [...params, q.limit],
    );
    return rows.map(fromRow);
  }

  async remove(id: string) {
    await this.db.run('DELETE FROM providers WHERE id = ?', [id]);
  }
}
