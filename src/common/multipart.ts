import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { DomainError, invalid } from './errors.js';

/** The largest file an upload takes (contract §7: 413 above it). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** What a multipart/form-data body held, read into memory: at most one file of MAX_FILE_BYTES and ten short fields. */
export interface MultipartBody {
  fields: { name: string; value: string }[];
  files: { field: string; filename: string; bytes: Buffer }[];
}

/** How many parts a body may have: a document upload's one file and a few short fields unless told otherwise. */
export interface MultipartLimits {
  files: number;
  fields: number;
  /** Bytes of one field's value. */
  fieldSize: number;
}

const UPLOAD_LIMITS: MultipartLimits = { files: 1, fields: 10, fieldSize: 1024 };

const read = new WeakMap<FastifyRequest, Promise<MultipartBody>>();

/**
 * Reads the request's multipart body once, whoever asks first: the Idempotency-Key interceptor (to
 * bind the key to what was sent) or the upload handler. Each later call gets the same parts. The
 * limits are enforced while streaming: 413 for a file over 20 MiB, 400 for a body cut short.
 */
export function readMultipart(req: FastifyRequest, limits: MultipartLimits = UPLOAD_LIMITS): Promise<MultipartBody> {
  let body = read.get(req);
  if (!body) {
    body = readParts(req, limits);
    read.set(req, body);
  }
  return body;
}

async function readParts(req: FastifyRequest, limits: MultipartLimits): Promise<MultipartBody> {
  const body: MultipartBody = { fields: [], files: [] };
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_FILE_BYTES, ...limits } })) {
      if (part.type === 'file') {
        const f = part as MultipartFile;
        const chunks: Buffer[] = [];
        for await (const chunk of f.file) chunks.push(chunk as Buffer);
        if (f.file.truncated) throw new DomainError('PayloadTooLarge', `${f.fieldname}: larger than 20 MiB`, { field: f.fieldname });
        body.files.push({ field: f.fieldname, filename: f.filename, bytes: Buffer.concat(chunks) });
      } else {
        if ((part as { valueTruncated?: boolean }).valueTruncated) throw invalid(part.fieldname, `longer than ${limits.fieldSize} bytes`);
        body.fields.push({ name: part.fieldname, value: String(part.value) });
      }
    }
  } catch (err) {
    // The multipart parser's own errors (a body cut short, a broken boundary) are the client's, not ours.
    if (err instanceof DomainError || (typeof (err as { statusCode?: unknown }).statusCode === 'number' && (err as { statusCode: number }).statusCode < 500)) throw err;
    throw invalid('body', `malformed multipart/form-data: ${(err as Error).message}`);
  }
  return body;
}

/**
 * What identifies a multipart body for an Idempotency-Key: each field's name and value and each
 * file's field, name and sha256 of its bytes, in a canonical order (the parts may come in any order).
 * The part's declared content type is left out: the server reads the type from the bytes.
 */
export function multipartDigest(body: MultipartBody): string {
  const fields = body.fields.map((f) => [f.name, f.value]).sort((a, b) => compare(a.join('\u0000'), b.join('\u0000')));
  const files = body.files
    .map((f) => [f.field, f.filename, createHash('sha256').update(f.bytes).digest('hex')])
    .sort((a, b) => compare(a.join('\u0000'), b.join('\u0000')));
  return canonicalJson({ multipart: { fields, files } });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
