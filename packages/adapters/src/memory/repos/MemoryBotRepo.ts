import type { BotRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryBotRepo implements BotRepo {
  constructor(private readonly t: MemoryTx) {}
}
