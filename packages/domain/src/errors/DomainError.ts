import { Data } from 'effect';

/**
 * Every failure a use case can answer with. Each error carries the spec's stable label; the app maps
 * labels to HTTP statuses in one table (packages/app/src/http/errorStatus.ts).
 */
export class DomainError extends Data.TaggedError('DomainError')<{
  readonly label: ErrorLabel;
  readonly message: string;
  /** seconds, for too-many-requests */
  readonly retryAfter?: number;
}> {}

export type ErrorLabel =
  | 'bad-request'
  | 'missing-auth'
  | 'invalid-token'
  | 'access-denied'
  | 'not-found'
  | 'method-not-allowed'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'too-many-requests'
  | 'not-implemented'
  | 'internal-error'
  // providers
  | 'email-exists'
  | 'invalid-code'
  | 'invalid-transition'
  | 'invalid-credentials'
  | 'provider-not-approved'
  | 'password-must-differ'
  | 'password-reset-disabled'
  // services
  | 'invalid-service-key'
  | 'service-disabled'
  | 'service-not-whitelisted'
  | 'insufficient-permissions'
  // bots
  | 'invalid-user'
  | 'invalid-conversation'
  | 'too-many-members'
  | 'too-many-bots'
  | 'bad-gateway'
  | 'no-conversation'
  | 'invalid-bot'
  | 'client-not-found'
  | 'unknown-client'
  | 'too-many-clients'
  // host
  | 'key-exists'
  | 'invalid-handle'
  | 'handle-exists'
  | 'already-in-team'
  | 'action-denied';

export const fail = (label: ErrorLabel, message: string, retryAfter?: number): DomainError =>
  new DomainError(retryAfter === undefined ? { label, message } : { label, message, retryAfter });

/** Shorthands for the labels used everywhere. */
export const badRequest = (message: string) => fail('bad-request', message);
export const notFound = (message: string) => fail('not-found', message);
export const tooManyRequests = (retryAfter: number) =>
  fail('too-many-requests', 'Please try again later.', Math.max(1, Math.ceil(retryAfter)));
