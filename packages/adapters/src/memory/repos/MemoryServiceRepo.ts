import type { ServiceRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryServiceRepo implements ServiceRepo {
  constructor(private readonly t: MemoryTx) {}
}
