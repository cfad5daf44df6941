import { LAST_RESORT_PREKEY_ID, type ClientRepo, type ClientRow, type Prekey } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

/** clients are kept per user (by creation time, then id) and prekeys per client (by id), as immutable arrays */
export class MemoryClientRepo implements ClientRepo {
  constructor(private readonly t: MemoryTx) {}
  private get clients() {
    return this.t.table<readonly ClientRow[]>('host_clients');
  }
  private get prekeys() {
    return this.t.table<readonly Prekey[]>('host_prekeys');
  }
  private key(userId: string, clientId: string) {
    return `${userId}/${clientId}`;
  }
  async insert(client: ClientRow) {
    const list = this.clients.get(client.userId) ?? [];
    if (list.some((c) => c.id === client.id)) throw new Error(`duplicate client ${client.id}`);
    // the SQL order: creation time, then id
    this.clients.set(client.userId, [...list, { ...client }].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  }
  async get(userId: string, clientId: string) {
    const c = this.clients.get(userId)?.find((x) => x.id === clientId);
    return c ? { ...c } : undefined;
  }
  async listByUser(userId: string) {
    return (this.clients.get(userId) ?? []).map((c) => ({ ...c }));
  }
  async listByUsers(userIds: readonly string[]) {
    return [...new Set(userIds)].flatMap((u) => (this.clients.get(u) ?? []).map((c) => ({ ...c })));
  }
  async delete(userId: string, clientId: string) {
    const list = this.clients.get(userId) ?? [];
    const rest = list.filter((c) => c.id !== clientId);
    if (rest.length === list.length) return false;
    if (rest.length) this.clients.set(userId, rest);
    else this.clients.delete(userId);
    this.prekeys.delete(this.key(userId, clientId));
    return true;
  }
  async deleteAllOfUser(userId: string) {
    for (const c of this.clients.get(userId) ?? []) this.prekeys.delete(this.key(userId, c.id));
    this.clients.delete(userId);
  }
  async putPrekeys(userId: string, clientId: string, prekeys: readonly Prekey[]) {
    const byId = new Map((this.prekeys.get(this.key(userId, clientId)) ?? []).map((p) => [p.id, p]));
    for (const p of prekeys) byId.set(p.id, { id: p.id, key: p.key });
    this.prekeys.set(this.key(userId, clientId), [...byId.values()].sort((a, b) => a.id - b.id));
  }
  async claimPrekey(userId: string, clientId: string) {
    const list = this.prekeys.get(this.key(userId, clientId)) ?? [];
    const first = list[0];
    if (!first) return undefined;
    if (first.id !== LAST_RESORT_PREKEY_ID) this.prekeys.set(this.key(userId, clientId), list.slice(1));
    return { ...first };
  }
  async listPrekeyIds(userId: string, clientId: string) {
    return (this.prekeys.get(this.key(userId, clientId)) ?? []).map((p) => p.id);
  }
}
