/**
 * The inline path (`runSync`): the calling thread runs the device's engine
 * with the same encoders and decoders as the queued path.
 */
import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { coreOps, createContext, createContextSync, type ContextWith } from '../src/index.js';

type Ctx = ContextWith<[ReturnType<typeof coreOps>]>;
let ctx: Ctx | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

describe('inline path (runSync)', () => {
  it('gives the same results as the queued path', async () => {
    ctx = await createContext({ plugins: [coreOps()] });
    for (const size of [0, 1, 4095, 65536]) {
      const data = randomBytes(size);
      expect(ctx.crc32Sync(data)).toBe(zlibCrc32(data));
      expect(ctx.crc32Sync(data)).toBe(await ctx.crc32(data));
      const dst = Buffer.alloc(size);
      expect(ctx.copySync(data, dst)).toBe(size);
      expect(dst.equals(data)).toBe(true);
    }
    expect(ctx.crc32Sync(Buffer.from('world'), zlibCrc32('hello '))).toBe(zlibCrc32('hello world'));
  });

  it('counts inline requests under their own path in stats()', async () => {
    ctx = await createContext({ plugins: [coreOps()] });
    ctx.crc32Sync(Buffer.alloc(100));
    await ctx.crc32(Buffer.alloc(50));
    const stats = ctx.stats();
    expect(stats.ops).toBe(2);
    expect(stats.bytesIn).toBe(150);
    expect(stats.perPath['soft:wd_soft_v1:soft']).toMatchObject({ ops: 1, bytesIn: 50 });
    expect(stats.perPath['soft:wd_soft_v1:soft:inline']).toMatchObject({ ops: 1, bytesIn: 100 });
  });

  it('throws typed errors synchronously for bad input and a closed context', async () => {
    ctx = await createContext({ plugins: [coreOps()] });
    const c = ctx;
    expect(() => c.copySync(Buffer.alloc(10), Buffer.alloc(9))).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_TOO_SMALL' }));
    expect(() => c.crc32Sync('text' as unknown as Buffer)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => c.crc32Sync(Buffer.alloc(1), -1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/seed/) }));
    expect(() => c.runSync('nope')).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_OPERATION' }));
    expect(c.stats().errors).toBe(3);
    await c.close();
    expect(() => c.crc32Sync(Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'ERR_CONTEXT_CLOSED' }));
  });

  it('a runSync issued from inside an encoder (a request getter) does not clobber the outer descriptor', async () => {
    ctx = await createContext({ plugins: [coreOps()] });
    const c = ctx;
    const src = Buffer.alloc(16, 3);
    const dst = Buffer.alloc(16);
    let innerCrc: number | undefined;
    const request = {
      get src() {
        innerCrc ??= c.crc32Sync(Buffer.from('abc'), 7);
        return src;
      },
      dst,
    };
    expect(c.runSync('copy', request)).toBe(16);
    expect(dst.equals(src)).toBe(true);
    expect(innerCrc).toBe(zlibCrc32(Buffer.from('abc'), 7));
    expect(c.stats().perPath['soft:wd_soft_v1:soft:inline']).toMatchObject({ ops: 2, errors: 0 });
  });

  it('createContextSync opens a usable context without awaiting, and validates like createContext', async () => {
    ctx = createContextSync({ plugins: [coreOps()], queues: 2 });
    expect(ctx.crc32Sync(Buffer.from('abc'))).toBe(zlibCrc32('abc'));
    expect(await ctx.crc32(Buffer.from('abc'))).toBe(zlibCrc32('abc'));
    expect(() => createContextSync({ plugins: [coreOps()], depth: 3 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/options\.depth/) }),
    );
  });
});
