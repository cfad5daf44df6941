import type { Mail } from '../MailTransport.js';

/** A mail waiting in the durable queue (providers.md §5). */
export interface QueuedMail {
  /** random UUID; also names the outbox file */
  readonly id: string;
  /** the X-Zeta-Purpose header */
  readonly purpose: string;
  readonly mail: Mail;
  /** ms */
  readonly createdAt: number;
  /** when the next attempt may start (also the lease end while an attempt runs) */
  readonly nextAttemptAt: number;
  readonly attempts: number;
  readonly status: 'pending' | 'failed';
  readonly lastError: string | null;
}

export interface MailQueueRepo {
  enqueue(mail: QueuedMail): Promise<void>;
  get(id: string): Promise<QueuedMail | undefined>;
  /** pending mails with nextAttemptAt <= now, earliest first */
  due(now: number, limit: number): Promise<QueuedMail[]>;
  /** sets nextAttemptAt (and attempts/lastError) of a pending mail */
  reschedule(id: string, nextAttemptAt: number, attempts: number, lastError: string | null): Promise<void>;
  /** gives up on a mail; it stays for inspection until purged */
  markFailed(id: string, attempts: number, lastError: string): Promise<void>;
  /** a sent mail leaves the queue (its codes are not kept longer than needed) */
  remove(id: string): Promise<void>;
  /** removes failed mails created before `before`; returns how many */
  purgeFailed(before: number): Promise<number>;
  /** pending and failed mails, oldest first (operations and tests) */
  list(limit: number): Promise<QueuedMail[]>;
}
