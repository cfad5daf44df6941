import type { Job, JobRepo, NewJob } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

const copy = (j: Job): Job => ({ ...j, payload: structuredClone(j.payload) });

export class MemoryJobRepo implements JobRepo {
  constructor(private readonly t: MemoryTx) {}

  private get jobs() {
    return this.t.table<Job>('jobs');
  }

  async enqueue(job: NewJob) {
    const id = this.t.next('jobs');
    this.jobs.set(String(id), {
      id,
      kind: job.kind,
      payload: structuredClone(job.payload ?? null),
      runAfter: job.runAfter,
      claimedBy: null,
      leaseUntil: null,
      attempts: 0,
      lastError: null,
      createdAt: job.now,
    });
    return id;
  }

  async get(id: number) {
    const j = this.jobs.get(String(id));
    return j ? copy(j) : undefined;
  }

  async claim(kinds: readonly string[], worker: string, now: number, leaseMs: number) {
    const due = [...this.jobs.values()]
      .filter((j) => kinds.includes(j.kind) && j.runAfter <= now && (j.leaseUntil === null || j.leaseUntil < now))
      .sort((a, b) => a.runAfter - b.runAfter || a.id - b.id)[0];
    if (!due) return undefined;
    const claimed: Job = { ...due, claimedBy: worker, leaseUntil: now + leaseMs, attempts: due.attempts + 1 };
    this.jobs.set(String(due.id), claimed);
    return copy(claimed);
  }

  async renew(id: number, worker: string, leaseUntil: number) {
    const j = this.jobs.get(String(id));
    if (!j || j.claimedBy !== worker) return false;
    this.jobs.set(String(id), { ...j, leaseUntil });
    return true;
  }

  async complete(id: number, worker: string) {
    const j = this.jobs.get(String(id));
    if (!j || j.claimedBy !== worker) return false;
    this.jobs.delete(String(id));
    return true;
  }

  async release(id: number, worker: string, runAfter: number, error: string | null) {
    const j = this.jobs.get(String(id));
    if (!j || j.claimedBy !== worker) return;
    this.jobs.set(String(id), { ...j, claimedBy: null, leaseUntil: null, runAfter, lastError: error });
  }

  async list(kind: string) {
    return [...this.jobs.values()].filter((j) => j.kind === kind).sort((a, b) => a.id - b.id).map(copy);
  }
}
