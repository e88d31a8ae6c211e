import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  messageId: string;
  raw: string;
  /** The plain-text body as the reader sees it (transfer encoding undone). */
  text: string;
}

/**
 * A real SMTP server on 127.0.0.1 that keeps what it accepts. `hold()` makes it stop answering the
 * next messages' DATA (a transaction left hanging, as when a worker dies mid-send); `refuse()` makes it
 * answer 451 (a server that refuses).
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private mode: 'accept' | 'hold' | 'refuse' | 'slow' = 'accept';
  private slowMs = 0;
  /** Messages whose DATA arrived, answered or not. */
  arrivals = 0;
  private readonly server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session: SMTPServerSession, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          this.arrivals++;
          if (this.mode === 'hold') return; // never answer: the sender waits until its socket times out
          if (this.mode === 'refuse') return callback(Object.assign(new Error('451 try again later'), { responseCode: 451 }));
          const accept = () => {
            this.received.push({ to: header(raw, 'To').split(/,\s*/), subject: decodeSubject(header(raw, 'Subject')), messageId: header(raw, 'Message-ID'), raw, text: bodyText(raw) });
            callback();
          };
          if (this.mode === 'slow') setTimeout(accept, this.slowMs);
          else accept();
        });
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  accept(): void {
    this.mode = 'accept';
  }

  hold(): void {
    this.mode = 'hold';
  }

  /** Accept, but only after `ms`: a send in flight for that long. */
  slow(ms: number): void {
    this.mode = 'slow';
    this.slowMs = ms;
  }

  refuse(): void {
    this.mode = 'refuse';
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.some((t) => t.includes(address)));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function header(raw: string, name: string): string {
  const unfolded = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded);
  return m ? m[1]!.trim() : '';
}

/** Subjects with non-ASCII text come MIME-encoded (=?UTF-8?Q?…?= or B): decode for assertions. */
function decodeSubject(value: string): string {
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

/** The body of a single-part text mail, its Content-Transfer-Encoding (quoted-printable, base64, 7/8bit) undone. */
function bodyText(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const encoding = header(raw, 'Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
  }
  return body.replace(/\r\n/g, '\n');
}
