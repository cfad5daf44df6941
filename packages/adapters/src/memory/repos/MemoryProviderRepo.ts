import type { ProviderRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryProviderRepo implements ProviderRepo {
  constructor(private readonly t: MemoryTx) {}
}
