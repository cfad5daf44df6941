export * from './prefix.js';
export * from './tagQuery.js';
export * from './cursor.js';
export * from './page.js';
export * from './searchDirectory.js';
export * from './whitelist.js';
