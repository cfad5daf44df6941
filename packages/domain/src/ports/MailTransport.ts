/** A fully rendered mail, as queued in the store and handed to a transport. */
export interface Mail {
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** extra headers, e.g. X-Zeta-Purpose, X-Zeta-Key, X-Zeta-Code */
  readonly headers: Readonly<Record<string, string>>;
}

/** Delivers one mail (SMTP, an outbox folder, or a fake that records). Throws when it could not. */
export interface MailTransport {
  send(mail: Mail, id: string): Promise<void>;
  close?(): Promise<void>;
}
