export * from './cascades.js';
