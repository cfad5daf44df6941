import { afterAll } from 'vitest';
import { storeFactories } from '../support/stores.js';
import { hostContract } from './host.contract.js';

const factories = storeFactories();
// one process owns a SQLite file, so the two-instance case runs on memory and PostgreSQL only
for (const f of factories) hostContract(f.name, () => f.make(), f.name === 'sqlite' ? undefined : () => f.makeShared());
afterAll(async () => {
  for (const f of factories) await f.cleanup();
});
