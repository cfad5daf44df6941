import type { CodeRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryCodeRepo implements CodeRepo {
  constructor(private readonly t: MemoryTx) {}
}
