export * from './bucket.js';
export * from './consume.js';
