/** Several contexts at once, backpressure and queue scheduling on the real soft device. */
import { describe, expect, it } from 'vitest';
import { coreOps, createContext } from '../src/index.js';

describe('several contexts at once', () => {
  it('four contexts run interleaved work independently and close independently', async () => {
    const contexts = await Promise.all([1, 2, 3, 4].map((q) => createContext({ plugins: [coreOps()], queues: q, depth: 8, workers: 1 })));
    const results = await Promise.all(
      contexts.map(async (ctx, c) => {
        const out: number[] = [];
        await Promise.all(Array.from({ length: 500 }, async (_, i) => {
          const src = Buffer.from(`ctx${c}-req${i}`);
          const dst = Buffer.alloc(src.length);
          await ctx.copy(src, dst);
          expect(dst.toString()).toBe(`ctx${c}-req${i}`);
          out.push(i);
        }));
        return out.length;
      }),
    );
    expect(results).toEqual([500, 500, 500, 500]);
    await contexts[0]!.close();
    expect(await contexts[1]!.crc32(Buffer.from('still open'))).toBeTypeOf('number');
    await Promise.all(contexts.map((c) => c.close()));
  });
});

describe('completion delivery', () => {
  it.each([0, 5, 200])('pollMicros %i: sequential and batched requests all complete', async (pollMicros) => {
    const ctx = await createContext({ plugins: [coreOps()], depth: 8, workers: 1, pollMicros });
    for (let i = 0; i < 500; i++) expect(await ctx.crc32(Buffer.from([i & 0xff]))).toBeTypeOf('number');
    const sizes = await Promise.all(Array.from({ length: 100 }, (_, i) => ctx.copy(Buffer.alloc(i + 1), Buffer.alloc(i + 1))));
    expect(sizes).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await ctx.close();
  });
});

describe('backpressure', () => {
  it('10× depth submitted at once: all complete, in-flight never above the limit', async () => {
    const depth = 16;
    const ctx = await createContext({ plugins: [coreOps()], depth, workers: 2 });
    const q = ctx.queues[0]!;
    const n = 10 * depth;
    const jobs = Array.from({ length: n }, (_, i) => ctx.crc32(Buffer.from(String(i))));
    expect(q.inFlight + q.sqSpaceLeft()).toBeLessThanOrEqual(q.limit);
    expect(q.waiting).toBeGreaterThan(0);
    const crcs = await Promise.all(jobs);
    expect(crcs).toHaveLength(n);
    expect(new Set(crcs).size).toBe(n);
    expect(q.stats().maxInFlight).toBeLessThanOrEqual(q.limit);
    await ctx.close();
  });
});

describe('scheduling on the soft device', () => {
  it.each(['round-robin', 'least-in-flight'] as const)('%s uses every queue', async (schedule) => {
    const ctx = await createContext({ plugins: [coreOps()], queues: 4, depth: 4, schedule, workers: 2 });
    await Promise.all(Array.from({ length: 400 }, () => ctx.nop()));
    const perQueue = ctx.stats().perQueue.map((q) => q.ops);
    expect(perQueue.reduce((a, b) => a + b, 0)).toBe(400);
    for (const ops of perQueue) expect(ops).toBeGreaterThan(0);
    if (schedule === 'round-robin') expect(perQueue).toEqual([100, 100, 100, 100]);
    await ctx.close();
  });
});
