export * from './ScriptedServiceClient.js';
export * from './scriptedPrekeys.js';
