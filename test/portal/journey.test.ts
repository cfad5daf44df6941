import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScryptHasher } from '@spp/adapters';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.js';
import { launchChromium } from './browser.js';
import { activationLink, waitForMail } from './outbox.js';

// Browser globals used inside page.evaluate callbacks (the test project compiles without the DOM lib).
declare const document: { querySelectorAll(selector: string): Iterable<any>; cookie: string };
declare const sessionStorage: { getItem(key: string): string | null };

const ROOT = join(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/portal');
/** the two screenshots the README shows; refreshed only on request so ordinary runs leave the repo untouched */
const DOC_SHOTS = ['service.png', 'provider-public.png'];
const REFUSAL = { code: 403, label: 'access-denied', message: 'CSRF token missing or invalid.' };

let app: TestApp;
let chromium: Browser;
let keyDir: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  keyDir = mkdtempSync(join(tmpdir(), 'spp-portal-keys-'));
  app = await startTestApp({ RATE_LIMITS: 'false' }, { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await app?.stop();
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

interface Tab {
  readonly context: BrowserContext;
  readonly page: Page;
  /** console errors other than the browser's "failed to load resource" notes for 4xx answers, and uncaught errors */
  readonly problems: string[];
}

const openTab = async (): Promise<Tab> => {
  const context = await chromium.newContext({ baseURL: app.url, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
};

const shot = async (page: Page, name: string) => {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  expect(await unlabelled(page), `${name}: every visible control has an accessible name`).toEqual([]);
};

const unlabelled = (page: Page) =>
  page.evaluate(() =>
    ([...document.querySelectorAll('input, select, textarea, button')] as any[])
      .filter((el) => !el.closest('[hidden]'))
      .filter((el) => {
        const labels: { textContent: string | null }[] = el.labels ? [...el.labels] : [];
        const name =
          labels.map((l) => l.textContent).join(' ') ||
          el.getAttribute('aria-label') ||
          (el.tagName === 'BUTTON' ? el.textContent : '');
        return !name?.trim();
      })
      .map((el) => el.outerHTML),
  );

const message = (page: Page) => page.locator('#page-msg');

const rsaKeyFiles = () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const der = createPublicKey(spki).export({ type: 'spki', format: 'der' });
  writeFileSync(join(keyDir, 'pubkey.pem'), spki);
  writeFileSync(join(keyDir, 'rsa-pkcs1.pem'), pkcs1);
  return {
    spkiFile: join(keyDir, 'pubkey.pem'),
    pkcs1File: join(keyDir, 'rsa-pkcs1.pem'),
    pin: `sha256/${createHash('sha256').update(der).digest('base64')}`,
  };
};

/** An attacker's page on another site (localhost vs 127.0.0.1) that auto-posts a JSON-looking form to the API. */
const startAttackerSite = async (target: string): Promise<{ url: string; server: Server }> => {
  const html = `<!doctype html><form method="POST" enctype="text/plain" action="${target}">
<input name='{"name":"Evil","summary":"x","description":"x","base_url":"https://evil.example/","tags":["games"],"x":"' value='"}'>
</form><script>document.forms[0].submit()</script>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://localhost:${(server.address() as AddressInfo).port}/`, server };
};

describe('provider portal in Chromium', () => {
  it('register → verify from the mailed link → staff approves → log in → create, enable, publish and delete a service → log out', async () => {
    const { page, context, problems } = await openTab();
    const provider = { name: 'Acme Bots', email: 'dev@acme.example', url: 'https://acme.example/', description: 'We build helpful bots.' };
    const user = { name: 'Alice', email: 'alice@example.com', password: "alice's long password" };
    const fingerprint = createHash('sha256').update('echo identity key').digest('hex');
    const keys = rsaKeyFiles();

    expect((await app.req('POST', '/register', { body: user })).status).toBe(201);

    // Register without a password: the generated one is shown once, with the no-reset warning.
    await page.goto('/portal/register');
    await page.getByLabel('Organisation name').fill(provider.name);
    await page.getByLabel('E-mail address').fill(provider.email);
    await page.getByLabel('Website').fill(provider.url);
    await page.getByLabel('Description').fill(provider.description);
    await page.getByRole('button', { name: 'Register' }).click();
    const passwordBox = page.locator('#generated-password');
    await expect.poll(() => passwordBox.textContent()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const password = (await passwordBox.textContent())!;
    await expect.poll(() => page.locator('#generated').textContent()).toMatch(/shown only once[\s\S]*no self-service\s+password reset/);
    await shot(page, 'register');

    // The mailed link goes to the API route; the test opens the portal's landing page with its key and code.
    const link = activationLink(await waitForMail(app.dataDir, 'ProviderActivation', provider.email));
    expect(link.href).toMatch(/^http:\/\/localhost:8080\/provider\/activate\?/);
    await page.goto(`/portal/activate?key=${link.key}&code=${link.code}`);
    await expect.poll(() => message(page).textContent()).toContain(`Your e-mail address ${provider.email} is verified`);
    await shot(page, 'activate');

    // Staff approve in the console with the admin token.
    await page.goto('/portal/staff');
    await page.getByLabel('ADMIN_TOKEN').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('heading', { name: provider.name }).waitFor();
    await shot(page, 'staff');
    await page.getByRole('button', { name: `Approve ${provider.name}` }).click();
    await expect.poll(() => message(page).textContent()).toBe(`Approved ${provider.name} (${provider.email}).`);

    // Log in with the keyboard only.
    await page.goto('/portal/login');
    await page.getByLabel('E-mail address').focus();
    await page.keyboard.type(provider.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/portal/services');
    await page.getByText('No services yet.').waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'zprovider')!;
    expect(session).toMatchObject({ path: '/provider', httpOnly: true, sameSite: 'Strict' });
    expect(cookies.find((c) => c.name === 'portal_csrf')).toMatchObject({ path: '/', httpOnly: false, sameSite: 'Strict' });

    // Create a service: a PKCS#1 key is refused with the conversion command, the SubjectPublicKeyInfo key is taken.
    await page.getByRole('link', { name: 'Create a service' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Echo');
    await page.getByLabel('Summary').fill('Repeats what you say');
    await page.getByLabel('Description').fill('A bot that echoes every text message.');
    await page.getByLabel('Base URL').fill('https://echo.acme.example/api');
    await page.getByRole('checkbox', { name: 'social', exact: true }).check();
    await page.getByRole('checkbox', { name: 'tutorial', exact: true }).check();
    await page.getByLabel('Identity fingerprints (optional, one per line)').fill(fingerprint.toUpperCase());
    await page.getByLabel('Key file (PEM)').setInputFiles(keys.pkcs1File);
    await page.getByRole('button', { name: 'Create service' }).click();
    const formMsg = page.locator('#service-form [data-msg]');
    await expect.poll(() => formMsg.locator('code').textContent()).toBe('openssl rsa -RSAPublicKey_in -in key.pem -pubout -out pubkey.pem');
    expect(await formMsg.textContent()).toMatch(/^Invalid service key: .*PKCS#1/);
    expect(await formMsg.getAttribute('role')).toBe('alert');
    await shot(page, 'service-new-pkcs1');
    await page.getByLabel('Key file (PEM)').setInputFiles(keys.spkiFile);
    await page.getByRole('button', { name: 'Create service' }).click();
    await expect.poll(() => page.locator('#created-token-value').textContent()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await page.getByRole('link', { name: 'Open the service' }).click();

    // The service page: pin of the uploaded key, health, then enable behind the password prompt.
    await page.getByRole('heading', { name: 'Echo', level: 1 }).waitFor();
    await expect.poll(() => page.locator('.pin').textContent()).toBe(keys.pin);
    expect(await page.locator('#health').textContent()).toContain('Healthy');
    expect(await page.locator('#service-state .badge').textContent()).toBe('disabled');
    await page.getByRole('button', { name: 'Change connection…' }).click();
    expect(await page.getByRole('button', { name: 'Change connection…' }).getAttribute('aria-expanded')).toBe('true');
    await page.getByLabel('Password (required to change the connection)').fill(password);
    await page.getByLabel(/^Enabled/).check();
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect.poll(() => page.locator('#connection-msg').textContent()).toBe('Connection saved; the service is enabled.');
    expect(await page.locator('#service-state .badge').textContent()).toBe('enabled');
    expect(await page.locator('#connection-form').isHidden()).toBe(true);
    // Profile and tags need no password.
    await page.getByLabel('Summary').fill('Echoes your words');
    await page.locator('#e-tags').getByRole('checkbox', { name: 'tutorial', exact: true }).uncheck();
    await page.locator('#e-tags').getByRole('checkbox', { name: 'quiz', exact: true }).check();
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => page.locator('#profile-form [data-msg]').textContent()).toBe('Profile saved.');
    await shot(page, 'service');
    const servicePath = new URL(page.url()).pathname;

    await page.goto('/portal/services');
    await page.getByRole('cell', { name: 'enabled' }).waitFor();
    await shot(page, 'services');
    const publicPath = (await page.locator('#public-link a').getAttribute('href'))!;

    // The public provider page (a user token, kept in sessionStorage) lists the enabled service and its fingerprint.
    await page.goto(publicPath);
    await page.getByLabel('E-mail address').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: provider.name, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Echo', level: 3 }).waitFor();
    expect(await page.locator('.fingerprint').allTextContents()).toEqual([fingerprint.replace(/(..)(?!$)/g, '$1 ')]);
    expect(await page.locator('article.card').textContent()).toContain('Echoes your words');
    expect(await page.locator('article.card .hint').textContent()).toBe('Tags: quiz, social');
    await shot(page, 'provider-public');

    // CSRF: the same session without the X-CSRF-Token header is refused; with it, the same change goes through.
    await page.goto('/portal/services');
    const attempts = await page.evaluate(async () => {
      const put = (headers: Record<string, string>) =>
        fetch('/provider', { method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ description: 'Changed by a script.' }) });
      const without = await put({});
      const token = /(?:^|;\s*)portal_csrf=([^;]+)/.exec(document.cookie)![1]!;
      const withToken = await put({ 'X-CSRF-Token': token });
      return { without: { status: without.status, body: await without.json() }, withToken: withToken.status };
    });
    expect(attempts.without).toEqual({ status: 403, body: REFUSAL });
    expect(attempts.withToken).toBe(200);

    // A cross-site form post does not even carry the SameSite=Strict cookie.
    const attacker = await startAttackerSite(`${app.url}/provider/services`);
    try {
      await page.goto(attacker.url);
      await page.waitForURL(`${app.url}/provider/services`);
      expect(JSON.parse((await page.locator('body').textContent())!)).toMatchObject({ code: 401, label: 'missing-auth' });
    } finally {
      attacker.server.close();
    }
    await page.goto('/portal/services');
    await page.getByRole('link', { name: 'Echo' }).waitFor();
    expect(await page.locator('#services-list tbody tr').count()).toBe(1);

    // Delete the service (password again); it disappears from the list and the public page.
    await page.goto(servicePath);
    await page.getByLabel('Password (required to delete)').fill(password);
    await page.getByRole('button', { name: 'Delete service' }).click();
    await page.waitForURL('**/portal/services');
    await page.getByText('No services yet.').waitFor();
    expect(await message(page).textContent()).toBe('The service “Echo” was deleted; its bots are being removed.');
    await page.goto(publicPath);
    await page.getByText('No services are available at the moment.').waitFor();

    // Account page: the profile change made above is visible and editable.
    await page.goto('/portal/account');
    await expect.poll(() => page.getByLabel('Description').inputValue()).toBe('Changed by a script.');
    expect(await page.locator('#current-email').textContent()).toBe(provider.email);
    await page.getByLabel('Description').fill('Bots for teams.');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => page.locator('#profile-form [data-msg]').textContent()).toBe('Profile saved.');
    await shot(page, 'account');

    // Logout really ends the browser session: the cookie is gone and the API answers 401.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/portal/login?loggedout=1');
    expect((await context.cookies()).some((c) => c.name === 'zprovider')).toBe(false);
    expect(await page.evaluate(async () => (await fetch('/provider', { credentials: 'same-origin' })).status)).toBe(401);
    await page.goto('/portal/services');
    await page.waitForURL('**/portal/login?next=%2Fportal%2Fservices');
    await shot(page, 'login');

    expect(problems).toEqual([]);
    await context.close();
    if (process.env.UPDATE_DOC_SCREENSHOTS === '1') {
      mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
      for (const f of DOC_SHOTS) copyFileSync(join(ARTIFACTS, f), join(ROOT, 'docs/screenshots', f));
    }
  }, 120_000);

  it('staff reject a pending provider with a reason; a wrong admin token is refused and forgotten', async () => {
    const { page, context, problems } = await openTab();
    const email = 'shady@bots.example';
    const reg = await app.req('POST', '/provider/register', {
      body: { name: 'Shady Bots', email, url: 'https://bots.example/', description: 'Trust us.', password: 'a long enough password' },
    });
    expect(reg.status).toBe(201);
    const code = await app.req('GET', `/i/provider/activation-code?email=${encodeURIComponent(email)}`, { token: ADMIN_TOKEN });
    expect((await app.req('GET', `/provider/activate?key=${code.json.key}&code=${code.json.code}`)).status).toBe(200);

    await page.goto('/portal/staff');
    await page.getByLabel('ADMIN_TOKEN').fill('not-the-admin-token-not-the-admin-token');
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => page.locator('#token-form [data-msg]').textContent()).toContain('admin token was refused');
    expect(await page.evaluate(() => sessionStorage.getItem('portal_admin_token'))).toBeNull();

    await page.getByLabel('ADMIN_TOKEN').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByLabel('Reason for rejecting Shady Bots').fill('The website does not describe the services offered.');
    await page.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => message(page).textContent()).toBe(`Rejected Shady Bots (${email}).`);

    const rejected = await app.req('GET', '/i/providers?status=rejected', { token: ADMIN_TOKEN });
    expect(rejected.json.providers).toEqual([
      expect.objectContaining({ email, status: 'rejected', reason: 'The website does not describe the services offered.' }),
    ]);
    await page.getByRole('combobox', { name: 'Show' }).selectOption('rejected');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByRole('button', { name: 'Approve Shady Bots' }).waitFor();

    await page.getByRole('button', { name: 'Forget token' }).click();
    expect(await page.evaluate(() => sessionStorage.getItem('portal_admin_token'))).toBeNull();
    await page.getByLabel('ADMIN_TOKEN').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('account pages: change e-mail, change password, delete the account', async () => {
    const { page, context, problems } = await openTab();
    const email = 'owner@gizmo.example';
    const first = 'first long password';
    const second = 'second long password';
    const reg = await app.req('POST', '/provider/register', {
      body: { name: 'Gizmo', email, url: 'https://gizmo.example/', description: 'Gadgets.', password: first },
    });
    const code = await app.req('GET', `/i/provider/activation-code?email=${encodeURIComponent(email)}`, { token: ADMIN_TOKEN });
    expect((await app.req('GET', `/provider/activate?key=${code.json.key}&code=${code.json.code}`)).status).toBe(200);
    expect((await app.req('POST', `/i/providers/${reg.json.id}/approve`, { token: ADMIN_TOKEN })).status).toBe(200);

    const logIn = async (password: string, from = '/portal/login') => {
      if (!page.url().endsWith(from)) await page.goto(from);
      await page.getByLabel('E-mail address').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
    };
    await page.goto('/portal/account');
    await page.waitForURL('**/portal/login?next=%2Fportal%2Faccount');
    await logIn(first, '/portal/login?next=%2Fportal%2Faccount');
    await page.waitForURL('**/portal/account');
    await expect.poll(() => page.locator('#account-status').textContent()).toContain('approved');

    await page.getByLabel('New e-mail address').fill('new@gizmo.example');
    await page.getByRole('button', { name: 'Send verification link' }).click();
    await expect.poll(() => page.locator('#email-form [data-msg]').textContent()).toContain('We sent a verification link to new@gizmo.example');
    activationLink(await waitForMail(app.dataDir, 'ProviderActivation', 'new@gizmo.example'));

    await page.getByLabel('Current password').fill(first);
    await page.getByLabel('New password', { exact: true }).fill(second);
    await page.getByLabel('New password again').fill(second);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.locator('#password-form [data-msg]').textContent()).toBe('Password changed.');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/portal/login?loggedout=1');
    await logIn(first);
    await expect.poll(() => message(page).textContent()).toContain('Log-in failed');
    await logIn(second);
    await page.waitForURL('**/portal/services');

    await page.goto('/portal/account');
    await page.getByLabel('Password (required to delete)').fill(second);
    await page.getByLabel('I understand that this deletes the account and all its services.').check();
    await page.getByRole('button', { name: 'Delete account' }).click();
    await page.waitForURL('**/portal?deleted=1');
    await expect.poll(() => message(page).textContent()).toBe('Your provider account was deleted.');
    expect((await context.cookies()).some((c) => c.name === 'zprovider')).toBe(false);
    expect((await app.req('POST', '/provider/login', { body: { email, password: second } })).status).toBe(403);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
