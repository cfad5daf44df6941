export * from './ids.js';
export * from './time.js';
export * from './email.js';
export * from './sha256.js';
export * from './constantTime.js';
export * from './base64url.js';
export * from './Slots.js';
