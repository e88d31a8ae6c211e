import { maskSecret, SigningFailure, type SignRequest, type SignatureCheck, type Signer } from './signing.port.js';

export interface BsreSettings {
  /** BSrE's address, without /api/v2. */
  url: string;
  user: string;
  password: string;
  timeoutMs: number;
}

/** An answer of BSrE's, read whole: its HTTP status, content type and the JSON it held (null when it held none). */
interface Answer {
  status: number;
  json: Record<string, unknown> | null;
  contentType: string;
}

/**
 * ONEGATE_SIGNING=bsre: BSrE's API v2 (domain.md §8). The signer's certificate must be `ISSUE`
 * (`/api/v2/user/check/status`) before `/api/v2/sign/pdf` gets the draft; errors arrive as HTTP 200
 * with `{error}`; a time-out, a 5xx, an HTML page or an answer that is not a PDF are failures too.
 */
export class BsreSigner implements Signer {
  readonly backend = 'bsre' as const;

  constructor(private readonly settings: BsreSettings) {}

  async sign(request: SignRequest): Promise<Buffer> {
    if (!request.nik) throw new SigningFailure('no_nik', 'the signer has no NIK in the directory (BSrE knows signers by NIK)');
    const status = await this.call('/api/v2/user/check/status', { nik: request.nik }, request.passphrase);
    const certificate = typeof status.json?.status === 'string' ? status.json.status : null;
    if (certificate !== 'ISSUE') {
      const error = typeof status.json?.error === 'string' ? status.json.error : null;
      if (!certificate && error) throw new SigningFailure('error_answer', 'BSrE refused the status check', maskSecret(error, request.passphrase).slice(0, 500));
      throw new SigningFailure(certificate === 'EXPIRED' ? 'certificate_expired' : 'certificate_not_issued', `the signer's certificate at BSrE is ${certificate ?? 'unknown'}, not ISSUE`, null, certificate ?? 'UNKNOWN');
    }
    const answer = await this.call(
      '/api/v2/sign/pdf',
      {
        nik: request.nik,
        passphrase: request.passphrase,
        signatureProperties: [{ tampilan: 'INVISIBLE', reason: request.reason, location: request.location }],
        file: [request.pdf.toString('base64')],
      },
      request.passphrase,
    );
    if (typeof answer.json?.error === 'string' || typeof answer.json?.message === 'string' && !Array.isArray(answer.json?.file)) {
      const said = maskSecret(String(answer.json.error ?? answer.json.message), request.passphrase).slice(0, 500);
      throw new SigningFailure(/passphrase|kata sandi|password/i.test(said) ? 'wrong_passphrase' : 'error_answer', 'BSrE did not sign', said);
    }
    const file = Array.isArray(answer.json?.file) ? answer.json.file[0] : undefined;
    if (typeof file !== 'string') throw new SigningFailure('bad_answer', 'BSrE answered without a file', 'no file[0] in the answer');
    const signed = Buffer.from(file, 'base64');
    if (signed.subarray(0, 5).toString('latin1') !== '%PDF-') throw new SigningFailure('not_pdf', 'BSrE answered with a file that is not a PDF', `${signed.length} bytes, starting ${JSON.stringify(signed.subarray(0, 8).toString('latin1'))}`);
    return signed;
  }

  async verify(pdf: Buffer): Promise<SignatureCheck> {
    const answer = await this.call('/api/v2/verify/pdf', { file: pdf.toString('base64') }, '');
    if (typeof answer.json?.error === 'string') throw new SigningFailure('error_answer', 'BSrE could not verify the document', answer.json.error.slice(0, 500));
    const infos = Array.isArray(answer.json?.signatureInformations) ? (answer.json.signatureInformations as Record<string, unknown>[]) : [];
    const last = infos[infos.length - 1];
    const details = Array.isArray(last?.certificateDetails) ? (last.certificateDetails as Record<string, unknown>[])[0] : undefined;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
    return {
      valid: answer.json?.conclusion === 'VALID' && !!last,
      signer: str(last?.signerName),
      signedAt: str(last?.signatureDate),
      issuer: str(details?.issuerName) ?? str(last?.issuerName),
    };
  }

  /** One POST with Basic auth, given up after the time-out; anything but HTTP 200 with JSON is a failure. */
  private async call(path: string, body: Record<string, unknown>, secret: string): Promise<Answer> {
    const auth = Buffer.from(`${this.settings.user}:${this.settings.password}`).toString('base64');
    let res: Response;
    try {
      res = await fetch(`${this.settings.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new SigningFailure('timeout', `BSrE did not answer ${path} within ${this.settings.timeoutMs} ms`, `timeout ${this.settings.timeoutMs} ms`);
      throw new SigningFailure('unavailable', `BSrE could not be reached (${path})`, e.cause?.code ?? e.name ?? 'network error');
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      const e = err as { name?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new SigningFailure('timeout', `BSrE did not finish its answer to ${path} within ${this.settings.timeoutMs} ms`, `timeout ${this.settings.timeoutMs} ms`);
      throw new SigningFailure('unavailable', `BSrE's answer to ${path} broke off`, e.name ?? 'read error');
    }
    const contentType = res.headers.get('content-type') ?? '';
    if (res.status === 401 || res.status === 403) throw new SigningFailure('unauthorized', `BSrE refused onegate's credentials (HTTP ${res.status})`, `HTTP ${res.status}`);
    if (res.status >= 500) throw new SigningFailure('unavailable', `BSrE failed (HTTP ${res.status})`, `HTTP ${res.status}`);
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    if (res.status !== 200 || !json || typeof json !== 'object' || Array.isArray(json)) {
      const what = /html/i.test(contentType) || /^\s*</.test(text) ? 'an HTML page' : 'something that is not JSON';
      throw new SigningFailure('bad_answer', `BSrE answered ${path} with ${what} (HTTP ${res.status})`, maskSecret(`HTTP ${res.status} ${contentType}: ${text.slice(0, 200)}`, secret));
    }
    return { status: res.status, json: json as Record<string, unknown>, contentType };
  }
}
