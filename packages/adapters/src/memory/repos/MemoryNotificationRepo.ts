import type { NotificationRepo, NotificationRow } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

const copy = (n: NotificationRow): NotificationRow => ({ ...n, payload: structuredClone(n.payload) });

/** one immutable array per user's stream, oldest first; the head counter survives purges */
export class MemoryNotificationRepo implements NotificationRepo {
  constructor(private readonly t: MemoryTx) {}
  private get streams() {
    return this.t.table<readonly NotificationRow[]>('host_notifications');
  }
  private get heads() {
    return this.t.table<number>('host_notification_heads');
  }
  async append(entry: Omit<NotificationRow, 'seq'>) {
    const stream = this.streams.get(entry.userId) ?? [];
    if (stream.some((n) => n.id === entry.id)) throw new Error(`duplicate notification ${entry.id}`);
    const seq = (this.heads.get(entry.userId) ?? 0) + 1;
    this.heads.set(entry.userId, seq);
    this.streams.set(entry.userId, [...stream, copy({ ...entry, seq })]);
    return seq;
  }
  async get(userId: string, id: string) {
    const n = this.streams.get(userId)?.find((x) => x.id === id);
    return n ? copy(n) : undefined;
  }
  async page(userId: string, afterSeq: number, client: string | undefined, notBefore: number, limit: number) {
    const out: NotificationRow[] = [];
    for (const n of this.streams.get(userId) ?? []) {
      if (out.length >= limit) break;
      if (n.seq <= afterSeq || n.createdAt < notBefore) continue;
      if (client !== undefined && n.client !== null && n.client !== client) continue;
      out.push(copy(n));
    }
    return out;
  }
  async purgeAllBefore(before: number, limit: number) {
    const old = [...this.streams.values()].flat().filter((n) => n.createdAt < before).sort((a, b) => a.createdAt - b.createdAt).slice(0, limit);
    for (const n of old) {
      const stream = this.streams.get(n.userId) ?? [];
      this.streams.set(n.userId, stream.filter((m) => m.seq !== n.seq));
    }
    return old.length;
  }
  async purgeBefore(userId: string, before: number) {
    const stream = this.streams.get(userId) ?? [];
    const rest = stream.filter((n) => n.createdAt >= before);
    if (rest.length !== stream.length) this.streams.set(userId, rest);
    return stream.length - rest.length;
  }
}
