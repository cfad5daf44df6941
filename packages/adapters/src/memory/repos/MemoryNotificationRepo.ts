import type { NotificationRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryNotificationRepo implements NotificationRepo {
  constructor(private readonly t: MemoryTx) {}
}
