/**
 * The timers bench's limit: a plain BullMQ `Worker` in a process of its own (as onegate's worker runs
 * in its own), with the product worker's concurrency and lock settings, that does nothing but note when
 * each delayed job reached it. Started with `fork()`; says `ready`, and on `stop` closes and sends back
 * `[jobId, processedAt − dueAt]` for every job it processed.
 */
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';

interface PlainJobData {
  dueAt: number;
}

const url = required('PLAIN_REDIS_URL');
const prefix = required('PLAIN_PREFIX');
const queue = required('PLAIN_QUEUE');
const concurrency = Number(required('PLAIN_CONCURRENCY'));
const lockDuration = Number(required('PLAIN_LOCK_MS'));

const processed: [string, number][] = [];
const connection = new Redis(url, { maxRetriesPerRequest: null });
const worker = new Worker(
  queue,
  async (job: Job<PlainJobData>) => {
    processed.push([job.id!, Date.now() - job.data.dueAt]);
  },
  { connection: connection as unknown as ConnectionOptions, prefix, concurrency, lockDuration, stalledInterval: Math.max(500, Math.floor(lockDuration / 2)) },
);
worker.on('error', (err) => console.error(`plain worker: ${err.message}`));

await worker.waitUntilReady();
process.send!({ type: 'ready' });
process.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  void (async () => {
    await worker.close();
    connection.disconnect();
    process.send!({ type: 'results', processed }, () => process.exit(0));
  })();
});

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}
