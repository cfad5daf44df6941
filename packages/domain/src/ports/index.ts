export * from './Clock.js';
export * from './Random.js';
export * from './PasswordHasher.js';
export * from './TokenSigner.js';
export * from './MailTransport.js';
export * from './Logger.js';
export * from './ServiceClient.js';
export * from './store/index.js';
