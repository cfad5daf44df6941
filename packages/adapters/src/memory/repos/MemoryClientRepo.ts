import type { ClientRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryClientRepo implements ClientRepo {
  constructor(private readonly t: MemoryTx) {}
}
