/**
 * The HTTP load generator of `npm run bench`, in its own process as pgbench is: the server's event
 * loop then does only server work. Reads its job as JSON on stdin, completes the given tasks with N
 * concurrent keep-alive clients for a time, and prints the latencies as one JSON line.
 */
import { Agent, request } from 'node:http';

interface Job {
  base: string;
  token: string;
  taskIds: string[];
  clients: number;
  seconds: number;
}

const body = JSON.stringify({ decision: 'approve', comment: 'x'.repeat(300) });
let job: Job;
let agent: Agent;
let url: URL;

function complete(id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `/api/tasks/${id}/complete`,
        headers: { authorization: `Bearer ${job.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
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

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  job = JSON.parse(input) as Job;
  agent = new Agent({ keepAlive: true, maxSockets: job.clients });
  url = new URL(job.base);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  await Promise.all(
    Array.from({ length: job.clients }, async () => {
      while (performance.now() < deadline && next < job.taskIds.length) {
        const id = job.taskIds[next++]!;
        const t0 = performance.now();
        const status = await complete(id);
        if (status !== 200) errors++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ latencies, errors, seconds, ranOut: next >= job.taskIds.length }) + '\n');
  agent.destroy();
}

void main();
