import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activationKey } from '@spp/domain';
import { ADMIN_TOKEN } from '../support/app.js';
import { mailTo, registration, startProviderApp } from '../providers/http.js';

describe('development outbox (no SMTP_URL)', () => {
  it('writes each mail as an RFC 5322 multipart/alternative .eml named <time>-<purpose>-<id>.eml and logs its link', async () => {
    const app = await startProviderApp({ PUBLIC_URL: 'https://platform.example', MAIL_FROM: 'robot@platform.example' });
    try {
      const body = registration({ email: 'outbox@acme.example', name: 'Ünïcode <Bots> & Co' });
      expect((await app.req('POST', '/provider/register', { body })).status).toBe(201);
      const mail = await mailTo(app, 'outbox@acme.example', 'ProviderActivation');
      expect(mail.file).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-ProviderActivation-[0-9a-f-]{36}\.eml$/);
      expect(readdirSync(join(app.dataDir, 'outbox')).filter((f) => f.endsWith('.tmp'))).toEqual([]);

      const h = mail.headers;
      expect(h.from).toBe('robot@platform.example');
      expect(h.to).toBe('outbox@acme.example');
      expect(h.subject).toBe('Activate your provider account');
      expect(h['mime-version']).toBe('1.0');
      expect(h['content-type']).toMatch(/^multipart\/alternative; boundary=/);
      expect(h['message-id']).toMatch(/^<[0-9a-f-]{36}@/);
      expect(new Date(h.date!).getTime()).not.toBeNaN();
      const key = activationKey('outbox@acme.example');
      expect(h['x-zeta-purpose']).toBe('ProviderActivation');
      expect(h['x-zeta-key']).toBe(key);
      const code = h['x-zeta-code']!;
      const link = `https://platform.example/provider/activate?key=${key}&code=${code}`;
      expect(mail.text).toContain(link);
      expect(mail.text).toContain('Hello Ünïcode <Bots> & Co,');
      expect(mail.raw).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
      expect(mail.raw).toMatch(/Content-Type: text\/html; charset=utf-8/i);
      expect(mail.html).toContain(`<a href="${link.replace('&', '&amp;')}">`);
      expect(mail.html).toContain('Hello Ünïcode &lt;Bots&gt; &amp; Co,');

      const logged = app.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'mail written to outbox' && l.purpose === 'ProviderActivation');
      expect(logged.link).toBe(link);

      const metrics = await app.req('GET', '/i/metrics', { token: ADMIN_TOKEN });
      expect(metrics.text).toMatch(/mails_sent_total\{purpose="ProviderActivation",outcome="sent"\} 1/);
    } finally {
      await app.stop();
    }
  });
});
