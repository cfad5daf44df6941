import type { Migration } from './Migration.js';

export const m002_host: Migration = {
  id: 2,
  name: 'host',
  up: [],
};
