import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { LocalPadesSigner } from '../../src/signing/local-pades.signer.js';
import { verifyEmbeddedSignature } from '../../src/signing/pdf-signature.js';
import { makePkcs12 } from '../../src/signing/pkcs12.js';

/** A signer BSrE knows: their NIK, the passphrase of their certificate, its status (ISSUE, EXPIRED, REVOKED, …). */
export interface StandInSigner {
  nik: string;
  passphrase: string;
  status: string;
  name: string;
}

/** How the next answers go wrong: as BSrE's own outages and gateways do. */
export type Misbehaviour = 'timeout' | 'http500' | 'html' | 'not_pdf' | null;

const STAND_IN_KEY = 'stand-in-key';

/**
 * A small BSrE on node:http speaking API v2 as domain.md §8 describes it: Basic auth per application;
 * `POST /api/v2/user/check/status {nik}` → `{status}`; `POST /api/v2/sign/pdf {nik, passphrase,
 * signatureProperties, file:[base64]}` → `{file:[base64]}` signed with its own certificate (a real
 * PAdES signature, so pdfsig can check what onegate stored); `POST /api/v2/verify/pdf {file}` →
 * `{conclusion, signatureInformations}`. Errors come as HTTP 200 with `{error}`, as BSrE's do.
 */
export class BsreStandIn {
  readonly requests: { path: string; body: Record<string, unknown> }[] = [];
  misbehave: Misbehaviour = null;
  private readonly sockets = new Set<Socket>();
  private readonly signer: LocalPadesSigner;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly user: string,
    readonly password: string,
    readonly signers: StandInSigner[],
  ) {
    const now = Date.now();
    this.signer = new LocalPadesSigner(makePkcs12({ commonName: 'BSrE stand-in', organization: 'Balai Besar Sertifikasi Elektronik (stand-in)', passphrase: STAND_IN_KEY, notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 365 * 86_400_000) }));
  }

  static async start(signers: StandInSigner[], credentials = { user: 'onegate-app', password: 'app-secret' }): Promise<BsreStandIn> {
    const holder: { standIn?: BsreStandIn } = {};
    const server = createServer((req, res) => void holder.standIn!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const standIn = new BsreStandIn(server, `http://127.0.0.1:${port}`, credentials.user, credentials.password, signers);
    holder.standIn = standIn;
    server.on('connection', (s) => {
      standIn.sockets.add(s);
      s.on('close', () => standIn.sockets.delete(s));
    });
    return standIn;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return json(res, 400, { error: 'Request body bukan JSON' });
    }
    const path = (req.url ?? '').split('?')[0]!;
    this.requests.push({ path, body });
    const expected = `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return json(res, 401, { error: 'Unauthorized', status_code: 401 });
    if (this.misbehave === 'timeout') return; // never answers: the socket stays open until stop()
    if (this.misbehave === 'http500') return text(res, 500, 'text/plain', 'Internal Server Error');
    if (this.misbehave === 'html') return text(res, 200, 'text/html', '<!DOCTYPE html><html><body><h1>Sedang dalam pemeliharaan</h1></body></html>');
    const who = this.signers.find((s) => s.nik === body.nik);
    if (path === '/api/v2/user/check/status') {
      if (!who) return json(res, 200, { status: 'NOT_REGISTERED', message: 'User tidak terdaftar' });
      return json(res, 200, { status: who.status, message: who.status === 'ISSUE' ? 'Sertifikat aktif' : `Sertifikat ${who.status}` });
    }
    if (path === '/api/v2/sign/pdf') {
      if (!who) return json(res, 200, { error: 'User tidak terdaftar', status_code: 1110 });
      if (who.status !== 'ISSUE') return json(res, 200, { error: `Sertifikat ${who.status}`, status_code: 2021 });
      if (body.passphrase !== who.passphrase) return json(res, 200, { error: 'Passphrase anda salah', status_code: 2031 });
      const file = Array.isArray(body.file) && typeof body.file[0] === 'string' ? Buffer.from(body.file[0], 'base64') : null;
      if (!file || !Array.isArray(body.signatureProperties)) return json(res, 200, { error: 'Parameter file dan signatureProperties wajib diisi', status_code: 2001 });
      if (this.misbehave === 'not_pdf') return json(res, 200, { file: [Buffer.from('bukan PDF sama sekali').toString('base64')] });
      try {
        const signed = await this.signer.sign({ pdf: file, passphrase: STAND_IN_KEY, nik: who.nik, signerName: who.name, reason: 'BSrE', location: 'Jakarta', at: new Date() });
        return json(res, 200, { file: [signed.toString('base64')], time: 120 });
      } catch {
        return json(res, 200, { error: 'Dokumen tidak dapat ditandatangani', status_code: 2002 });
      }
    }
    if (path === '/api/v2/verify/pdf') {
      const file = typeof body.file === 'string' ? Buffer.from(body.file, 'base64') : null;
      if (!file) return json(res, 200, { error: 'Parameter file wajib diisi' });
      const check = verifyEmbeddedSignature(file);
      if (!check.signer) return json(res, 200, { conclusion: 'NO_SIGNATURE', signatureInformations: [] });
      return json(res, 200, {
        conclusion: check.valid ? 'VALID' : 'INVALID',
        signatureInformations: [{ signerName: check.signer, signatureDate: check.signedAt, certificateDetails: [{ issuerName: check.issuer }] }],
      });
    }
    return json(res, 404, { error: 'Not found' });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  text(res, status, 'application/json', JSON.stringify(body));
}

function text(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type }).end(body);
}
