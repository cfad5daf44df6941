import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceRecord } from '../contract/services.contract.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { activate, admin, approvedProvider, cheapHasher, login, mailTo, pendingCode, register, startProviderApp } from './http.js';

describe('provider account routes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startProviderApp();
  });
  afterAll(async () => app.stop());

  it('PUT /provider changes only the given fields (200 empty) and validates each', async () => {
    const p = await approvedProvider(app);
    const r = await app.req('PUT', '/provider', { token: p.token, body: { name: 'Acme Bots GmbH', description: 'Bots for teams.' } });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    const me = (await app.req('GET', '/provider', { token: p.token })).json;
    expect(me).toMatchObject({ name: 'Acme Bots GmbH', description: 'Bots for teams.', url: 'https://acme.example/' });
    expect((await app.req('PUT', '/provider', { token: p.token, body: {} })).status).toBe(200);
    for (const bad of [
      { name: '' },
      { name: 'x'.repeat(129) },
      { url: 'http://acme.example/' },
      { url: 'https://user:pw@acme.example/' },
      { url: 'https://acme.example/#frag' },
      { url: 'not a url' },
      { description: '' },
      { description: 'd'.repeat(1025) },
      { name: 5 },
      { name: null },
    ]) {
      const res = await app.req('PUT', '/provider', { token: p.token, body: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.json.label).toBe('bad-request');
      expect(res.json.message).toContain(Object.keys(bad)[0]);
    }
    // code points, not UTF-16 units: 128 emoji are a valid name
    expect((await app.req('PUT', '/provider', { token: p.token, body: { name: '🤖'.repeat(128) } })).status).toBe(200);
    expect((await app.req('GET', '/provider', { token: p.token })).json).toMatchObject({ name: '🤖'.repeat(128), description: 'Bots for teams.' });
  });

  it('PUT /provider/email: 202, mails the new address, login keeps the old one until the code is used', async () => {
    const p = await approvedProvider(app);
    const r = await app.req('PUT', '/provider/email', { token: p.token, body: { email: ' New.Address@acme.example ' } });
    expect(r.status).toBe(202);
    expect(r.text).toBe('');
    const mail = await mailTo(app, 'new.address@acme.example', 'ProviderActivation');
    expect(mail.headers.subject).toMatch(/new e-mail/i);
    expect(await login(app, p.email, p.password)).toContain('.t=p.');
    const { key, code } = await pendingCode(app, 'new.address@acme.example');
    expect(mail.headers['x-zeta-code']).toBe(code);
    const ok = await app.req('GET', `/provider/activate?key=${key}&code=${code}`);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ email: 'New.Address@acme.example' });
    expect((await app.req('GET', `/provider/activate?key=${key}&code=${code}`)).status).toBe(204);
    expect((await app.req('GET', '/provider', { token: p.token })).json).toMatchObject({ email: 'New.Address@acme.example', status: 'approved' });
    expect((await app.req('POST', '/provider/login', { body: { email: p.email, password: p.password } })).status).toBe(403);
    expect(await login(app, 'new.address@acme.example', p.password)).toContain('.t=p.');
    // the old address is free again
    const again = await register(app, { email: p.email });
    expect((await activate(app, again.email)).status).toBe(200);
    // …and then the used change link no longer holds for the first provider
  });

  it('PUT /provider/email: 409 for an address verified by anyone (including itself), 400 for bad syntax', async () => {
    const a = await approvedProvider(app);
    const b = await approvedProvider(app);
    for (const email of [a.email, b.email, b.email.toUpperCase()]) {
      const r = await app.req('PUT', '/provider/email', { token: a.token, body: { email } });
      expect(r.status, email).toBe(409);
      expect(r.json.label).toBe('email-exists');
    }
    for (const email of ['no-at-sign', 'a@', '@b.c', 'a b@c.d', 'a@-b.c', `${'x'.repeat(65)}@b.c`, 'a@b..c']) {
      const r = await app.req('PUT', '/provider/email', { token: a.token, body: { email } });
      expect(r.status, email).toBe(400);
      expect(r.json.message).toContain('email');
    }
  });

  it('PUT /provider/password: 403 wrong old, 409 same, 400 short new; 200 keeps existing tokens valid', async () => {
    const p = await approvedProvider(app);
    const wrong = await app.req('PUT', '/provider/password', { token: p.token, body: { old_password: 'nope', new_password: 'another long passphrase' } });
    expect(wrong.json).toEqual({ code: 403, label: 'invalid-credentials', message: 'Authentication failed.' });
    const same = await app.req('PUT', '/provider/password', { token: p.token, body: { old_password: p.password, new_password: p.password } });
    expect(same.status).toBe(409);
    expect(same.json.label).toBe('password-must-differ');
    const short = await app.req('PUT', '/provider/password', { token: p.token, body: { old_password: p.password, new_password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.json.message).toContain('new_password');
    const ok = await app.req('PUT', '/provider/password', { token: p.token, body: { old_password: p.password, new_password: 'another long passphrase' } });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    expect((await app.req('GET', '/provider', { token: p.token })).status).toBe(200);
    expect((await app.req('POST', '/provider/login', { body: { email: p.email, password: p.password } })).status).toBe(403);
    expect(await login(app, p.email, 'another long passphrase')).toContain('.t=p.');
  });

  it('DELETE /provider: 403 on a wrong password; then 200, GET 404, login fails, e-mail reusable, second DELETE 404', async () => {
    const p = await approvedProvider(app);
    const wrong = await app.req('DELETE', '/provider', { token: p.token, body: { password: 'wrong password' } });
    expect(wrong.json.label).toBe('invalid-credentials');
    expect((await app.req('GET', '/provider', { token: p.token })).status).toBe(200);

    const ok = await app.req('DELETE', '/provider', { token: p.token, body: { password: p.password } });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    const gone = await app.req('GET', '/provider', { token: p.token });
    expect(gone.json).toEqual({ code: 404, label: 'not-found', message: 'Provider not found.' });
    expect((await app.req('POST', '/provider/login', { body: { email: p.email, password: p.password } })).json.label).toBe('invalid-credentials');
    expect((await app.req('DELETE', '/provider', { token: p.token, body: { password: p.password } })).status).toBe(404);
    expect((await app.req('PUT', '/provider', { token: p.token, body: { name: 'x' } })).status).toBe(404);
    expect((await app.req('PUT', '/provider/email', { token: p.token, body: { email: 'z@acme.example' } })).status).toBe(404);
    expect((await app.req('PUT', '/provider/password', { token: p.token, body: { old_password: p.password, new_password: 'yet another one' } })).status).toBe(404);
    expect((await admin(app, 'POST', `/i/providers/${p.id}/approve`)).status).toBe(404);
    expect((await admin(app, 'POST', `/i/providers/${p.id}/reject`, { reason: 'x' })).status).toBe(404);
    const listed = (await admin(app, 'GET', '/i/providers')).json.providers.map((x: { id: string }) => x.id);
    expect(listed).not.toContain(p.id);

    const again = await register(app, { email: p.email });
    expect(again.id).not.toBe(p.id);
  });

});

describe('provider deletion cascade (workers stopped, so nothing moves on by itself)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMITS: 'false' }, { hasher: cheapHasher() }, { workers: false });
  });
  afterAll(async () => app.stop());

  it('sets every service of the provider to deleting and queues one deletion job each, in the same transaction', async () => {
    const p = await approvedProvider(app);
    const other = await approvedProvider(app);
    const store = app.ctx.deps.store;
    const mine = [serviceRecord({ providerId: p.id, name: 'One' }), serviceRecord({ providerId: p.id, name: 'Two', state: 'disabled' })];
    const theirs = serviceRecord({ providerId: other.id, name: 'Three' });
    await store.transaction(async (tx) => {
      for (const s of [...mine, theirs]) await tx.services.put(s);
    });
    expect((await app.req('DELETE', '/provider', { token: p.token, body: { password: 'wrong password' } })).status).toBe(403);
    expect(await store.read((tx) => tx.jobs.list('service.delete'))).toEqual([]);

    expect((await app.req('DELETE', '/provider', { token: p.token, body: { password: p.password } })).status).toBe(200);
    const states = await store.read(async (tx) => Promise.all([...mine, theirs].map(async (s) => (await tx.services.get(s.id))?.state)));
    expect(states).toEqual(['deleting', 'deleting', 'enabled']);
    const jobs = await store.read((tx) => tx.jobs.list('service.delete'));
    expect(jobs.map((j) => (j.payload as { serviceId: string }).serviceId).sort()).toEqual(mine.map((s) => s.id).sort());
  });
});
