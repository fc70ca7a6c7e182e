/**
 * Ring wrap-around thousands of times on small rings: every result and every
 * user_data checked, through both the promise layer and the raw layer.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { coreOps, createContext } from '../src/index.js';

describe.each([2, 4, 8])('depth %i', (depth) => {
  it('20,000 promise-layer ops (copy + crc32) wrap the rings thousands of times, all results correct', async () => {
    const ctx = await createContext({ plugins: [coreOps()], depth, workers: 2 });
    const total = 20_000;
    const window = 3 * depth; // more than the in-flight limit: exercises backpressure too
    let done = 0;
    for (let base = 0; base < total; base += window) {
      const jobs: Promise<void>[] = [];
      for (let i = base; i < Math.min(total, base + window); i++) {
        const src = Buffer.from(`op-${i}-${'x'.repeat(i % 61)}`);
        if (i % 2 === 0) {
          const dst = Buffer.alloc(src.length + 3, 0xee);
          jobs.push(ctx.copy(src, dst).then((n) => {
            expect(n).toBe(src.length);
            expect(dst.subarray(0, n).equals(src)).toBe(true);
            expect(dst.subarray(n).every((b) => b === 0xee)).toBe(true);
            done++;
          }));
        } else {
          jobs.push(ctx.crc32(src, i).then((c) => {
            expect(c).toBe(crc32(src, i));
            done++;
          }));
        }
      }
      await Promise.all(jobs);
    }
    expect(done).toBe(total);
    const q = ctx.stats().perQueue[0]!;
    expect(q.ops).toBe(total);
    expect(total / (2 * depth)).toBeGreaterThanOrEqual(1000); // CQ wrapped ≥ 1000 times
    expect(q.maxInFlight).toBeLessThanOrEqual(2 * depth);
    await ctx.close();
  });

  it('20,000 raw-layer NOPs return every user_data exactly once, in a wrapping ring', async () => {
    const ctx = await createContext({ plugins: [], depth, workers: 1 });
    const q = ctx.queues[0]!;
    const total = 20_000;
    const seen = new Uint8Array(total);
    let next = 0;
    let reaped = 0;
    while (reaped < total) {
      let sqe;
      while (next < total && (sqe = q.getSqe()) !== null) sqe.opcode(0).userData(BigInt(next++) + 0x1_0000_0000n);
      q.submit();
      const cqe = await q.waitCqe();
      for (let c: typeof cqe | null = cqe; c !== null; c = q.peekCqe()) {
        expect(c.status).toBe(0);
        const id = Number(c.userData - 0x1_0000_0000n);
        expect(c.userDataHigh).toBe(1);
        expect(seen[id]).toBe(0);
        seen[id] = 1;
        reaped++;
        q.cqeSeen(c);
      }
      expect(q.inFlight).toBeLessThanOrEqual(q.limit);
    }
    expect(seen.every((s) => s === 1)).toBe(true);
    await ctx.close();
  });
});
