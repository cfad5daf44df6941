import type { Store, Tx } from '@spp/domain';
import { MemoryDb, type MemoryTx } from './MemoryDb.js';
import { MemoryProviderRepo } from './repos/MemoryProviderRepo.js';
import { MemoryCodeRepo } from './repos/MemoryCodeRepo.js';
import { MemoryRateLimitRepo } from './repos/MemoryRateLimitRepo.js';
import { MemoryMailQueueRepo } from './repos/MemoryMailQueueRepo.js';
import { MemoryServiceRepo } from './repos/MemoryServiceRepo.js';
import { MemoryJobRepo } from './repos/MemoryJobRepo.js';
import { MemoryBotRepo } from './repos/MemoryBotRepo.js';
import { MemoryDeliveryRepo } from './repos/MemoryDeliveryRepo.js';
import { MemoryUserRepo } from './repos/MemoryUserRepo.js';
import { MemoryClientRepo } from './repos/MemoryClientRepo.js';
import { MemoryTeamRepo } from './repos/MemoryTeamRepo.js';
import { MemoryConversationRepo } from './repos/MemoryConversationRepo.js';
import { MemoryNotificationRepo } from './repos/MemoryNotificationRepo.js';

const makeTx = (t: MemoryTx): Tx => ({
  providers: new MemoryProviderRepo(t),
  codes: new MemoryCodeRepo(t),
  rateLimits: new MemoryRateLimitRepo(t),
  mails: new MemoryMailQueueRepo(t),
  services: new MemoryServiceRepo(t),
  jobs: new MemoryJobRepo(t),
  bots: new MemoryBotRepo(t),
  deliveries: new MemoryDeliveryRepo(t),
  users: new MemoryUserRepo(t),
  clients: new MemoryClientRepo(t),
  teams: new MemoryTeamRepo(t),
  conversations: new MemoryConversationRepo(t),
  notifications: new MemoryNotificationRepo(t),
});

/** The storage port in memory: for embedders' tests and the simulation harness. */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly db = new MemoryDb();

  private readonly listeners = new Set<() => void>();

  async transaction<T>(fn: (tx: Tx) => Promise<T>, options?: { readonly quiet?: boolean; readonly atomicStatements?: boolean }): Promise<T> {
    const out = await this.db.transaction((t) => fn(makeTx(t)));
    if (!options?.quiet) for (const l of this.listeners) l();
    return out;
  }

  onCommit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.read((t) => fn(makeTx(t)));
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
