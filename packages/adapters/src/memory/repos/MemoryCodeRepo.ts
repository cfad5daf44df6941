import type { CodeRecord, CodeRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryCodeRepo implements CodeRepo {
  constructor(private readonly t: MemoryTx) {}
  private get rows() {
    return this.t.table<CodeRecord>('verification_codes');
  }
  async put(code: CodeRecord) {
    this.rows.set(code.key, { ...code });
  }
  async get(key: string) {
    const c = this.rows.get(key);
    return c && { ...c };
  }
  async delete(key: string) {
    this.rows.delete(key);
  }
  async listByProvider(providerId: string) {
    return [...this.rows.values()]
      .filter((c) => c.providerId === providerId)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((c) => ({ ...c }));
  }
  async deleteExpired(now: number) {
    let n = 0;
    for (const [k, c] of this.rows) if (c.expiresAt < now) (this.rows.delete(k), n++);
    return n;
  }
}
