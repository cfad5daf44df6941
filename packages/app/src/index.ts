export * from './App.js';
export * from './config.js';
export * from './container.js';
export * from './logger.js';
export * from './metrics.js';
export * from './http/types.js';
export * from './http/dispatch.js';
export * from './http/validation.js';
