import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the gateway received: its Authorization header and form fields. */
export interface GatewayRequest {
  authorization: string | undefined;
  contentType: string | undefined;
  target: string;
  message: string;
  /** What the stand-in answered: `sent` ({status:true}), `refused` ({status:false}), `held` (no answer yet). */
  outcome: 'sent' | 'refused' | 'held';
}

type Answer = 'ok' | 'fail' | 'hold';

/**
 * A WhatsApp gateway of the kind contract §12 names (Fonnte and its like) on 127.0.0.1: `POST /send`
 * with form fields `target` and `message`, answering HTTP 200 `{status:true}` or, when told to fail,
 * HTTP 200 `{status:false, reason}`, as those gateways do. `script(...)` sets the next answers in
 * order (then `ok`); `hold` keeps the request unanswered until `release()`.
 */
export class WhatsAppStandIn {
  readonly requests: GatewayRequest[] = [];
  private answers: Answer[] = [];
  private fallback: Answer = 'ok';
  private held: { res: ServerResponse; req: GatewayRequest }[] = [];
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/send`;
  }

  /** The next answers, in order; after them, `then` (default `ok`). */
  script(answers: Answer[], then: Answer = 'ok'): void {
    this.answers = [...answers];
    this.fallback = then;
  }

  /** Messages the gateway accepted (answered `status:true`). */
  sent(): GatewayRequest[] {
    return this.requests.filter((r) => r.outcome === 'sent');
  }

  /** Answers every held request with `status:true`. */
  release(): void {
    for (const { res, req } of this.held.splice(0)) {
      req.outcome = 'sent';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: true, detail: 'success! message in queue' }));
    }
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const answer = this.answers.shift() ?? this.fallback;
    const entry: GatewayRequest = {
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      target: form.get('target') ?? '',
      message: form.get('message') ?? '',
      outcome: answer === 'ok' ? 'sent' : answer === 'fail' ? 'refused' : 'held',
    };
    this.requests.push(entry);
    if (answer === 'hold') return void this.held.push({ res, req: entry });
    const body = answer === 'ok' ? { status: true, detail: 'success! message in queue' } : { status: false, reason: 'device disconnected' };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
