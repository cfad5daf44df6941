import { afterAll } from 'vitest';
import { storeFactories } from '../support/stores.js';
import { deliveriesContract } from './deliveries.contract.js';

const factories = storeFactories();
for (const f of factories) deliveriesContract(f.name, () => f.make());
afterAll(async () => {
  for (const f of factories) await f.cleanup();
});
