import type { CodeRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlCodeRepo implements CodeRepo {
  constructor(private readonly db: SqlExecutor) {}
}
