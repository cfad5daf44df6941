import type { DeliveryRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlDeliveryRepo implements DeliveryRepo {
  constructor(private readonly db: SqlExecutor) {}
}
