export * from './templates.js';
export * from './queue.js';
export * from './delivery.js';
