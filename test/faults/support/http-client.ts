import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface HttpResponse<T = any> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
  /** A connection of its own instead of a kept-alive one. */
  fresh?: boolean;
}

/** Keep-alive connections, as a real client pool would hold them (and lose them when the server dies). */
const agent = new Agent({ keepAlive: true, maxSockets: 128 });

/**
 * One HTTP request over node:http (not fetch), so a test controls the exact bytes: raw paths, bodies
 * that are not JSON, headers fetch would refuse. Rejects on a network error (refused, reset, timeout).
 */
export function request<T = any>(url: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: url.slice(url.indexOf('/', url.indexOf('//') + 2)), method: options.method ?? 'GET', headers, agent: options.fresh ? false : agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as T, text });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Closes the kept-alive connections, so the test process can exit. */
export function closeConnections(): void {
  agent.destroy();
}

export const get = <T = any>(url: string, options: Omit<RequestOptions, 'method' | 'body'> = {}) => request<T>(url, { ...options, method: 'GET' });

/** A JSON call with a bearer token. */
export function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResponse<T>> {
  const h: Record<string, string> = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    h['content-type'] = 'application/json';
  }
  return request<T>(baseUrl + path, { method, headers: h, body: payload });
}

/** A multipart/form-data body with the given text fields and at most one file part. */
export function multipart(
  fields: Record<string, string>,
  file?: { field?: string; name: string; contentType: string; bytes: Buffer },
): { body: Buffer; contentType: string } {
  const boundary = `----onegatefault${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\nContent-Type: ${file.contentType}\r\n\r\n`),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** True for errors where the server never answered: it is down, restarting or dropped the connection. */
export function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH'].includes(code ?? '') || /socket hang up/i.test(String((err as Error)?.message));
}
