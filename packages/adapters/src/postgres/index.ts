export * from './PgDriver.js';
export * from './openPostgresStore.js';
export * from './placeholders.js';
