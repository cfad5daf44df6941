export * from './ProteusPrekeyValidator.js';
