import type { TeamRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryTeamRepo implements TeamRepo {
  constructor(private readonly t: MemoryTx) {}
}
