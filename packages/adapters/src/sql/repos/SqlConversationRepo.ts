import type { ConversationRepo, ConversationRow, MemberRow } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';
import { MemberListCache } from './memberLists.js';

interface ConvRow {
  id: string;
  type: number;
  name: string | null;
  team: string | null;
  creator: string;
  access: string;
  access_role: string;
  created_at: number;
  members_tag: number | string;
}

interface MRow {
  conv_id: string;
  user_id: string;
  role: string;
  service_id: string | null;
  service_provider: string | null;
}

const CONV = 'id, type, name, team, creator, access, access_role, created_at';
const MEMBER = 'conv_id, user_id, role, service_id, service_provider';

const toConv = (r: ConvRow): ConversationRow => ({
  id: r.id,
  type: Number(r.type),
  name: r.name,
  team: r.team,
  creator: r.creator,
  access: JSON.parse(r.access) as string[],
  accessRole: JSON.parse(r.access_role) as string[],
  createdAt: Number(r.created_at),
});

const toMember = (r: MRow): MemberRow => ({
  convId: r.conv_id,
  userId: r.user_id,
  role: r.role,
  service: r.service_id && r.service_provider ? { id: r.service_id, provider: r.service_provider } : null,
});

export class SqlConversationRepo implements ConversationRepo {
  /** members tags seen or set in this transaction */
  private readonly tags = new Map<string, string>();

  constructor(
    private readonly db: SqlExecutor,
    private readonly memberLists: MemberListCache = new MemberListCache(),
  ) {}

  private async retag(convId: string) {
    const tag = MemberListCache.newTag();
    await this.db.run('UPDATE host_conversations SET members_tag = ? WHERE id = ?', [tag, convId]);
    this.tags.set(convId, String(tag));
  }

  async insert(c: ConversationRow) {
    await this.db.run(`INSERT INTO host_conversations (${CONV}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
      c.id,
      c.type,
      c.name,
      c.team,
      c.creator,
      JSON.stringify(c.access),
      JSON.stringify(c.accessRole),
      c.createdAt,
    ]);
  }
  async update(c: ConversationRow) {
    await this.db.run('UPDATE host_conversations SET name = ?, access = ?, access_role = ? WHERE id = ?', [
      c.name,
      JSON.stringify(c.access),
      JSON.stringify(c.accessRole),
      c.id,
    ]);
  }
  async get(id: string) {
    const r = await this.db.get<ConvRow>(`SELECT ${CONV}, members_tag FROM host_conversations WHERE id = ?`, [id]);
    if (!r) return undefined;
    this.tags.set(id, String(r.members_tag));
    return toConv(r);
  }
  async delete(id: string) {
    await this.db.run('DELETE FROM host_members WHERE conv_id = ?', [id]);
    await this.db.run('DELETE FROM host_conversations WHERE id = ?', [id]);
  }
  async listIdsByTeam(teamId: string) {
    const rows = await this.db.all<{ id: string }>('SELECT id FROM host_conversations WHERE team = ? ORDER BY created_at, id', [teamId]);
    return rows.map((r) => r.id);
  }
  async addMember(m: MemberRow) {
    // join order: one more than the conversation's last member (transactions are serialisable)
    await this.db.run(
      `INSERT INTO host_members (${MEMBER}, ord)
       SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), COALESCE(MAX(ord), 0) + 1
       FROM host_members WHERE conv_id = ?`,
      [m.convId, m.userId, m.role, m.service?.id ?? null, m.service?.provider ?? null, m.convId],
    );
    await this.retag(m.convId);
  }
  async removeMember(convId: string, userId: string) {
    const removed = (await this.db.run('DELETE FROM host_members WHERE conv_id = ? AND user_id = ?', [convId, userId])) > 0;
    if (removed) await this.retag(convId);
    return removed;
  }
  async getMember(convId: string, userId: string) {
    const r = await this.db.get<MRow>(`SELECT ${MEMBER} FROM host_members WHERE conv_id = ? AND user_id = ?`, [convId, userId]);
    return r ? toMember(r) : undefined;
  }
  async listMembers(convId: string) {
    let tag = this.tags.get(convId);
    if (tag === undefined) {
      const r = await this.db.get<{ members_tag: number | string }>('SELECT members_tag FROM host_conversations WHERE id = ?', [convId]);
      if (r) this.tags.set(convId, (tag = String(r.members_tag)));
    }
    const known = tag === undefined ? undefined : this.memberLists.get(convId, tag);
    if (known) return [...known];
    const rows = await this.db.all<MRow>(`SELECT ${MEMBER} FROM host_members WHERE conv_id = ? ORDER BY ord`, [convId]);
    const members = rows.map(toMember);
    if (tag !== undefined) this.memberLists.put(convId, tag, members);
    return [...members];
  }
  async countMembers(convId: string) {
    const r = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM host_members WHERE conv_id = ?', [convId]);
    return Number(r?.n ?? 0);
  }
  async listIdsOfMember(userId: string) {
    const rows = await this.db.all<{ conv_id: string }>('SELECT conv_id FROM host_members WHERE user_id = ?', [userId]);
    return rows.map((r) => r.conv_id);
  }
}
