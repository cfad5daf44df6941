import MailComposer from 'nodemailer/lib/mail-composer';
import type { Mail } from '@spp/domain';

/** Builds the RFC 5322 bytes of a mail: multipart/alternative (text + HTML), UTF-8, with the platform's headers. */
export const composeMessage = (mail: Mail, messageId: string, date: Date): Promise<Buffer> =>
  new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: { ...mail.headers },
    messageId,
    date,
    textEncoding: 'quoted-printable',
  })
    .compile()
    .build();
