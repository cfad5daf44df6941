import type { ConversationRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlConversationRepo implements ConversationRepo {
  constructor(private readonly db: SqlExecutor) {}
}
