import type { ProviderCursor, ProviderRecord, ProviderRepo, ProviderStatus } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

const VERIFIED = new Set<ProviderStatus>(['active', 'approved', 'rejected']);
const bySortKey = (a: ProviderRecord, b: ProviderRecord) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const isAfter = (p: ProviderRecord, c: ProviderCursor) => p.createdAt > c.createdAt || (p.createdAt === c.createdAt && p.id > c.id);

export class MemoryProviderRepo implements ProviderRepo {
  constructor(private readonly t: MemoryTx) {}
  private get rows() {
    return this.t.table<ProviderRecord>('providers');
  }
  private all(): ProviderRecord[] {
    return [...this.rows.values()];
  }
  async insert(p: ProviderRecord) {
    if (this.rows.has(p.id)) throw new Error(`provider ${p.id} exists`);
    this.assertUniqueEmail(p);
    this.rows.set(p.id, { ...p });
  }
  async update(p: ProviderRecord) {
    if (!this.rows.has(p.id)) throw new Error(`provider ${p.id} does not exist`);
    this.assertUniqueEmail(p);
    this.rows.set(p.id, { ...p });
  }
  /** the SQL stores enforce this with a partial unique index; the memory store behaves the same */
  private assertUniqueEmail(p: ProviderRecord) {
    if (!VERIFIED.has(p.status)) return;
    const clash = this.all().find((o) => o.id !== p.id && VERIFIED.has(o.status) && o.emailKey === p.emailKey);
    if (clash) throw new Error(`unique violation: verified e-mail key ${p.emailKey}`);
  }
  async get(id: string) {
    const p = this.rows.get(id);
    return p && { ...p };
  }
  async findByVerifiedEmailKey(emailKey: string) {
    const p = this.all().find((o) => VERIFIED.has(o.status) && o.emailKey === emailKey);
    return p && { ...p };
  }
  async listRegisteredByEmailKey(emailKey: string) {
    return this.all()
      .filter((o) => o.status === 'registered' && o.emailKey === emailKey)
      .sort(bySortKey)
      .map((o) => ({ ...o }));
  }
  async listRegisteredBefore(createdAtOrBefore: number, limit: number) {
    return this.all()
      .filter((o) => o.status === 'registered' && o.createdAt <= createdAtOrBefore)
      .sort(bySortKey)
      .slice(0, limit)
      .map((o) => ({ ...o }));
  }
  async list(q: { status?: ProviderStatus; after?: ProviderCursor; limit: number }) {
    return this.all()
      .filter((o) => o.status !== 'deleted' && (q.status === undefined || o.status === q.status) && (!q.after || isAfter(o, q.after)))
      .sort(bySortKey)
      .slice(0, q.limit)
      .map((o) => ({ ...o }));
  }
  async remove(id: string) {
    this.rows.delete(id);
  }
}
