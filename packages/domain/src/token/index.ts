export * from './claims.js';
export * from './format.js';
export * from './tokens.js';
export * from './acl.js';
