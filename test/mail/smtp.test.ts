import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, SmtpMailTransport } from '@spp/adapters';
import { activationKey } from '@spp/domain';
import { unusedPort } from '../support/tls.js';
import { parseEml, registration, startProviderApp, waitFor } from '../providers/http.js';
import { ADMIN_TOKEN, type TestApp } from '../support/app.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

const startSmtp = async (port = 0) => {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    received,
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('SMTP transport', () => {
  it('delivers a multipart mail with the platform headers to a real SMTP server', async () => {
    const smtp = await startSmtp();
    cleanup.push(smtp.close);
    const transport = new SmtpMailTransport(`smtp://127.0.0.1:${smtp.port}`);
    await transport.send(
      {
        to: 'dev@acme.example',
        from: 'no-reply@platform.example',
        subject: 'Grüße',
        text: 'Hello ✓\nhttps://platform.example/provider/activate?key=k&code=c\n',
        html: '<p>Hello ✓</p>',
        headers: { 'X-Zeta-Purpose': 'ProviderActivation', 'X-Zeta-Key': 'k', 'X-Zeta-Code': 'c' },
      },
      '5d2c7b1e-2f4e-4a57-9d5e-0a1b2c3d4e5f',
    );
    await transport.close();
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got.from).toBe('no-reply@platform.example');
    expect(got.to).toEqual(['dev@acme.example']);
    const m = parseEml('smtp', got.raw);
    expect(m.headers['x-zeta-purpose']).toBe('ProviderActivation');
    expect(m.headers['x-zeta-key']).toBe('k');
    expect(m.headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(m.text).toContain('Hello ✓');
    expect(m.html).toContain('<p>Hello ✓</p>');
  });

  it('the app sends through SMTP_URL and writes no outbox', async () => {
    const smtp = await startSmtp();
    cleanup.push(smtp.close);
    const app = await startProviderApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
    cleanup.push(() => app.stop());
    expect((await app.req('POST', '/provider/register', { body: registration({ email: 'smtp@acme.example' }) })).status).toBe(201);
    const got = await waitFor(() => smtp.received.find((r) => r.to.includes('smtp@acme.example')), 'smtp delivery');
    const m = parseEml('smtp', got.raw);
    expect(m.headers['x-zeta-key']).toBe(activationKey('smtp@acme.example'));
    expect(m.text).toContain(`http://localhost:8080/provider/activate?key=${activationKey('smtp@acme.example')}&code=${m.headers['x-zeta-code']}`);
    expect(existsSync(join(app.dataDir, 'outbox'))).toBe(false);
    // with SMTP, codes are never logged
    expect(app.logs.filter((l) => l.includes(m.headers['x-zeta-code']!))).toEqual([]);
  });

  it('an SMTP outage neither delays nor fails requests; the mail goes out after the server is back', async () => {
    const port = await unusedPort();
    const clock = new FakeClock(Date.now());
    const app: TestApp = await startProviderApp({ SMTP_URL: `smtp://127.0.0.1:${port}` }, { clock });
    cleanup.push(() => app.stop());
    const started = Date.now();
    const r = await app.req('POST', '/provider/register', { body: registration({ email: 'outage@acme.example' }) });
    expect(r.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(2_000);
    const failed = await waitFor(async () => {
      const [m] = await app.ctx.deps.store.read((tx) => tx.mails.list(10));
      return m && m.attempts >= 1 ? m : undefined;
    }, 'a failed attempt');
    expect(failed.status).toBe('pending');
    expect(failed.lastError).toBeTruthy();

    const smtp = await startSmtp(port);
    cleanup.unshift(smtp.close);
    clock.advance(10_000);
    await waitFor(() => smtp.received.find((x) => x.to.includes('outage@acme.example')), 'delivery after the outage');
    const metrics = await app.req('GET', '/i/metrics', { token: ADMIN_TOKEN });
    expect(metrics.text).toMatch(/mails_sent_total\{purpose="ProviderActivation",outcome="retry"\} [1-9]/);
    expect(metrics.text).toMatch(/mails_sent_total\{purpose="ProviderActivation",outcome="sent"\} 1/);
  });
});
