import type { TeamRole, UserRepo, UserRow } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';
import { chunks, placeholders } from './hostSqlLists.js';

interface Row {
  id: string;
  name: string;
  email: string | null;
  email_key: string | null;
  password_hash: string | null;
  handle: string | null;
  accent_id: number;
  assets: string;
  locale: string;
  team: string | null;
  team_role: string | null;
  service_id: string | null;
  service_provider: string | null;
  deleted: number;
  created_at: number;
}

const COLUMNS =
  'id, name, email, email_key, password_hash, handle, accent_id, assets, locale, team, team_role, service_id, service_provider, deleted, created_at';

const toUser = (r: Row): UserRow => ({
  id: r.id,
  name: r.name,
  email: r.email,
  emailKey: r.email_key,
  passwordHash: r.password_hash,
  handle: r.handle,
  accentId: Number(r.accent_id),
  assets: JSON.parse(r.assets) as unknown[],
  locale: r.locale,
  team: r.team,
  teamRole: r.team_role as TeamRole | null,
  service: r.service_id && r.service_provider ? { id: r.service_id, provider: r.service_provider } : null,
  deleted: Number(r.deleted) === 1,
  createdAt: Number(r.created_at),
});

const values = (u: UserRow): unknown[] => [
  u.name,
  u.email,
  u.emailKey,
  u.passwordHash,
  u.handle,
  u.accentId,
  JSON.stringify(u.assets),
  u.locale,
  u.team,
  u.teamRole,
  u.service?.id ?? null,
  u.service?.provider ?? null,
  u.deleted ? 1 : 0,
  u.createdAt,
];

export class SqlUserRepo implements UserRepo {
  constructor(private readonly db: SqlExecutor) {}
  async insert(user: UserRow) {
    await this.db.run(`INSERT INTO host_users (${COLUMNS}) VALUES (?, ${placeholders(14)})`, [user.id, ...values(user)]);
  }
  async update(user: UserRow) {
    await this.db.run(
      `UPDATE host_users SET name = ?, email = ?, email_key = ?, password_hash = ?, handle = ?, accent_id = ?, assets = ?,
         locale = ?, team = ?, team_role = ?, service_id = ?, service_provider = ?, deleted = ?, created_at = ? WHERE id = ?`,
      [...values(user), user.id],
    );
  }
  async get(id: string) {
    const r = await this.db.get<Row>(`SELECT ${COLUMNS} FROM host_users WHERE id = ?`, [id]);
    return r ? toUser(r) : undefined;
  }
  async getMany(ids: readonly string[]) {
    const out: UserRow[] = [];
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.db.all<Row>(`SELECT ${COLUMNS} FROM host_users WHERE id IN (${placeholders(part.length)})`, part);
      out.push(...rows.map(toUser));
    }
    return out;
  }
  async findByEmailKey(emailKey: string) {
    const r = await this.db.get<Row>(`SELECT ${COLUMNS} FROM host_users WHERE email_key = ?`, [emailKey]);
    return r ? toUser(r) : undefined;
  }
  async findByHandle(handle: string) {
    const r = await this.db.get<Row>(`SELECT ${COLUMNS} FROM host_users WHERE handle = ?`, [handle]);
    return r ? toUser(r) : undefined;
  }
  async listByTeam(teamId: string) {
    const rows = await this.db.all<Row>(`SELECT ${COLUMNS} FROM host_users WHERE team = ? ORDER BY created_at, id`, [teamId]);
    return rows.map(toUser);
  }
}
