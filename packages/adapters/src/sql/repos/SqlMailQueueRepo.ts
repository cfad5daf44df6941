import type { MailQueueRepo, QueuedMail } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

interface Row {
  id: string;
  purpose: string;
  recipient: string;
  sender: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: string;
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  status: string;
  last_error: string | null;
}

const COLUMNS = 'id, purpose, recipient, sender, subject, text_body, html_body, headers, created_at, next_attempt_at, attempts, status, last_error';

const fromRow = (r: Row): QueuedMail => ({
  id: r.id,
  purpose: r.purpose,
  mail: {
    to: r.recipient,
    from: r.sender,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    headers: JSON.parse(r.headers) as Record<string, string>,
  },
  createdAt: Number(r.created_at),
  nextAttemptAt: Number(r.next_attempt_at),
  attempts: Number(r.attempts),
  status: r.status as QueuedMail['status'],
  lastError: r.last_error ?? null,
});

export class SqlMailQueueRepo implements MailQueueRepo {
  constructor(private readonly db: SqlExecutor) {}

  async enqueue(m: QueuedMail) {
    await this.db.run(`INSERT INTO mail_queue (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      m.id,
      m.purpose,
      m.mail.to,
      m.mail.from,
      m.mail.subject,
      m.mail.text,
      m.mail.html,
      JSON.stringify(m.mail.headers),
      m.createdAt,
      m.nextAttemptAt,
      m.attempts,
      m.status,
      m.lastError,
    ]);
  }

  async get(id: string) {
    const r = await this.db.get<Row>(`SELECT ${COLUMNS} FROM mail_queue WHERE id = ?`, [id]);
    return r && fromRow(r);
  }

  async due(now: number, limit: number) {
    const rows = await this.db.all<Row>(
      `SELECT ${COLUMNS} FROM mail_queue WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at, id LIMIT ?`,
      [now, limit],
    );
    return rows.map(fromRow);
  }

  async reschedule(id: string, nextAttemptAt: number, attempts: number, lastError: string | null) {
    await this.db.run("UPDATE mail_queue SET next_attempt_at = ?, attempts = ?, last_error = ? WHERE id = ? AND status = 'pending'", [
      nextAttemptAt,
      attempts,
      lastError,
      id,
    ]);
  }

  async markFailed(id: string, attempts: number, lastError: string) {
    await this.db.run("UPDATE mail_queue SET status = 'failed', attempts = ?, last_error = ? WHERE id = ?", [attempts, lastError, id]);
  }

  async remove(id: string) {
    await this.db.run('DELETE FROM mail_queue WHERE id = ?', [id]);
  }

  async purgeFailed(before: number) {
    return this.db.run("DELETE FROM mail_queue WHERE status = 'failed' AND created_at < ?", [before]);
  }

  async list(limit: number) {
    const rows = await this.db.all<Row>(`SELECT ${COLUMNS} FROM mail_queue ORDER BY created_at, id LIMIT ?`, [limit]);
    return rows.map(fromRow);
  }
}
