import type { DeliveryItem, DeliveryRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

interface Lease {
  readonly owner: string;
  readonly until: number;
}

export class MemoryDeliveryRepo implements DeliveryRepo {
  constructor(private readonly t: MemoryTx) {}
  private get items() {
    return this.t.table<DeliveryItem>('deliveries');
  }
  private get leases() {
    return this.t.table<Lease>('delivery_leases');
  }
  private ofBot(botId: string) {
    return [...this.items.values()].filter((i) => i.botId === botId).sort((a, b) => a.seq - b.seq);
  }
  async enqueue(item: Omit<DeliveryItem, 'seq'>, maxPending: number) {
    if (this.ofBot(item.botId).length >= maxPending) return false;
    const seq = this.t.next('deliveries');
    this.items.set(String(seq), { ...item, seq });
    return true;
  }
  async countPending(botId: string) {
    return this.ofBot(botId).length;
  }
  async head(botId: string) {
    const h = this.ofBot(botId)[0];
    return h && { ...h };
  }
  async heads(botId: string, limit: number) {
    return this.ofBot(botId)
      .slice(0, limit)
      .map((i) => ({ ...i }));
  }
  async complete(botId: string, seq: number, owner: string, until: number) {
    if (!(await this.renewLease(botId, owner, until))) return false;
    this.items.delete(String(seq));
    return true;
  }
  async discardAll(botId: string) {
    const mine = this.ofBot(botId);
    for (const i of mine) this.items.delete(String(i.seq));
    return mine.length;
  }
  async claimBots(owner: string, now: number, until: number, limit: number) {
    const picked: string[] = [];
    for (const i of [...this.items.values()].sort((a, b) => a.seq - b.seq)) {
      if (picked.length >= limit) break;
      if (picked.includes(i.botId)) continue;
      const l = this.leases.get(i.botId);
      if (l && l.until >= now) continue;
      this.leases.set(i.botId, { owner, until });
      picked.push(i.botId);
    }
    return picked;
  }
  async renewLease(botId: string, owner: string, until: number) {
    const l = this.leases.get(botId);
    if (!l || l.owner !== owner) return false;
    this.leases.set(botId, { owner, until });
    return true;
  }
  async releaseLease(botId: string, owner: string) {
    if (this.leases.get(botId)?.owner === owner) this.leases.delete(botId);
  }
  async totalPending() {
    return this.items.size;
  }
}
