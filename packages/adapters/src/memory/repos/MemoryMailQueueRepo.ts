import type { MailQueueRepo, QueuedMail } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

const copy = (m: QueuedMail): QueuedMail => ({ ...m, mail: { ...m.mail, headers: { ...m.mail.headers } } });
const byDue = (a: QueuedMail, b: QueuedMail) =>
  a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byAge = (a: QueuedMail, b: QueuedMail) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class MemoryMailQueueRepo implements MailQueueRepo {
  constructor(private readonly t: MemoryTx) {}
  private get rows() {
    return this.t.table<QueuedMail>('mail_queue');
  }
  async enqueue(mail: QueuedMail) {
    if (this.rows.has(mail.id)) throw new Error(`mail ${mail.id} exists`);
    this.rows.set(mail.id, copy(mail));
  }
  async get(id: string) {
    const m = this.rows.get(id);
    return m && copy(m);
  }
  async due(now: number, limit: number) {
    return [...this.rows.values()]
      .filter((m) => m.status === 'pending' && m.nextAttemptAt <= now)
      .sort(byDue)
      .slice(0, limit)
      .map(copy);
  }
  async reschedule(id: string, nextAttemptAt: number, attempts: number, lastError: string | null) {
    const m = this.rows.get(id);
    if (m && m.status === 'pending') this.rows.set(id, { ...copy(m), nextAttemptAt, attempts, lastError });
  }
  async markFailed(id: string, attempts: number, lastError: string) {
    const m = this.rows.get(id);
    if (m) this.rows.set(id, { ...copy(m), status: 'failed', attempts, lastError });
  }
  async remove(id: string) {
    this.rows.delete(id);
  }
  async purgeFailed(before: number) {
    let n = 0;
    for (const [id, m] of this.rows) if (m.status === 'failed' && m.createdAt < before) (this.rows.delete(id), n++);
    return n;
  }
  async list(limit: number) {
    return [...this.rows.values()].sort(byAge).slice(0, limit).map(copy);
  }
}
