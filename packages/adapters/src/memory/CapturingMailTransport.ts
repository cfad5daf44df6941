import type { Clock, Mail, MailTransport } from '@spp/domain';

export interface CapturedMail {
  /** the queue id the platform gave the mail */
  readonly id: string;
  readonly mail: Mail;
  /** the X-Zeta-Purpose header */
  readonly purpose: string;
  /** clock time it was handed over (ms) */
  readonly at: number;
}

/**
 * A MailTransport that keeps every mail in memory instead of sending it, for simulations and embedders' tests.
 * `outage()` makes every send fail (as an unreachable SMTP server would) until `recover()`.
 */
export class CapturingMailTransport implements MailTransport {
  readonly sent: CapturedMail[] = [];
  private failure: string | undefined;
  private failedAttempts = 0;

  constructor(private readonly clock?: Clock) {}

  async send(mail: Mail, id: string): Promise<void> {
    if (this.failure !== undefined) {
      this.failedAttempts++;
      throw new Error(this.failure);
    }
    this.sent.push({ id, mail, purpose: mail.headers['X-Zeta-Purpose'] ?? 'unknown', at: this.clock?.now() ?? Date.now() });
  }

  outage(message = 'SMTP server unreachable'): void {
    this.failure = message;
  }

  recover(): void {
    this.failure = undefined;
  }

  get down(): boolean {
    return this.failure !== undefined;
  }

  /** sends refused during outages */
  get refused(): number {
    return this.failedAttempts;
  }

  /** mails to `to` (compared case-insensitively), optionally of one purpose, oldest first */
  to(to: string, purpose?: string): CapturedMail[] {
    const want = to.toLowerCase();
    return this.sent.filter((m) => m.mail.to.toLowerCase() === want && (purpose === undefined || m.purpose === purpose));
  }

  /** the newest mail matching, if any */
  last(filter: { readonly to?: string; readonly purpose?: string } = {}): CapturedMail | undefined {
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const m = this.sent[i]!;
      if (filter.to !== undefined && m.mail.to.toLowerCase() !== filter.to.toLowerCase()) continue;
      if (filter.purpose !== undefined && m.purpose !== filter.purpose) continue;
      return m;
    }
    return undefined;
  }

  /** the verification code a mail carries in its X-Zeta-Key / X-Zeta-Code headers */
  static codeOf(m: CapturedMail): { key: string; code: string } | undefined {
    const key = m.mail.headers['X-Zeta-Key'];
    const code = m.mail.headers['X-Zeta-Code'];
    return key !== undefined && code !== undefined ? { key, code } : undefined;
  }

  clear(): void {
    this.sent.length = 0;
  }
}
