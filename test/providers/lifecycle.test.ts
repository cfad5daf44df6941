import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activationKey, approvalKey } from '@spp/domain';
import type { TestApp } from '../support/app.js';
import {
  activate,
  admin,
  login,
  mailTo,
  outbox,
  PASSWORD,
  pendingCode,
  register,
  registration,
  startProviderApp,
  userToken,
} from './http.js';

describe('provider life cycle, staff approval (default)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startProviderApp();
  });
  afterAll(async () => app.stop());

  it('registers (201 {id}), mails the activation link with X-Zeta headers, and keeps the account unusable until verified', async () => {
    const body = registration({ email: '  Mixed.Case@Acme.example ' });
    const r = await app.req('POST', '/provider/register', { body });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) });
    const mail = await mailTo(app, 'Mixed.Case@Acme.example', 'ProviderActivation');
    const key = activationKey('mixed.case@acme.example');
    expect(mail.headers['x-zeta-key']).toBe(key);
    const code = mail.headers['x-zeta-code']!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(mail.text).toContain(`http://localhost:8080/provider/activate?key=${key}&code=${code}`);
    expect(mail.text).toMatch(/staff/i);
    expect(await pendingCode(app, 'mixed.case@acme.example')).toEqual({ key, code });

    // registered: login fails like a wrong password, and the staff list shows the unverified address
    const denied = await app.req('POST', '/provider/login', { body: { email: 'mixed.case@acme.example', password: PASSWORD } });
    expect(denied.status).toBe(403);
    expect(denied.json).toEqual({ code: 403, label: 'invalid-credentials', message: 'Authentication failed.' });
    const listed = await admin(app, 'GET', '/i/providers?status=registered');
    const row = listed.json.providers.find((p: { id: string }) => p.id === r.json.id);
    expect(row).toMatchObject({ status: 'registered', email: 'Mixed.Case@Acme.example', verified_at: null, decided_at: null, reason: null });
    expect(new Date(row.created_at).toISOString()).toBe(row.created_at);
  });

  it('activates (200 {email}), answers 204 to the same link again, then awaits staff approval', async () => {
    const p = await register(app);
    const { key, code } = await pendingCode(app, p.email);
    // another last character (a random code ends in 'x' once in 64)
    const wrong = await app.req('GET', `/provider/activate?key=${key}&code=${code.slice(0, 19)}${code.endsWith('x') ? 'y' : 'x'}`);
    expect(wrong.status).toBe(403);
    expect(wrong.json.label).toBe('invalid-code');
    const ok = await app.req('GET', `/provider/activate?key=${key}&code=${code}`);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ email: p.email });
    const again = await app.req('GET', `/v3/provider/activate?key=${key}&code=${code}`);
    expect(again.status).toBe(204);
    expect(again.text).toBe('');
    expect((await admin(app, 'GET', `/i/provider/activation-code?email=${p.email}`)).status).toBe(404);

    // the provider is told to wait; staff get the approval request with the approval link
    await mailTo(app, p.email, 'ProviderApprovalPending');
    const request = await mailTo(app, 'staff@localhost', 'ProviderApprovalRequest');
    expect(outbox(app).filter((m) => m.headers['x-zeta-purpose'] === 'ProviderApprovalRequest' && m.text.includes(p.id))).toHaveLength(1);
    expect(request.headers['x-zeta-key']).toBeDefined();

    const token = await login(app, p.email, p.password);
    const me = await app.req('GET', '/provider', { token });
    expect(me.json).toEqual({
      id: p.id,
      name: 'Acme Bots',
      email: p.email,
      url: 'https://acme.example/',
      description: 'We build helpful bots.',
      status: 'active',
    });
    const listed = (await admin(app, 'GET', '/i/providers?status=pending')).json.providers.map((x: { id: string }) => x.id);
    expect(listed).toContain(p.id);
  });

  it('approves by the mailed link (200, then 204), confirms by mail, and staff see decided_at', async () => {
    const p = await register(app);
    expect((await activate(app, p.email)).status).toBe(200);
    const request = await waitForRequest(app, p.id);
    const key = request.headers['x-zeta-key']!;
    const code = request.headers['x-zeta-code']!;
    expect(key).toBe(approvalKey(p.id));
    expect(request.text).toContain(`http://localhost:8080/provider/approve?key=${key}&code=${code}`);
    for (const field of [p.id, p.email, 'Acme Bots', 'https://acme.example/', 'We build helpful bots.']) expect(request.text).toContain(field);

    const ok = await app.req('GET', `/provider/approve?key=${key}&code=${code}`);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ id: p.id, email: p.email, status: 'approved' });
    expect((await app.req('GET', `/provider/approve?key=${key}&code=${code}`)).status).toBe(204);
    const confirm = await mailTo(app, p.email, 'ProviderApprovalConfirm');
    expect(confirm.text).toContain('http://localhost:8080/');

    const row = (await admin(app, 'GET', '/i/providers?status=approved')).json.providers.find((x: { id: string }) => x.id === p.id);
    expect(row.decided_at).not.toBeNull();
    expect(row.verified_at).not.toBeNull();
    // once rejected later... an approved provider cannot be rejected
    expect((await admin(app, 'POST', `/i/providers/${p.id}/reject`, { reason: 'late' })).json.label).toBe('invalid-transition');
  });

  it('rejection kills the approval link, mails the reason; staff may still approve a rejected provider (T4)', async () => {
    const p = await register(app);
    await activate(app, p.email);
    const request = await waitForRequest(app, p.id);
    const rejected = await admin(app, 'POST', `/i/providers/${p.id}/reject`, { reason: 'The website does not describe the services offered.' });
    expect(rejected.status).toBe(200);
    expect(rejected.json).toMatchObject({ id: p.id, status: 'rejected', reason: 'The website does not describe the services offered.' });
    expect(rejected.json.decided_at).toEqual(expect.any(String));
    const mail = await mailTo(app, p.email, 'ProviderRejected');
    expect(mail.text).toContain('The website does not describe the services offered.');

    const link = await app.req('GET', `/provider/approve?key=${request.headers['x-zeta-key']}&code=${request.headers['x-zeta-code']}`);
    expect(link.status).toBe(403);
    expect(link.json.label).toBe('invalid-code');

    // a rejected provider can still log in and see its state
    const token = await login(app, p.email, p.password);
    expect((await app.req('GET', '/provider', { token })).json.status).toBe('rejected');

    const approved = await admin(app, 'POST', `/i/providers/${p.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'approved', reason: null });
    expect((await app.req('GET', '/provider', { token })).json.status).toBe('approved');
  });

  it('a staff approval kills the mailed approval link (403 invalid-code)', async () => {
    const p = await register(app);
    await activate(app, p.email);
    const request = await waitForRequest(app, p.id);
    // staff approve through the admin route: the mailed code dies
    expect((await admin(app, 'POST', `/i/providers/${p.id}/approve`)).status).toBe(200);
    const link = await app.req('GET', `/provider/approve?key=${request.headers['x-zeta-key']}&code=${request.headers['x-zeta-code']}`);
    expect(link.status).toBe(403);
    expect(link.json.label).toBe('invalid-code');
  });

  it('registers without a password: a 24-character generated one is returned once and works', async () => {
    const body = registration();
    delete (body as { password?: string }).password;
    const r = await app.req('POST', '/provider/register', { body });
    expect(r.status).toBe(201);
    expect(r.json.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await activate(app, body.email as string);
    expect(await login(app, body.email as string, r.json.password)).toContain('.t=p.');
  });

  it('sets the zprovider cookie exactly as specified, with an empty body, and the token works as cookie or Bearer', async () => {
    const p = await register(app);
    await activate(app, p.email);
    const r = await app.req('POST', '/provider/login', { body: { email: p.email.toUpperCase(), password: p.password } });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    const cookie = r.headers.get('set-cookie')!;
    const m = /^zprovider=([^;]+); Path=\/provider; Expires=([^;]+); Max-Age=86400; HttpOnly; SameSite=Strict$/.exec(cookie);
    expect(m, cookie).not.toBeNull();
    const token = m![1]!;
    const d = Number(/\.d=(\d+)\./.exec(token)![1]);
    expect(m![2]).toBe(new Date(d * 1000).toUTCString());
    expect(Math.abs(d - (Date.now() / 1000 + 86400))).toBeLessThan(60);
    expect(token).toMatch(new RegExp(`\\.v=1\\.k=1\\.d=${d}\\.t=p\\.l=\\.p=${p.id}$`));
    expect((await app.req('GET', '/provider', { headers: { cookie: `zprovider=${token}` } })).json.id).toBe(p.id);
    expect((await app.req('GET', '/v7/provider', { token })).json.id).toBe(p.id);
    expect((await app.req('GET', `/provider?access_token=${token}`)).json.id).toBe(p.id);
  });

  it('shows the public profile to users: 200 for verified providers, 404 for unknown, registered and deleted ones', async () => {
    const user = userToken(app);
    const p = await register(app);
    expect((await app.req('GET', `/providers/${p.id}`, { token: user })).json.label).toBe('not-found');
    await activate(app, p.email);
    const token = await login(app, p.email, p.password);
    const own = await app.req('GET', '/provider', { token });
    const pub = await app.req('GET', `/providers/${p.id.toUpperCase()}`, { token: user });
    expect(pub.status).toBe(200);
    expect(pub.json).toEqual(own.json);
    expect((await app.req('GET', '/providers/11111111-1111-4111-8111-111111111111', { token: user })).status).toBe(404);
    expect((await app.req('GET', '/providers/not-a-uuid', { token: user })).json.label).toBe('bad-request');
    // a provider token is the wrong type for /providers/...
    expect((await app.req('GET', `/providers/${p.id}`, { token })).json.label).toBe('access-denied');
    expect((await app.req('DELETE', '/provider', { token, body: { password: p.password } })).status).toBe(200);
    expect((await app.req('GET', `/providers/${p.id}`, { token: user })).status).toBe(404);
  });
});

const waitForRequest = async (app: TestApp, providerId: string) => {
  for (let i = 0; i < 500; i++) {
    const m = outbox(app).find((x) => x.headers['x-zeta-purpose'] === 'ProviderApprovalRequest' && x.text.includes(providerId));
    if (m) return m;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no approval request mail');
};

describe('provider life cycle, PROVIDER_APPROVAL=auto', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startProviderApp({ PROVIDER_APPROVAL: 'auto' });
  });
  afterAll(async () => app.stop());

  it('approves on first verification, mails the confirmation, and has no approval codes', async () => {
    const r = await app.req('POST', '/provider/register', { body: registration({ email: 'auto@acme.example' }) });
    const activation = await mailTo(app, 'auto@acme.example', 'ProviderActivation');
    expect(activation.text).not.toMatch(/staff/i);
    expect((await activate(app, 'auto@acme.example')).status).toBe(200);
    await mailTo(app, 'auto@acme.example', 'ProviderApprovalConfirm');
    const token = await login(app, 'auto@acme.example', PASSWORD);
    expect((await app.req('GET', '/provider', { token })).json.status).toBe('approved');
    const row = (await admin(app, 'GET', '/i/providers')).json.providers.find((x: { id: string }) => x.id === r.json.id);
    expect(row.decided_at).toBe(row.verified_at);
    const link = await app.req('GET', `/provider/approve?key=${approvalKey(r.json.id)}&code=AAAAAAAAAAAAAAAAAAAA`);
    expect(link.json.label).toBe('invalid-code');
    await new Promise((res) => setTimeout(res, 100));
    expect(outbox(app).some((m) => m.headers['x-zeta-purpose'] === 'ProviderApprovalRequest')).toBe(false);
    expect(outbox(app).some((m) => m.headers['x-zeta-purpose'] === 'ProviderApprovalPending')).toBe(false);
  });
});

describe('provider cookie behind an https PUBLIC_URL', () => {
  it('adds Secure to the zprovider cookie', async () => {
    const app = await startProviderApp({ PUBLIC_URL: 'https://platform.example', PROVIDER_TOKEN_TTL: '900' });
    try {
      const p = await register(app);
      await activate(app, p.email);
      const r = await app.req('POST', '/provider/login', { body: { email: p.email, password: p.password } });
      expect(r.headers.get('set-cookie')).toMatch(/^zprovider=[^;]+; Path=\/provider; Expires=[^;]+ GMT; Max-Age=900; HttpOnly; SameSite=Strict; Secure$/);
      const mail = await mailTo(app, p.email, 'ProviderApprovalPending');
      expect(mail.headers.from).toBe('no-reply@platform.example');
    } finally {
      await app.stop();
    }
  });
});
