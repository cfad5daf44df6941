import type { Mail } from '../ports/MailTransport.js';
import type { Policy } from '../platform.js';

/** The X-Zeta-Purpose values of providers.md §5. */
export type MailPurpose =
  | 'ProviderActivation'
  | 'ProviderApprovalPending'
  | 'ProviderApprovalRequest'
  | 'ProviderApprovalConfirm'
  | 'ProviderRejected';

export interface ProviderMailInfo {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly url: string;
  readonly description: string;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

interface Body {
  readonly greeting: string;
  readonly paragraphs: readonly string[];
  readonly link?: { readonly href: string; readonly label: string };
  /** label/value lines shown after the paragraphs */
  readonly facts?: readonly (readonly [string, string])[];
}

const render = (
  policy: Policy,
  to: string,
  purpose: MailPurpose,
  subject: string,
  body: Body,
  extraHeaders: Record<string, string> = {},
): Mail => {
  const facts = body.facts ?? [];
  const text = [
    body.greeting,
    '',
    ...body.paragraphs.flatMap((p) => [p, '']),
    ...(facts.length ? [...facts.map(([k, v]) => `${k}: ${v}`), ''] : []),
    ...(body.link ? [`${body.link.label}:`, body.link.href, ''] : []),
    '-- ',
    'Service Provider Platform',
    '',
  ].join('\n');
  const html = [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<p>${escapeHtml(body.greeting)}</p>`,
    ...body.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(facts.length
      ? ['<table>', ...facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`), '</table>']
      : []),
    ...(body.link ? [`<p><a href="${escapeHtml(body.link.href)}">${escapeHtml(body.link.label)}</a></p>`] : []),
    '<p>-- <br>Service Provider Platform</p>',
    '</body></html>',
    '',
  ].join('\n');
  return { to, from: policy.mailFrom, subject, text, html, headers: { 'X-Zeta-Purpose': purpose, ...extraHeaders } };
};

const codeHeaders = (key: string, code: string) => ({ 'X-Zeta-Key': key, 'X-Zeta-Code': code });

/** Registration (`update=false`) or e-mail change (`update=true`): the activation link for `to`. */
export const activationMail = (
  policy: Policy,
  p: { readonly name: string },
  to: string,
  key: string,
  code: string,
  update: boolean,
): Mail => {
  const href = `${policy.publicUrl}/provider/activate?key=${encodeURIComponent(key)}&code=${encodeURIComponent(code)}`;
  const staff = policy.providerApproval === 'staff';
  return render(
    policy,
    to,
    'ProviderActivation',
    update ? 'Confirm your new e-mail address' : 'Activate your provider account',
    {
      greeting: `Hello ${p.name},`,
      paragraphs: update
        ? [`Please confirm that ${to} is the new e-mail address of your provider account by opening the link below within 24 hours.`]
        : [
            `Please verify your e-mail address ${to} by opening the link below within 24 hours.`,
            ...(staff ? ['After verification, our staff will review your account. You can publish services once it is approved.'] : []),
          ],
      link: { href, label: update ? 'Confirm your e-mail address' : 'Activate your account' },
    },
    codeHeaders(key, code),
  );
};

export const approvalPendingMail = (policy: Policy, p: ProviderMailInfo): Mail =>
  render(policy, p.email, 'ProviderApprovalPending', 'Your provider account awaits approval', {
    greeting: `Hello ${p.name},`,
    paragraphs: [
      'Your e-mail address is verified.',
      'Your provider account now awaits approval by our staff. We will write to you when it has been reviewed.',
    ],
  });

export const approvalRequestMail = (policy: Policy, p: ProviderMailInfo, key: string, code: string): Mail =>
  render(
    policy,
    policy.approvalEmail,
    'ProviderApprovalRequest',
    `Provider approval request: ${p.name}`,
    {
      greeting: 'Hello,',
      paragraphs: ['A provider has verified its e-mail address and asks for approval.'],
      facts: [
        ['Provider id', p.id],
        ['Name', p.name],
        ['E-mail', p.email],
        ['Website', p.url],
        ['Description', p.description],
      ],
      link: {
        href: `${policy.publicUrl}/provider/approve?key=${encodeURIComponent(key)}&code=${encodeURIComponent(code)}`,
        label: 'Approve this provider',
      },
    },
    codeHeaders(key, code),
  );

export const approvalConfirmMail = (policy: Policy, p: ProviderMailInfo): Mail =>
  render(policy, p.email, 'ProviderApprovalConfirm', 'Your provider account is approved', {
    greeting: `Hello ${p.name},`,
    paragraphs: ['Your provider account is approved. You can now create and publish services.'],
    link: { href: `${policy.publicUrl}/`, label: 'Open the platform' },
  });

export const rejectedMail = (policy: Policy, p: ProviderMailInfo, reason: string): Mail =>
  render(policy, p.email, 'ProviderRejected', 'Your provider account was not approved', {
    greeting: `Hello ${p.name},`,
    paragraphs: ['Our staff reviewed your provider account and did not approve it, for this reason:', reason],
  });
