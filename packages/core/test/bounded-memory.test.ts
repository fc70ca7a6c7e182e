/** 100,000 operations: heap stays bounded, in-flight never exceeds the limit. */
import { describe, expect, it } from 'vitest';
import { coreOps, createContext } from '../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;

describe('soak', () => {
  it('100,000 operations (nop/copy/crc32) with bounded memory and bounded in-flight', async () => {
    const ctx = await createContext({ plugins: [coreOps()], depth: 64, queues: 2, workers: 2 });
    const src = Buffer.alloc(4096, 7);
    const dsts = Array.from({ length: 64 }, () => Buffer.alloc(4096));
    const limit = ctx.queues.reduce((n, q) => n + q.limit, 0);
    gc?.();
    const before = process.memoryUsage();
    let maxInFlight = 0;
    const total = 100_000;
    const burst = 1000; // > limit: half the burst waits in the FIFO
    for (let base = 0; base < total; base += burst) {
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < burst; i++) {
        const k = base + i;
        jobs.push(k % 3 === 0 ? ctx.nop() : k % 3 === 1 ? ctx.copy(src, dsts[k % 64]!) : ctx.crc32(src));
      }
      const inFlight = ctx.queues.reduce((n, q) => n + q.inFlight, 0);
      maxInFlight = Math.max(maxInFlight, inFlight);
      await Promise.all(jobs);
    }
    gc?.();
    const after = process.memoryUsage();
    const stats = ctx.stats();
    expect(stats.ops).toBe(total);
    expect(stats.errors).toBe(0);
    expect(maxInFlight).toBeLessThanOrEqual(limit);
    for (const q of stats.perQueue) expect(q.maxInFlight).toBeLessThanOrEqual(q.limit);
    const heapGrowth = after.heapUsed - before.heapUsed;
    const rssGrowth = after.rss - before.rss;
    expect(heapGrowth).toBeLessThan(50 * 2 ** 20);
    expect(rssGrowth).toBeLessThan(100 * 2 ** 20);
    await ctx.close();
  });
});
