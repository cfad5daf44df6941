import type { ConversationRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryConversationRepo implements ConversationRepo {
  constructor(private readonly t: MemoryTx) {}
}
