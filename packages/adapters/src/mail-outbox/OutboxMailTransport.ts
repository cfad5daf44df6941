import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, Logger, Mail, MailTransport } from '@spp/domain';
import { composeMessage } from './composeMessage.js';

const LINKS = /https?:\/\/\S+/g;
const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * Development transport (no SMTP_URL): each mail becomes `<dir>/<time>-<purpose>-<id>.eml` and its link is
 * logged, so a developer can follow it without a mail server. The only place a code may reach the logs.
 */
export class OutboxMailTransport implements MailTransport {
  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly messageIdDomain = 'localhost',
  ) {}

  async send(mail: Mail, id: string): Promise<void> {
    const now = this.clock.now();
    const purpose = mail.headers['X-Zeta-Purpose'] ?? 'Mail';
    const bytes = await composeMessage(mail, `<${id}@${this.messageIdDomain}>`, new Date(now));
    mkdirSync(this.dir, { recursive: true });
    const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
    const file = join(this.dir, `${stamp}-${safe(purpose)}-${safe(id)}.eml`);
    // written under a temporary name first so a reader never sees half a file
    writeFileSync(`${file}.tmp`, bytes, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    // the platform's mails end with their action link; earlier URLs are facts (e.g. the provider's website)
    const link = mail.text.match(LINKS)?.at(-1);
    this.logger.info({ mail: id, purpose, to: mail.to, file, ...(link ? { link } : {}) }, 'mail written to outbox');
  }
}
