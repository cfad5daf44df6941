import type { BotRepo } from './BotRepo.js';
import type { ClientRepo } from './ClientRepo.js';
import type { CodeRepo } from './CodeRepo.js';
import type { ConversationRepo } from './ConversationRepo.js';
import type { DeliveryRepo } from './DeliveryRepo.js';
import type { JobRepo } from './JobRepo.js';
import type { MailQueueRepo } from './MailQueueRepo.js';
import type { NotificationRepo } from './NotificationRepo.js';
import type { ProviderRepo } from './ProviderRepo.js';
import type { RateLimitRepo } from './RateLimitRepo.js';
import type { ServiceRepo } from './ServiceRepo.js';
import type { TeamRepo } from './TeamRepo.js';
import type { UserRepo } from './UserRepo.js';

export interface TxOptions {
  readonly quiet?: boolean;
  readonly atomicStatements?: boolean;
}

/** Everything one transaction can touch. Repositories are only valid inside the callback that received them. */
export interface Tx {
  readonly providers: ProviderRepo;
  readonly codes: CodeRepo;
  readonly rateLimits: RateLimitRepo;
  readonly mails: MailQueueRepo;
  readonly services: ServiceRepo;
  readonly jobs: JobRepo;
  readonly bots: BotRepo;
  readonly deliveries: DeliveryRepo;
  readonly users: UserRepo;
  readonly clients: ClientRepo;
  readonly teams: TeamRepo;
  readonly conversations: ConversationRepo;
  readonly notifications: NotificationRepo;
}

/**
 * The storage port. `transaction` runs `fn` atomically (all or nothing, serialisable with respect to other
 * transactions of this store); when `fn` throws or rejects, nothing it wrote remains. An adapter may run `fn`
 * more than once (PostgreSQL re-runs it after a serialization failure), so `fn` must only touch the store. `read` runs `fn` for
 * reads only (it may see a consistent snapshot, and must not write).
 */
export interface Store {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  /**
   * `quiet`: bookkeeping that should not wake commit listeners (delivery leases).
   * `atomicStatements`: `fn` is correct with each statement atomic on its own (conditional updates of leases and
   * queues), so an engine may run it below serialisable isolation to avoid serialization failures.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Calls `listener` after every committed transaction of this store instance (workers wake on it). */
  onCommit(listener: () => void): () => void;
  /** true when the database answers */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
