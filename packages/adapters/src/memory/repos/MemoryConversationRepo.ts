import type { ConversationRepo, ConversationRow, MemberRow } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

const copyConv = (c: ConversationRow): ConversationRow => ({ ...c, access: [...c.access], accessRole: [...c.accessRole] });
const copyMember = (m: MemberRow): MemberRow => ({ ...m, service: m.service ? { ...m.service } : null });

/** members are kept per conversation in join order; a per-user index lists a user's conversations */
export class MemoryConversationRepo implements ConversationRepo {
  constructor(private readonly t: MemoryTx) {}
  private get convs() {
    return this.t.table<ConversationRow>('host_conversations');
  }
  private get members() {
    return this.t.table<readonly MemberRow[]>('host_members');
  }
  private get byUser() {
    return this.t.table<readonly string[]>('host_member_index');
  }
  async insert(conv: ConversationRow) {
    if (this.convs.has(conv.id)) throw new Error(`duplicate conversation ${conv.id}`);
    this.convs.set(conv.id, copyConv(conv));
  }
  async update(conv: ConversationRow) {
    const old = this.convs.get(conv.id);
    if (old) this.convs.set(conv.id, { ...old, name: conv.name, access: [...conv.access], accessRole: [...conv.accessRole] });
  }
  async get(id: string) {
    const c = this.convs.get(id);
    return c ? copyConv(c) : undefined;
  }
  async delete(id: string) {
    for (const m of this.members.get(id) ?? []) this.unindex(m.userId, id);
    this.members.delete(id);
    this.convs.delete(id);
  }
  async listIdsByTeam(teamId: string) {
    return [...this.convs.values()]
      .filter((c) => c.team === teamId)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      .map((c) => c.id);
  }
  async addMember(member: MemberRow) {
    const list = this.members.get(member.convId) ?? [];
    if (list.some((m) => m.userId === member.userId)) throw new Error(`duplicate member ${member.userId}`);
    this.members.set(member.convId, [...list, copyMember(member)]);
    this.byUser.set(member.userId, [...(this.byUser.get(member.userId) ?? []), member.convId]);
  }
  async removeMember(convId: string, userId: string) {
    const list = this.members.get(convId) ?? [];
    const rest = list.filter((m) => m.userId !== userId);
    if (rest.length === list.length) return false;
    this.members.set(convId, rest);
    this.unindex(userId, convId);
    return true;
  }
  async getMember(convId: string, userId: string) {
    const m = this.members.get(convId)?.find((x) => x.userId === userId);
    return m ? copyMember(m) : undefined;
  }
  async listMembers(convId: string) {
    return (this.members.get(convId) ?? []).map(copyMember);
  }
  async countMembers(convId: string) {
    return (this.members.get(convId) ?? []).length;
  }
  async listIdsOfMember(userId: string) {
    return [...(this.byUser.get(userId) ?? [])];
  }
  private unindex(userId: string, convId: string) {
    const rest = (this.byUser.get(userId) ?? []).filter((c) => c !== convId);
    if (rest.length) this.byUser.set(userId, rest);
    else this.byUser.delete(userId);
  }
}
