import { KeyedMutex } from './mutex.js';

describe('KeyedMutex', () => {
  it('runs holders of one key one at a time, in order, and other keys beside them', async () => {
    const lock = new KeyedMutex();
    const log: string[] = [];
    let releaseA!: () => void;
    const gateA = new Promise<void>((r) => (releaseA = r));
    const a1 = lock.runExclusive('a', async () => {
      log.push('a1 start');
      await gateA;
      log.push('a1 end');
    });
    const a2 = lock.runExclusive('a', async () => void log.push('a2'));
    const b = lock.runExclusive('b', async () => void log.push('b'));
    await b;
    expect(log).toEqual(['a1 start', 'b']);
    releaseA();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['a1 start', 'b', 'a1 end', 'a2']);
    expect(lock.size).toBe(0);
  });

  it('releases the key when the holder throws', async () => {
    const lock = new KeyedMutex();
    await expect(lock.runExclusive('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.runExclusive('k', async () => 42)).resolves.toBe(42);
    expect(lock.size).toBe(0);
  });
});
