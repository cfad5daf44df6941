import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/app.js';
import { admin, mailTo, pendingCode, startProviderApp, uniqueEmail } from './http.js';

describe('secrets never reach the logs', () => {
  it('register, activate, approve, login, change password and delete leave no password, token or code in any log line (except the outbox link line)', async () => {
    const app = await startProviderApp({ LOG_LEVEL: 'trace' });
    try {
      const email = uniqueEmail('secret');
      const password = 'Sup3r-Secret-Passphrase-1';
      const newPassword = 'Another-Secret-Passphrase-2';
      const reg = await app.req('POST', '/provider/register', { body: { name: 'Acme', email, url: 'https://acme.example/', description: 'd', password } });
      expect(reg.status).toBe(201);
      const generated = await app.req('POST', '/provider/register', { body: { name: 'Acme', email: uniqueEmail('gen'), url: 'https://acme.example/', description: 'd' } });
      const { key, code } = await pendingCode(app, email);
      await mailTo(app, email, 'ProviderActivation');
      expect((await app.req('GET', `/provider/activate?key=${key}&code=${code}`)).status).toBe(200);
      const request = await mailTo(app, 'staff@localhost', 'ProviderApprovalRequest');
      const approvalCode = request.headers['x-zeta-code']!;
      expect((await app.req('GET', `/provider/approve?key=${request.headers['x-zeta-key']}&code=${approvalCode}`)).status).toBe(200);
      const login = await app.req('POST', '/provider/login', { body: { email, password } });
      const token = /zprovider=([^;]+)/.exec(login.headers.get('set-cookie')!)![1]!;
      // the token travels in every way a client may send it
      await app.req('GET', '/provider', { token });
      await app.req('GET', `/provider?access_token=${encodeURIComponent(token)}`);
      await app.req('GET', '/provider', { headers: { cookie: `zprovider=${token}` } });
      await app.req('PUT', '/provider/password', { token, body: { old_password: password, new_password: newPassword } });
      await app.req('PUT', '/provider/password', { token, body: { old_password: 'Wrong-Secret-Guess-3', new_password: newPassword } });
      await app.req('POST', '/provider/login', { body: { email, password: 'Wrong-Secret-Guess-4' } });
      await admin(app, 'GET', '/i/providers');
      await app.req('DELETE', '/provider', { token, body: { password: newPassword } });
      await new Promise((r) => setTimeout(r, 200));

      const secrets = {
        password,
        newPassword,
        'wrong guess 3': 'Wrong-Secret-Guess-3',
        'wrong guess 4': 'Wrong-Secret-Guess-4',
        generated: generated.json.password as string,
        token,
        'token signature': token.split('.')[0]!,
        'admin token': ADMIN_TOKEN,
      };
      expect(app.logs.length).toBeGreaterThan(10);
      for (const [name, secret] of Object.entries(secrets)) {
        const leaks = app.logs.filter((l) => l.includes(secret));
        expect(leaks, name).toEqual([]);
      }
      // codes only in the dev-outbox link lines
      for (const c of [code, approvalCode]) {
        const lines = app.logs.filter((l) => l.includes(c));
        expect(lines.length).toBeGreaterThan(0);
        for (const l of lines) expect(JSON.parse(l).msg).toBe('mail written to outbox');
      }
      const linkLine = JSON.parse(app.logs.find((l) => l.includes(code))!);
      expect(linkLine.link).toBe(`http://localhost:8080/provider/activate?key=${key}&code=${code}`);
    } finally {
      await app.stop();
    }
  });
});
