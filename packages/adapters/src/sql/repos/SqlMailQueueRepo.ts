import type { MailQueueRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlMailQueueRepo implements MailQueueRepo {
  constructor(private readonly db: SqlExecutor) {}
}
