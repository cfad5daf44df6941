import type { ProviderRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlProviderRepo implements ProviderRepo {
  constructor(private readonly db: SqlExecutor) {}
}
