/** One WhatsApp message: the number (`62…`) and the text. */
export interface OutgoingWhatsApp {
  target: string;
  message: string;
}

/** Sends one WhatsApp message; throws when the gateway refuses or cannot be reached (the job retries). */
export interface WhatsAppGateway {
  send(message: OutgoingWhatsApp): Promise<void>;
}

/**
 * A gateway of the common Indonesian kind (Fonnte and its like, contract §12): `POST url` with the form
 * fields `target` and `message` and `Authorization: <token>`; it answers `{status: true|false, reason}`
 * with HTTP 200 even when it failed, so only `status: true` is a message sent.
 */
export class HttpWhatsAppGateway implements WhatsAppGateway {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async send({ target, message }: OutgoingWhatsApp): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { authorization: this.token, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ target, message }).toString(),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`WhatsApp gateway answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    let answer: { status?: unknown; reason?: unknown };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      throw new Error(`WhatsApp gateway answered something other than JSON: ${text.slice(0, 200)}`);
    }
    if (answer?.status !== true) throw new Error(`WhatsApp gateway refused: ${typeof answer?.reason === 'string' ? answer.reason : JSON.stringify(answer).slice(0, 200)}`);
  }
}

/** Without WHATSAPP_URL: nothing is ever planned for WhatsApp, so nothing reaches this. */
export class NoWhatsAppGateway implements WhatsAppGateway {
  async send(): Promise<void> {
    throw new Error('no WhatsApp gateway is configured (WHATSAPP_URL)');
  }
}
