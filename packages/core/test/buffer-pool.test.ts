import { describe, expect, it } from 'vitest';
import { addressOf, BufferPool, coreOps, createContext, PAGE_SIZE } from '../src/index.js';

describe('BufferPool', () => {
  it('hands out page-aligned buffers of the requested size', () => {
    const pool = new BufferPool({ bufferSize: 10_000 });
    for (let i = 0; i < 8; i++) {
      const b = pool.acquire();
      expect(b.length).toBe(10_000);
      expect(addressOf(b) % PAGE_SIZE).toBe(0);
    }
    const small = new BufferPool({ bufferSize: 100 }).acquire();
    expect(addressOf(small) % PAGE_SIZE).toBe(0);
  });

  it('reuses released buffers and keeps at most maxPooled', () => {
    const pool = new BufferPool({ bufferSize: 4096, maxPooled: 2 });
    const bufs = [pool.acquire(), pool.acquire(), pool.acquire()];
    expect(pool.allocated).toBe(3);
    for (const b of bufs) pool.release(b);
    expect(pool.pooled).toBe(2);
    const again = pool.acquire();
    expect(bufs).toContain(again);
    expect(pool.allocated).toBe(3);
  });

  it('pool buffers work as operation buffers', async () => {
    const ctx = await createContext({ plugins: [coreOps()] });
    const pool = new BufferPool({ bufferSize: 1 << 16 });
    const src = pool.acquire().fill(9);
    const dst = pool.acquire();
    expect(await ctx.copy(src, dst)).toBe(1 << 16);
    expect(dst.equals(src)).toBe(true);
    pool.release(src);
    pool.release(dst);
    await ctx.close();
  });
});
