import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, ScryptHasher } from '@spp/adapters';
import type { PasswordHasher } from '@spp/domain';
import { startTestApp, type TestApp } from '../support/app.js';
import { activate, admin, approvedProvider, cheapHasher, PASSWORD, register, registration, uniqueEmail } from './http.js';

/** Rate limits on (the default), with a fake clock so refills are exact. */
let app: TestApp;
const start = async (clock = new FakeClock(), hasher: PasswordHasher = cheapHasher()) => {
  app = await startTestApp({}, { clock, hasher });
  return { app, clock };
};
afterEach(async () => app?.stop());

const expect429 = (r: { status: number; json: any; headers: Headers }, retryAfter?: number) => {
  expect(r.status).toBe(429);
  expect(r.json).toEqual({ code: 429, label: 'too-many-requests', message: 'Please try again later.' });
  const ra = Number(r.headers.get('retry-after'));
  expect(Number.isInteger(ra) && ra >= 1).toBe(true);
  if (retryAfter !== undefined) expect(ra).toBe(retryAfter);
};

describe('provider rate limits', () => {
  it('password bucket: 5 checks per e-mail, then 429 + Retry-After without checking the password; 1 token per 60 s', async () => {
    let verifies = 0;
    const base = cheapHasher();
    const counting: PasswordHasher = { hash: (p) => base.hash(p), verify: (p, s) => (verifies++, base.verify(p, s)), dummyHash: base.dummyHash };
    const { clock } = await start(new FakeClock(), counting);
    const p = await register(app);
    await activate(app, p.email);
    for (let i = 0; i < 5; i++) {
      expect((await app.req('POST', '/provider/login', { body: { email: p.email, password: 'wrong password' } })).status).toBe(403);
    }
    const before = verifies;
    expect429(await app.req('POST', '/provider/login', { body: { email: p.email, password: p.password } }), 60);
    expect(verifies).toBe(before);
    // the bucket is keyed by the e-mail key: other spellings share it, other addresses do not
    expect429(await app.req('POST', '/provider/login', { body: { email: p.email.toUpperCase(), password: p.password } }));
    expect((await app.req('POST', '/provider/login', { body: { email: uniqueEmail(), password: p.password } })).status).toBe(403);
    clock.advance(30_000);
    expect429(await app.req('POST', '/provider/login', { body: { email: p.email, password: p.password } }), 30);
    clock.advance(30_000);
    expect((await app.req('POST', '/provider/login', { body: { email: p.email, password: p.password } })).status).toBe(200);
    expect429(await app.req('POST', '/provider/login', { body: { email: p.email, password: p.password } }));
  });

  it('unknown e-mail and wrong password answer the same, cost one verification each and hit the same limit', async () => {
    let verifies = 0;
    const base = cheapHasher();
    const counting: PasswordHasher = { hash: (p) => base.hash(p), verify: (p, s) => (verifies++, base.verify(p, s)), dummyHash: base.dummyHash };
    await start(new FakeClock(), counting);
    const p = await register(app);
    await activate(app, p.email);
    const unverified = await register(app);
    const deleted = await approvedProvider(app);
    expect((await app.req('DELETE', '/provider', { token: deleted.token, body: { password: deleted.password } })).status).toBe(200);
    const cases = [
      { email: p.email, password: 'wrong password' },
      { email: uniqueEmail('nobody'), password: 'wrong password' },
      { email: unverified.email, password: unverified.password },
      { email: deleted.email, password: deleted.password },
    ];
    const answers: string[] = [];
    for (const body of cases) {
      const before = verifies;
      const r = await app.req('POST', '/provider/login', { body });
      expect(verifies - before, body.email).toBe(1);
      answers.push(`${r.status} ${r.text} ${r.headers.get('set-cookie')}`);
    }
    expect(new Set(answers)).toEqual(new Set(['403 {"code":403,"label":"invalid-credentials","message":"Authentication failed."} null']));
    for (const body of cases.slice(0, 2)) {
      for (let i = 0; i < 4; i++) await app.req('POST', '/provider/login', { body });
      expect429(await app.req('POST', '/provider/login', { body }), 60);
    }
  });

  it('registration bucket: 5 per client IP per 300 s, counted even for taken e-mails, before anything is stored', async () => {
    const { clock } = await start();
    const owner = await approvedProvider(app);
    // approvedProvider registered once: 4 tokens left
    expect((await app.req('POST', '/provider/register', { body: registration({ email: owner.email }) })).json.label).toBe('email-exists');
    for (let i = 0; i < 3; i++) expect((await app.req('POST', '/provider/register', { body: registration() })).status).toBe(201);
    const listed = (await admin(app, 'GET', '/i/providers')).json.providers.length;
    const blocked = await app.req('POST', '/provider/register', { body: registration() });
    expect429(blocked, 300);
    expect((await admin(app, 'GET', '/i/providers')).json.providers.length).toBe(listed);
    // a taken e-mail cannot be probed while the bucket is empty
    expect429(await app.req('POST', '/provider/register', { body: registration({ email: owner.email }) }));
    // an invalid body does not consume a token
    expect((await app.req('POST', '/provider/register', { body: { email: 'x' } })).status).toBe(400);
    clock.advance(300_000);
    expect((await app.req('POST', '/provider/register', { body: registration() })).status).toBe(201);
    expect429(await app.req('POST', '/provider/register', { body: registration() }));
  });

  it('code throttle: one activation code per e-mail per 300 s (register and e-mail change); deletion clears it', async () => {
    const { clock } = await start();
    const email = uniqueEmail();
    const first = await register(app, { email });
    clock.advance(100_000);
    const again = await app.req('POST', '/provider/register', { body: registration({ email }) });
    expect429(again, 200);
    // the refused attempt stored nothing: the first registration and its code are still there
    const registered = (await admin(app, 'GET', '/i/providers?status=registered')).json.providers.map((p: { id: string }) => p.id);
    expect(registered).toEqual([first.id]);
    clock.advance(200_000);
    const second = await register(app, { email });
    // the new registration replaced the earlier unverified one
    expect((await admin(app, 'GET', '/i/providers?status=registered')).json.providers.map((p: { id: string }) => p.id)).toEqual([second.id]);
    expect((await activate(app, email)).status).toBe(200);

    await app.stop();
    await start();
    const p = await approvedProvider(app);
    const target = uniqueEmail('new');
    expect((await app.req('PUT', '/provider/email', { token: p.token, body: { email: target } })).status).toBe(202);
    expect429(await app.req('PUT', '/provider/email', { token: p.token, body: { email: target.toUpperCase() } }), 300);
    expect((await app.req('PUT', '/provider/email', { token: p.token, body: { email: uniqueEmail('other') } })).status).toBe(202);

    // deleting the provider clears the throttle of its e-mail: it can be registered again at once
    expect((await app.req('DELETE', '/provider', { token: p.token, body: { password: p.password } })).status).toBe(200);
    expect((await app.req('POST', '/provider/register', { body: registration({ email: p.email }) })).status).toBe(201);
    expect((await app.req('POST', '/provider/register', { body: registration({ email: target }) })).status).toBe(201);
  });

  it('PUT /provider/password and DELETE /provider take from the password bucket of the current e-mail', async () => {
    await start();
    const p = await approvedProvider(app);
    // the login took one token
    for (let i = 0; i < 4; i++) {
      const r = await app.req('PUT', '/provider/password', { token: p.token, body: { old_password: 'wrong password', new_password: 'another long passphrase' } });
      expect(r.status).toBe(403);
    }
    expect429(await app.req('DELETE', '/provider', { token: p.token, body: { password: p.password } }));
    expect429(await app.req('PUT', '/provider/password', { token: p.token, body: { old_password: p.password, new_password: 'another long passphrase' } }));
    expect429(await app.req('POST', '/provider/login', { body: { email: p.email, password: p.password } }));
    expect((await app.req('GET', '/provider', { token: p.token })).status).toBe(200);
  });
});

describe('password hashing at the default cost', () => {
  it('hashes with scrypt N=2^15 and upgrades an imported wire-server hash on login', async () => {
    await start(new FakeClock(), new ScryptHasher());
    const p = await register(app, { password: PASSWORD });
    await activate(app, p.email);
    const stored = (await app.ctx.deps.store.read((tx) => tx.providers.get(p.id)))!;
    expect(stored.passwordHash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{43}=\$[A-Za-z0-9+/]{86}==$/);

    // replace it with wire-server's format (N=2^14) of the same password
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(32);
    const hash = scryptSync(PASSWORD, salt, 64, { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const wire = `14|8|1|${salt.toString('base64')}|${hash.toString('base64')}`;
    await app.ctx.deps.store.transaction((tx) => tx.providers.update({ ...stored, passwordHash: wire }));
    expect((await app.req('POST', '/provider/login', { body: { email: p.email, password: 'wrong password' } })).status).toBe(403);
    expect((await app.ctx.deps.store.read((tx) => tx.providers.get(p.id)))!.passwordHash).toBe(wire);
    expect((await app.req('POST', '/provider/login', { body: { email: p.email, password: PASSWORD } })).status).toBe(200);
    const upgraded = (await app.ctx.deps.store.read((tx) => tx.providers.get(p.id)))!.passwordHash;
    expect(upgraded).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect((await app.req('POST', '/provider/login', { body: { email: p.email, password: PASSWORD } })).status).toBe(200);
  });
});
