import type { Store, Tx } from '@spp/domain';
import type { SqlDriver, SqlExecutor } from './SqlDriver.js';
import { SqlProviderRepo } from './repos/SqlProviderRepo.js';
import { SqlCodeRepo } from './repos/SqlCodeRepo.js';
import { SqlRateLimitRepo } from './repos/SqlRateLimitRepo.js';
import { SqlMailQueueRepo } from './repos/SqlMailQueueRepo.js';
import { SqlServiceRepo } from './repos/SqlServiceRepo.js';
import { SqlJobRepo } from './repos/SqlJobRepo.js';
import { SqlBotRepo } from './repos/SqlBotRepo.js';
import { SqlDeliveryRepo } from './repos/SqlDeliveryRepo.js';
import { SqlUserRepo } from './repos/SqlUserRepo.js';
import { SqlClientRepo } from './repos/SqlClientRepo.js';
import { SqlTeamRepo } from './repos/SqlTeamRepo.js';
import { SqlConversationRepo } from './repos/SqlConversationRepo.js';
import { SqlNotificationRepo } from './repos/SqlNotificationRepo.js';
import { MemberListCache } from './repos/memberLists.js';

const makeTx = (ex: SqlExecutor, memberLists: MemberListCache): Tx => ({
  providers: new SqlProviderRepo(ex),
  codes: new SqlCodeRepo(ex),
  rateLimits: new SqlRateLimitRepo(ex),
  mails: new SqlMailQueueRepo(ex),
  services: new SqlServiceRepo(ex),
  jobs: new SqlJobRepo(ex),
  bots: new SqlBotRepo(ex),
  deliveries: new SqlDeliveryRepo(ex),
  users: new SqlUserRepo(ex),
  clients: new SqlClientRepo(ex),
  teams: new SqlTeamRepo(ex),
  conversations: new SqlConversationRepo(ex, memberLists),
  notifications: new SqlNotificationRepo(ex),
});

/** The storage port over any SQL driver (SQLite or PostgreSQL): the repositories are written once. */
export class SqlStore implements Store {
  constructor(
    readonly driver: SqlDriver,
    readonly kind: 'sqlite' | 'postgres' = driver.dialect,
  ) {}

  private readonly listeners = new Set<() => void>();
  private readonly memberLists = new MemberListCache();

  async transaction<T>(fn: (tx: Tx) => Promise<T>, options?: { readonly quiet?: boolean; readonly atomicStatements?: boolean }): Promise<T> {
    const out = await this.driver.transaction((ex) => fn(makeTx(ex, this.memberLists)), { atomicStatements: options?.atomicStatements ?? false });
    if (!options?.quiet) for (const l of this.listeners) l();
    return out;
  }

  onCommit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.driver.read((ex) => fn(makeTx(ex, this.memberLists)));
  }

  ping(): Promise<boolean> {
    return this.driver.ping();
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
