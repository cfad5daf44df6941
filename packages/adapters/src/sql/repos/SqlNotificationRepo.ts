import type { NotificationRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlNotificationRepo implements NotificationRepo {
  constructor(private readonly db: SqlExecutor) {}
}
