import { afterAll } from 'vitest';
import { storeFactories } from '../support/stores.js';
import { providersContract } from './providers.contract.js';

const factories = storeFactories();
for (const f of factories) providersContract(f.name, () => f.make());
afterAll(async () => {
  for (const f of factories) await f.cleanup();
});
