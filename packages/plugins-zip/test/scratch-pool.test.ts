/**
 * Large compress outputs through the scratch pool: results are copies
 * (the worst-case buffer is not kept alive by the caller), a scratch is
 * reused only after its request completed and never changes a result
 * handed out, incompressible data keeps the scratch as its result, and the
 * pool's memory is bounded.
 */
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@warpdrive/core';
import zip from '../src/index.js';
import { ScratchPool } from '../src/scratch-pool.js';
import { realText } from './helpers.js';

let ctx: Awaited<ReturnType<typeof open>>;
const open = () => createContext({ plugins: [zip()], device: 'soft', queues: 2 });
beforeAll(async () => {
  ctx = await open();
});
afterAll(async () => {
  await ctx?.close();
});

describe('ScratchPool', () => {
  it('copies a small result out and reuses the scratch; a large result keeps the scratch; failures are not reused', () => {
    const pool = new ScratchPool();
    const a = pool.take(70_000);
    expect(a.length).toBe(128 * 1024); // 64 KiB grains
    a.fill(7, 0, 1000);
    const out = pool.finish(a, 1000);
    expect(out.buffer).not.toBe(a.buffer);
    expect(out.length).toBe(1000);
    expect(out.buffer.byteLength).toBeLessThan(a.length); // not a view of the scratch
    expect(out.every((b) => b === 7)).toBe(true);
    expect(pool.take(100_000)).toBe(a); // same class: reused
    const big = pool.finish(a, 100_000);
    expect(big.buffer).toBe(a.buffer); // more than half: the scratch is the result
    expect(pool.take(100_000)).not.toBe(a);
  });

  it('keeps at most 16 buffers per class and 32 MiB in all', () => {
    const pool = new ScratchPool();
    const taken = Array.from({ length: 20 }, () => pool.take(64 * 1024));
    for (const t of taken) pool.give(t);
    const again = new Set(Array.from({ length: 20 }, () => pool.take(64 * 1024)));
    expect(taken.filter((t) => again.has(t)).length).toBe(16);
    const huge = Array.from({ length: 6 }, () => pool.take(8 << 20));
    for (const t of huge) pool.give(t);
    const kept = new Set(Array.from({ length: 6 }, () => pool.take(8 << 20)));
    expect(huge.filter((t) => kept.has(t)).length).toBe(4); // 4 × 8 MiB = 32 MiB
    expect(ScratchPool.covers(8 << 20)).toBe(true);
    expect(ScratchPool.covers((8 << 20) + 1)).toBe(false);
  });
});

describe('large compress outputs', () => {
  it('64 concurrent 64 KiB–1 MiB requests (text and random) round-trip, and later requests (reusing the scratch) never change earlier results', async () => {
    const text = realText(1 << 20);
    const formats = ['gzip', 'zlib', 'deflate'] as const;
    const levels = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
    const inverse = [zlib.gunzipSync, zlib.inflateSync, zlib.inflateRawSync];
    const round = (shift: number) => {
      const inputs = Array.from({ length: 64 }, (_, i) =>
        i % 4 === 3 ? randomBytes(65_536 + i * 100) : text.subarray(i * 1000 + shift, i * 1000 + shift + 65_536 + (i % 5) * 200_000));
      return { inputs, outs: Promise.all(inputs.map((b, i) => ctx.compress(b, { format: formats[i % 3]!, level: levels[i % 9]! }))) };
    };
    const first = round(0);
    const outs = await first.outs;
    const copies = outs.map((o) => Buffer.from(o));
    const second = round(77);
    const outs2 = await second.outs;
    outs.forEach((o, i) => {
      expect(o.equals(copies[i]!), `request ${i} changed`).toBe(true);
      expect(inverse[i % 3]!(o).equals(first.inputs[i]!), `request ${i}`).toBe(true);
      expect(inverse[i % 3]!(outs2[i]!).equals(second.inputs[i]!), `second round ${i}`).toBe(true);
    });
    // and the sync path
    const s = ctx.compressSync(text, { format: 'gzip', level: 6 });
    const kept = Buffer.from(s);
    ctx.compressSync(text.subarray(5), { format: 'gzip', level: 6 });
    expect(s.equals(kept)).toBe(true);
    expect(zlib.gunzipSync(s).equals(text)).toBe(true);
  });
});
