import type { UserRepo, UserRow } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

const copy = (u: UserRow): UserRow => ({ ...u, assets: structuredClone(u.assets), service: u.service ? { ...u.service } : null });

export class MemoryUserRepo implements UserRepo {
  constructor(private readonly t: MemoryTx) {}
  private get users() {
    return this.t.table<UserRow>('host_users');
  }
  async insert(user: UserRow) {
    if (this.users.has(user.id)) throw new Error(`duplicate user ${user.id}`);
    this.unique(user);
    this.users.set(user.id, copy(user));
  }
  async update(user: UserRow) {
    this.unique(user);
    this.users.set(user.id, copy(user));
  }
  async get(id: string) {
    const u = this.users.get(id);
    return u ? copy(u) : undefined;
  }
  async getMany(ids: readonly string[]) {
    const out: UserRow[] = [];
    for (const id of new Set(ids)) {
      const u = this.users.get(id);
      if (u) out.push(copy(u));
    }
    return out;
  }
  async findByEmailKey(emailKey: string) {
    for (const u of this.users.values()) if (u.emailKey === emailKey) return copy(u);
    return undefined;
  }
  async findByHandle(handle: string) {
    for (const u of this.users.values()) if (u.handle === handle) return copy(u);
    return undefined;
  }
  async listByTeam(teamId: string) {
    return [...this.users.values()]
      .filter((u) => u.team === teamId)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      .map(copy);
  }
  /** the SQL schema's unique indexes, so both stores refuse the same writes */
  private unique(user: UserRow) {
    for (const u of this.users.values()) {
      if (u.id === user.id) continue;
      if (user.emailKey !== null && u.emailKey === user.emailKey) throw new Error('duplicate e-mail key');
      if (user.handle !== null && u.handle === user.handle) throw new Error('duplicate handle');
    }
  }
}
