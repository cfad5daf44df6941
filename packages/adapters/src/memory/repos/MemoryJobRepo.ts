import type { JobRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryJobRepo implements JobRepo {
  constructor(private readonly t: MemoryTx) {}
}
