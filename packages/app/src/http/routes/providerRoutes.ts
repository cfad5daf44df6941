import {
  activateProvider,
  approveProviderByLink,
  changePassword,
  deleteProvider,
  fail,
  getProvider,
  isValidCodeKey,
  isValidCodeValue,
  isValidDescription,
  isValidName,
  isValidNewPassword,
  isValidPasswordToCheck,
  isValidProviderUrl,
  loginProvider,
  parseEmail,
  registerProvider,
  requestEmailChange,
  updateProvider,
  type DomainError,
  type LinkOutcome,
} from '@spp/domain';
import { Effect } from 'effect';
import { z } from 'zod';
import { mailSignal } from '../../wiring/mail.js';
import { uuidParam } from '../schemas/common.js';
import { route, type AppContext, type Auth, type HttpResult, type RouteDef } from '../types.js';
import { parseWith } from '../validation.js';

/** A trimmed, syntax-checked e-mail address (providers.md §3). */
export const emailField = z.string().transform((s, ctx) => {
  const e = parseEmail(s);
  if (!e) {
    ctx.addIssue({ code: 'custom', message: 'must be an e-mail address (local@domain, at most 254 characters)' });
    return z.NEVER;
  }
  return e;
});
const nameField = z.string().refine(isValidName, 'must be 1..128 characters');
const urlField = z.string().refine(isValidProviderUrl, 'must be an absolute https URL of at most 2048 characters without credentials or fragment');
const descriptionField = z.string().refine(isValidDescription, 'must be 1..1024 characters');
const newPasswordField = z.string().refine(isValidNewPassword, 'must be 8..1024 characters');
const passwordField = z.string().refine(isValidPasswordToCheck, 'must be 1..1024 characters');

const registerBody = z.object({
  name: nameField,
  email: emailField,
  url: urlField,
  description: descriptionField,
  password: newPasswordField.optional(),
});
const loginBody = z.object({ email: emailField, password: passwordField });
const updateBody = z.object({ name: nameField.optional(), url: urlField.optional(), description: descriptionField.optional() });
const emailBody = z.object({ email: emailField });
const passwordChangeBody = z.object({ old_password: passwordField, new_password: newPasswordField });
const deleteBody = z.object({ password: passwordField });
const codeQuery = z.object({
  key: z.string().refine(isValidCodeKey, 'must be 20 base64url characters'),
  code: z.string().refine(isValidCodeValue, 'must be 6..20 base64url characters'),
});

const providerOf = (auth: Auth): string => {
  if (auth.kind !== 'provider') throw fail('access-denied', 'Access denied.');
  return auth.providerId;
};

const linkResult = <A>(o: LinkOutcome<A>): HttpResult => (o.kind === 'already' ? { status: 204 } : { status: 200, body: o.value });

/** `zprovider` cookie of a fresh login (providers.md §7). */
export const providerCookie = (token: string, expiry: number, ttl: number, secure: boolean): string =>
  `zprovider=${token}; Path=/provider; Expires=${new Date(expiry * 1000).toUTCString()}; Max-Age=${ttl}; HttpOnly; SameSite=Strict` +
  (secure ? '; Secure' : '');

/** providers.md §7 and the public provider profile (services.md §6). */
export const providerRoutes = (ctx: AppContext): RouteDef[] => {
  const { deps } = ctx;
  const signal = mailSignal(deps);
  /** runs a use case that queued mail, then wakes the mail worker */
  const thenMail = <A>(e: Effect.Effect<A, DomainError>) => Effect.tap(e, () => signal.wake());
  const secureCookie = new URL(ctx.config.publicUrl).protocol === 'https:';

  return [
    route({
      method: 'POST',
      path: '/provider/register',
      body: registerBody,
      summary: 'Register a provider account',
      handler: ({ body, ip }) =>
        Effect.map(thenMail(registerProvider(deps, body, ip)), (r) => ({ status: 201, body: r })),
    }),
    route({
      method: 'GET',
      path: '/provider/activate',
      summary: 'Verify an e-mail address with its code',
      handler: ({ query }) => {
        const q = parseWith(codeQuery, query);
        return Effect.map(thenMail(activateProvider(deps, q.key, q.code)), linkResult);
      },
    }),
    route({
      method: 'GET',
      path: '/provider/approve',
      summary: 'Approve a provider with the link mailed to staff',
      handler: ({ query }) => {
        const q = parseWith(codeQuery, query);
        return Effect.map(thenMail(approveProviderByLink(deps, q.key, q.code)), linkResult);
      },
    }),
    route({
      method: 'POST',
      path: '/provider/login',
      body: loginBody,
      summary: 'Log in; sets the zprovider cookie',
      handler: ({ body }) =>
        Effect.map(loginProvider(deps, body.email, body.password), (r) => ({
          status: 200,
          headers: { 'Set-Cookie': providerCookie(r.token, r.expiry, deps.policy.providerTokenTtl, secureCookie) },
        })),
    }),
    // no body schema: the body is never read, so the answer cannot depend on it
    ...(['/provider/password-reset', '/provider/password-reset/complete'] as const).map((path) =>
      route({
        method: 'POST',
        path,
        summary: 'Self-service password reset (disabled)',
        handler: async () => {
          throw fail('password-reset-disabled', 'Password reset is not available for provider accounts.');
        },
      }),
    ),
    route({
      method: 'GET',
      path: '/provider',
      summary: 'The calling provider',
      handler: ({ auth }) => Effect.map(getProvider(deps, providerOf(auth)), (p) => ({ status: 200, body: p })),
    }),
    route({
      method: 'PUT',
      path: '/provider',
      body: updateBody,
      summary: "Update the provider's profile",
      handler: ({ auth, body }) =>
        Effect.as(
          updateProvider(deps, providerOf(auth), {
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.url !== undefined ? { url: body.url } : {}),
            ...(body.description !== undefined ? { description: body.description } : {}),
          }),
          { status: 200 },
        ),
    }),
    route({
      method: 'PUT',
      path: '/provider/email',
      body: emailBody,
      summary: "Change the provider's e-mail (takes effect when the mailed code is used)",
      handler: ({ auth, body }) => Effect.as(thenMail(requestEmailChange(deps, providerOf(auth), body.email)), { status: 202 }),
    }),
    route({
      method: 'PUT',
      path: '/provider/password',
      body: passwordChangeBody,
      summary: "Change the provider's password",
      handler: ({ auth, body }) => Effect.as(changePassword(deps, providerOf(auth), body.old_password, body.new_password), { status: 200 }),
    }),
    route({
      method: 'DELETE',
      path: '/provider',
      body: deleteBody,
      summary: 'Delete the provider account and all its services',
      handler: ({ auth, body }) => Effect.as(deleteProvider(deps, providerOf(auth), body.password), { status: 200 }),
    }),
    route({
      method: 'GET',
      path: '/providers/:pid',
      summary: "A provider's public profile",
      handler: ({ params }) => Effect.map(getProvider(deps, uuidParam(params.pid, 'pid')), (p) => ({ status: 200, body: p })),
    }),
  ];
};
