import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Undoes quoted-printable soft breaks and escapes, and decodes base64 MIME parts, so links can be searched. */
const decodeMail = (raw: string): string => {
  const qp = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const b64 = [...raw.matchAll(/Content-Transfer-Encoding:\s*base64\s*\r?\n(?:[^\r\n]+\r?\n)*?\r?\n([A-Za-z0-9+/=\r\n]+)/gi)]
    .map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'))
    .join('\n');
  return `${qp}\n${b64}`;
};

/** The first mail in DATA_DIR/outbox whose headers name `purpose` and whose recipient is `to`, waiting for the mail worker. */
export const waitForMail = async (dataDir: string, purpose: string, to: string, timeoutMs = 15_000): Promise<string> => {
  const dir = join(dataDir, 'outbox');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(dir)) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.eml')).sort()) {
        const raw = readFileSync(join(dir, f), 'utf8');
        const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
        const purposeOk = new RegExp(`^X-Zeta-Purpose:\\s*${purpose}\\s*$`, 'im').test(head);
        const toOk = new RegExp(`^To:.*${to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'im').test(head);
        if (purposeOk && toOk) return decodeMail(raw);
      }
    }
    if (Date.now() > deadline) throw new Error(`no ${purpose} mail to ${to} in ${dir}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** key and code of the activation link `<PUBLIC_URL>/provider/activate?key=K&code=C` in a mail. */
export const activationLink = (mail: string): { href: string; key: string; code: string } => {
  const m = /(https?:\/\/[^\s"'<>]+\/provider\/activate\?key=([A-Za-z0-9_-]+)&(?:amp;)?code=([A-Za-z0-9_-]+))/.exec(mail);
  if (!m) throw new Error('no activation link in the mail');
  return { href: m[1]!, key: m[2]!, code: m[3]! };
};
