import { afterAll } from 'vitest';
import { storeFactories } from '../support/stores.js';
import { hostContract } from './host.contract.js';

const factories = storeFactories();
for (const f of factories) hostContract(f.name, () => f.make());
afterAll(async () => {
  for (const f of factories) await f.cleanup();
});
