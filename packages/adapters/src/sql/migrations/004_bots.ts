import type { Migration } from './Migration.js';

export const m004_bots: Migration = {
  id: 4,
  name: 'bots',
  up: [],
};
