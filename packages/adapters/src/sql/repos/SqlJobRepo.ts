import type { Job, JobRepo, NewJob } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

interface JobRow {
  id: number | string;
  kind: string;
  payload: string;
  run_after: number | string;
  claimed_by: string | null;
  lease_until: number | string | null;
  attempts: number | string;
  last_error: string | null;
  created_at: number | string;
}

const COLUMNS = 'id, kind, payload, run_after, claimed_by, lease_until, attempts, last_error, created_at';

const fromRow = (r: JobRow): Job => ({
  id: Number(r.id),
  kind: r.kind,
  payload: JSON.parse(r.payload) as unknown,
  runAfter: Number(r.run_after),
  claimedBy: r.claimed_by,
  leaseUntil: r.lease_until === null ? null : Number(r.lease_until),
  attempts: Number(r.attempts),
  lastError: r.last_error,
  createdAt: Number(r.created_at),
});

export class SqlJobRepo implements JobRepo {
  constructor(private readonly db: SqlExecutor) {}

  async enqueue(job: NewJob): Promise<number> {
    const r = await this.db.get<{ id: number | string }>(
      'INSERT INTO jobs (kind, payload, run_after, claimed_by, lease_until, attempts, last_error, created_at) VALUES (?, ?, ?, NULL, NULL, 0, NULL, ?) RETURNING id',
      [job.kind, JSON.stringify(job.payload ?? null), job.runAfter, job.now],
    );
    return Number(r!.id);
  }

  async get(id: number): Promise<Job | undefined> {
    const r = await this.db.get<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`, [id]);
    return r ? fromRow(r) : undefined;
  }

  async claim(kinds: readonly string[], worker: string, now: number, leaseMs: number): Promise<Job | undefined> {
    if (kinds.length === 0) return undefined;
    const marks = kinds.map(() => '?').join(', ');
    // candidates in due order; the conditional UPDATE re-checks the lease, so a concurrent claimer loses cleanly
    const candidates = await this.db.all<{ id: number | string }>(
      `SELECT id FROM jobs WHERE kind IN (${marks}) AND run_after <= ? AND (lease_until IS NULL OR lease_until < ?)
       ORDER BY run_after, id LIMIT 5`,
      [...kinds, now, now],
    );
    for (const c of candidates) {
      const n = await this.db.run(
        `UPDATE jobs SET claimed_by = ?, lease_until = ?, attempts = attempts + 1
         WHERE id = ? AND (lease_until IS NULL OR lease_until < ?)`,
        [worker, now + leaseMs, c.id, now],
      );
      if (n > 0) return this.get(Number(c.id));
    }
    return undefined;
  }

  async renew(id: number, worker: string, leaseUntil: number): Promise<boolean> {
    return (await this.db.run('UPDATE jobs SET lease_until = ? WHERE id = ? AND claimed_by = ?', [leaseUntil, id, worker])) > 0;
  }

  async complete(id: number, worker: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM jobs WHERE id = ? AND claimed_by = ?', [id, worker])) > 0;
  }

  async release(id: number, worker: string, runAfter: number, error: string | null): Promise<void> {
    await this.db.run('UPDATE jobs SET claimed_by = NULL, lease_until = NULL, run_after = ?, last_error = ? WHERE id = ? AND claimed_by = ?', [
      runAfter,
      error,
      id,
      worker,
    ]);
  }

  async list(kind: string): Promise<Job[]> {
    const rows = await this.db.all<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE kind = ? ORDER BY id`, [kind]);
    return rows.map(fromRow);
  }
}
