import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Stable per delivery, so a receiving system can drop a repeat. */
  messageId: string;
}

/** Sends one e-mail; throws when the server refuses or cannot be reached (the job retries). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** SMTP connections kept open: the mail queue's concurrency per process (bullmq.scheduler.ts). */
const MAIL_CONNECTIONS = 4;

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
    timeoutMs = 20_000,
  ) {
    const u = new URL(url);
    this.transport = nodemailer.createTransport({
      // One connection per mail costs a handshake (and a server's greeting delay, 100 ms in smtp-server)
      // each time: 10,000 reminders went out at ~25/s. A small pool, one per concurrent mail job, reuses them.
      pool: true,
      maxConnections: MAIL_CONNECTIONS,
      // Nodemailer's default recycles a connection every 100 mails: a new handshake (and greeting delay)
      // in the middle of a burst, which put ~1 reminder in 100 a hundred milliseconds late. Keep them.
      maxMessages: Infinity,
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 25)),
      secure: u.protocol === 'smtps:',
      auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
  }

  close(): void {
    this.transport.close();
  }
}

/** The embedded default: each mail is an .eml file in `data/mail/`, readable by any mail client. */
export class EmlFileMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  async send(mail: OutgoingMail): Promise<void> {
    const info = (await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId })) as { message: Buffer };
    const path = join(this.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.messageId.replace(/[^A-Za-z0-9.-]/g, '')}.eml`);
    try {
      writeFileSync(path, info.message);
    } catch (err) {
      // The folder is made on the first mail (and again if someone removed it), not checked on every one.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(path, info.message);
    }
  }

  close(): void {
    this.transport.close();
  }
}
