import type { UserRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryUserRepo implements UserRepo {
  constructor(private readonly t: MemoryTx) {}
}
