import nodemailer, { type Transporter } from 'nodemailer';
import type { Mail, MailTransport } from '@spp/domain';

export interface SmtpOptions {
  /** ms to wait for the connection, the greeting and each command (an outage must not hang the worker) */
  readonly timeoutMs?: number;
}

/** Sends through the SMTP server of `SMTP_URL` (`smtp://` or `smtps://`, credentials in the URL). */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(smtpUrl: string, options: SmtpOptions = {}) {
    const timeout = options.timeoutMs ?? 30_000;
    const url = new URL(smtpUrl);
    this.transporter = nodemailer.createTransport({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      // a plain smtp:// URL to a local relay may not offer STARTTLS; when it does, nodemailer upgrades
      ignoreTLS: false,
    });
  }

  async send(mail: Mail, id: string): Promise<void> {
    await this.transporter.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { ...mail.headers },
      messageId: `<${id}@${mail.from.split('@')[1] ?? 'localhost'}>`,
    });
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}
