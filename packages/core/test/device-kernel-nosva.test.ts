/**
 * The SDK on the wd_soft kernel device in no-SVA mode (`dataRegion`): the
 * driver reaches only the queue's kernel-allocated data region, SQEs carry
 * offsets into it, core bounces buffers through it or uses buffers carved
 * from it. Results must be byte-identical with the SVA path.
 *
 * Not run on the host (vitest.config.ts excludes it unless WARPDRIVE_DEVICE
 * is set); in the QEMU guest of driver/test/qemu/run.sh a missing device fails.
 */
import { existsSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abi, coreOps, createContext, type ContextWith } from '../src/index.js';
import { needs } from '../../conformance/needs.js';

const env = process.env.WARPDRIVE_DEVICE;
const DEVICE = env !== undefined && env.startsWith('wd_soft-') ? env : 'wd_soft-0';
const hasDevice = existsSync(`/dev/${DEVICE}`);
const skipKernel = needs(hasDevice, `no /dev/${DEVICE} (the kernel-device tests run in the QEMU guest: pnpm test:driver)`);
type Ctx = ContextWith<[ReturnType<typeof coreOps>]>;
const REGION = 256 * 1024;

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + seed * 7) & 0xff;
  return b;
}

describe.skipIf(skipKernel)(`kernel device ${DEVICE} in no-SVA mode`, () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await createContext({ plugins: [coreOps()], device: DEVICE, depth: 16, dataRegion: REGION });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('opens a no-SVA queue with its data region; COPY/CRC32 results match, bytes are counted as copied', async () => {
    const q = ctx.queues[0]!;
    expect(q.features & abi.CONSTANTS.WD_FEAT_NOSVA).toBe(abi.CONSTANTS.WD_FEAT_NOSVA);
    expect(q.features & abi.WD_FEAT_SVA).toBe(0);
    expect(q.dataRegion!.size).toBeGreaterThanOrEqual(REGION);
    for (const [i, n] of [0, 1, 4097, 100_000].entries()) {
      const src = pattern(n, i);
      const dst = Buffer.alloc(n + 8, 0xee);
      expect(await ctx.copy(src, dst)).toBe(n);
      expect(dst.subarray(0, n).equals(src)).toBe(true);
      expect(dst.subarray(n).equals(Buffer.alloc(8, 0xee))).toBe(true);
      expect(await ctx.crc32(src, i)).toBe(zlibCrc32(src, i));
    }
    expect(ctx.stats().bytesCopied).toBeGreaterThan(0);
    expect(q.dataRegion!.freeBytes).toBe(q.dataRegion!.capacity);
  });

  it('more requests than the region holds at once wait for space and all complete in order', async () => {
    const srcs = Array.from({ length: 40 }, (_, i) => pattern(60_000 + i, i + 3));
    const dsts = srcs.map((s) => Buffer.alloc(s.length));
    const done: number[] = [];
    await Promise.all(srcs.map((s, i) => ctx.copy(s, dsts[i]!).then(() => done.push(i))));
    expect(done).toEqual(srcs.map((_, i) => i));
    srcs.forEach((s, i) => expect(dsts[i]!.equals(s)).toBe(true));
  });

  it('buffers carved from the region go to the device without a copy', async () => {
    const region = ctx.queues[0]!.dataRegion!;
    const before = ctx.stats().bytesCopied;
    const src = region.allocBuffer(65536);
    const dst = region.allocBuffer(65536);
    pattern(65536, 9).copy(src);
    await ctx.copy(src, dst);
    expect(dst.equals(src)).toBe(true);
    expect(await ctx.crc32(src)).toBe(zlibCrc32(src));
    expect(ctx.stats().bytesCopied).toBe(before);
    region.freeBuffer(src);
    region.freeBuffer(dst);
  });

  it('a request larger than the region is refused before submission; offsets outside it fault in the driver', async () => {
    const size = ctx.queues[0]!.dataRegion!.size;
    await expect(ctx.crc32(Buffer.alloc(size + 1))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    const q = ctx.queues[0]!;
    q.getSqe()!.opcode(abi.WD_OP_CRC32).srcAddr(size - 10).srcLen(64).userData(1); // crosses the end
    q.submit();
    const c = await q.waitCqe();
    expect(c.status).toBe(-abi.ERRNO.EFAULT);
    q.cqeSeen(c);
  });

  it('refuses a data region beyond the driver limit with a typed error', async () => {
    await expect(createContext({ plugins: [], device: DEVICE, dataRegion: 2 ** 40 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});
