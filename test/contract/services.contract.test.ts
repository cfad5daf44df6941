import { afterAll } from 'vitest';
import { storeFactories } from '../support/stores.js';
import { servicesContract } from './services.contract.js';

const factories = storeFactories();
// one process owns a SQLite file (its driver blocks synchronously on a second connection's lock), so the
// two-instance case runs on memory and PostgreSQL only
for (const f of factories) servicesContract(f.name, () => f.make(), f.name === 'sqlite' ? undefined : () => f.makeShared());
afterAll(async () => {
  for (const f of factories) await f.cleanup();
});
