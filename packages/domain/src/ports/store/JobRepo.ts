/** A durable background job (service deletion, …). Payload is JSON the job's kind defines. */
export interface Job {
  readonly id: number;
  readonly kind: string;
  readonly payload: unknown;
  /** ms: not before */
  readonly runAfter: number;
  /** worker holding the lease, or null */
  readonly claimedBy: string | null;
  /** ms: the lease ends; another worker may claim the job after it */
  readonly leaseUntil: number | null;
  /** claims so far */
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: number;
}

export interface NewJob {
  readonly kind: string;
  readonly payload: unknown;
  readonly runAfter: number;
  readonly now: number;
}

/**
 * Durable jobs shared by all instances. A worker claims a due job under a lease (`claimedBy`, `leaseUntil`),
 * renews it while working and deletes the job when done; when it crashes the lease runs out and another worker
 * resumes the job, so job steps must be idempotent. `claim` is one conditional update (PostgreSQL may use
 * `FOR UPDATE SKIP LOCKED`), so two workers never hold the same job at once.
 */
export interface JobRepo {
  enqueue(job: NewJob): Promise<number>;
  get(id: number): Promise<Job | undefined>;
  /** the oldest due, unleased (or lease-expired) job of these kinds, now leased to `worker`; attempts + 1 */
  claim(kinds: readonly string[], worker: string, now: number, leaseMs: number): Promise<Job | undefined>;
  /** extends the lease; false when `worker` no longer holds it */
  renew(id: number, worker: string, leaseUntil: number): Promise<boolean>;
  /** deletes a finished job; false when `worker` no longer holds it */
  complete(id: number, worker: string): Promise<boolean>;
  /** gives the job back to run again at `runAfter` (after a failure) */
  release(id: number, worker: string, runAfter: number, error: string | null): Promise<void>;
  /** jobs of a kind, oldest first (tests, admin views) */
  list(kind: string): Promise<Job[]>;
}
