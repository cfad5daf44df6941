import type { DeliveryRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryDeliveryRepo implements DeliveryRepo {
  constructor(private readonly t: MemoryTx) {}
}
