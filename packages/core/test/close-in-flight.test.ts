/**
 * Closing with requests in flight: every promise rejects with a code, no
 * crash, the addon's resources go back to 0 and no fd leaks.
 */
import { readdirSync } from 'node:fs';
import { native } from '@warpdrive/native';
import { describe, expect, it } from 'vitest';
import { coreOps, createContext, isWarpdriveError } from '../src/index.js';

const fdCount = (): number => readdirSync('/proc/self/fd').length;

async function settleResources(): Promise<ReturnType<typeof native.resources>> {
  // Native objects are released when their JS wrappers are collected or the device joins its workers.
  for (let i = 0; i < 50; i++) {
    const r = native.resources();
    if (r.devices === 0 && r.queues === 0 && r.threads === 0 && r.fds === 0) return r;
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((res) => setTimeout(res, 20));
  }
  return native.resources();
}

describe('close with requests in flight', () => {
  it('rejects every pending promise with ERR_CONTEXT_CLOSED, then frees every native resource and fd', async () => {
    await settleResources();
    const fdsBefore = fdCount();
    for (let round = 0; round < 5; round++) {
      const ctx = await createContext({ plugins: [coreOps()], depth: 16, queues: 2, workers: 2 });
      const big = Buffer.alloc(4 << 20, 1);
      const promises: Promise<unknown>[] = [];
      for (let i = 0; i < 200; i++) {
        promises.push(i % 2 ? ctx.copy(big, Buffer.alloc(big.length)) : ctx.crc32(big));
      }
      await new Promise((r) => setImmediate(r)); // let the batch reach the device
      const settled = Promise.allSettled(promises);
      await ctx.close();
      const results = await settled;
      const codes = new Set<string>();
      let rejected = 0;
      for (const r of results) {
        if (r.status === 'rejected') {
          rejected++;
          expect(isWarpdriveError(r.reason)).toBe(true);
          codes.add(r.reason.code);
        }
      }
      expect(rejected).toBeGreaterThan(0);
      expect([...codes]).toEqual(['ERR_CONTEXT_CLOSED']);
      await expect(ctx.nop()).rejects.toMatchObject({ code: 'ERR_CONTEXT_CLOSED' });
    }
    expect(await settleResources()).toEqual({ devices: 0, queues: 0, threads: 0, fds: 0 });
    expect(fdCount()).toBe(fdsBefore);
  });

  it('close() is idempotent and a closed context rejects every entry point', async () => {
    const ctx = await createContext({ plugins: [coreOps()] });
    const a = ctx.close();
    const b = ctx.close();
    expect(a).toBe(b);
    await a;
    await expect(ctx.copy(Buffer.alloc(1), Buffer.alloc(1))).rejects.toMatchObject({ code: 'ERR_CONTEXT_CLOSED' });
    await expect(ctx.run('nop')).rejects.toMatchObject({ code: 'ERR_CONTEXT_CLOSED' });
    expect(() => ctx.queues[0]!.getSqe()).toThrowError(expect.objectContaining({ code: 'ERR_CONTEXT_CLOSED' }));
    expect(ctx.closed).toBe(true);
  });
});
