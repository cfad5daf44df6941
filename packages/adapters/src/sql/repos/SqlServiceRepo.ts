import type { ServiceRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlServiceRepo implements ServiceRepo {
  constructor(private readonly db: SqlExecutor) {}
}
