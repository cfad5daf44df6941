export * from './OutboxMailTransport.js';
export * from './composeMessage.js';
