import type { UserRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlUserRepo implements UserRepo {
  constructor(private readonly db: SqlExecutor) {}
}
