import type { ClientRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlClientRepo implements ClientRepo {
  constructor(private readonly db: SqlExecutor) {}
}
