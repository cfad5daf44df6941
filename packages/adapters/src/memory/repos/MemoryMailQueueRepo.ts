import type { MailQueueRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryMailQueueRepo implements MailQueueRepo {
  constructor(private readonly t: MemoryTx) {}
}
