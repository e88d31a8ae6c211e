/**
 * The HTTP load generator of `npm run bench` (steps, inbox, memory), in its own process as pgbench
 * is, so the server's event loop does only server work (started by `runLoad` in support/bench-env.ts). Reads its job as JSON on stdin:
 * N concurrent keep-alive clients send the listed requests (in turn, cycling when `cycle` is set)
 * until `seconds` pass or `maxRequests` are sent, and it prints the latencies as one JSON line.
 */
import { Agent, request } from 'node:http';

export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  token: string;
  body?: unknown;
  /** Latencies are also reported per kind (default: the method and path). */
  kind?: string;
}

export interface RequestJob {
  base: string;
  requests: BenchRequest[];
  clients: number;
  seconds: number;
  /** Stop after this many requests (at most one pass over `requests` unless `cycle`). */
  maxRequests?: number;
  cycle: boolean;
  /**
   * `fetch` (undici, what a browser-like or script client uses) or `http` (node:http with a keep-alive
   * agent, lighter on the load process). Default `http`.
   */
  transport?: 'http' | 'fetch';
}

export interface RequestResult {
  latencies: number[];
  byKind: Record<string, number[]>;
  statuses: Record<string, number>;
  errors: number;
  seconds: number;
}

let agent: Agent;
let url: URL;

function send(r: BenchRequest): Promise<number> {
  const body = r.body === undefined ? undefined : JSON.stringify(r.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: { authorization: `Bearer ${r.token}`, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The same request through the global `fetch` (undici keeps connections alive by itself). */
async function sendByFetch(r: BenchRequest): Promise<number> {
  const body = r.body === undefined ? undefined : JSON.stringify(r.body);
  const res = await fetch(new URL(r.path, url), {
    method: r.method,
    headers: { authorization: `Bearer ${r.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body } : {}),
  });
  await res.arrayBuffer();
  return res.status;
}

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const job = JSON.parse(input) as RequestJob;
  agent = new Agent({ keepAlive: true, maxSockets: job.clients });
  url = new URL(job.base);
  const limit = job.maxRequests ?? (job.cycle ? Number.POSITIVE_INFINITY : job.requests.length);
  const result: RequestResult = { latencies: [], byKind: {}, statuses: {}, errors: 0, seconds: 0 };
  let next = 0;
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  await Promise.all(
    Array.from({ length: job.clients }, async () => {
      while (performance.now() < deadline && next < limit && (job.cycle || next < job.requests.length)) {
        const r = job.requests[next++ % job.requests.length]!;
        const t0 = performance.now();
        const status = await (job.transport === 'fetch' ? sendByFetch(r) : send(r));
        const ms = performance.now() - t0;
        result.latencies.push(ms);
        (result.byKind[r.kind ?? `${r.method} ${r.path}`] ??= []).push(ms);
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
        if (status < 200 || status >= 300) result.errors++;
      }
    }),
  );
  result.seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify(result) + '\n');
  agent.destroy();
}

void main();
