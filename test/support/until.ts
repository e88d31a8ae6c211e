/**
 * Polls `probe` until `ok` holds or `timeoutMs` passes, and returns the last value (the caller's
 * assertion then says what was missing). Only for effects another process has to produce (a BullMQ
 * worker, Redis, an SMTP server, a child process): what runs in the test's own process is awaited,
 * and time is moved with the app's clock, never waited for.
 */
export async function until<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await probe();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    v = await probe();
  }
  return v;
}
