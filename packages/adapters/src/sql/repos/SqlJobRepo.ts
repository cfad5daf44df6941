import type { JobRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlJobRepo implements JobRepo {
  constructor(private readonly db: SqlExecutor) {}
}
