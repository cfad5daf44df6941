export * from './ids.js';
export * from './time.js';
export * from './email.js';
