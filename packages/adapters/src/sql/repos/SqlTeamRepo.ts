import type { TeamRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlTeamRepo implements TeamRepo {
  constructor(private readonly db: SqlExecutor) {}
}
