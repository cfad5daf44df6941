export * from './SmtpMailTransport.js';
