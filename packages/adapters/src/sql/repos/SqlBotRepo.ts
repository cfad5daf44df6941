import type { BotRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlBotRepo implements BotRepo {
  constructor(private readonly db: SqlExecutor) {}
}
