import type { Migration } from './Migration.js';

export const m003_services: Migration = {
  id: 3,
  name: 'services',
  up: [],
};
