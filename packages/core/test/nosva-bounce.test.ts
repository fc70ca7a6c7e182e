/**
 * No-SVA queues (a kernel device opened with `dataRegion`): SQE addresses
 * are data-region offsets, buffers are bounced through the region (or carved
 * from it), region space is backpressure, and nothing is copied back that
 * the device did not write. Runs against the pure-JS mock device
 * (test/helpers/mock-native.ts) laid out as a no-SVA queue; the guest's
 * device-kernel tests run the same paths against /dev/wd_soft-N.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../src/native-module.js', () => import('./helpers/mock-native-module.js'));

const { createContext, coreOps, definePlugin, WD_OP_COPY } = await import('../src/index.js');
const { mockState } = await import('./helpers/mock-native.js');

const REGION = 16 * 1024;
const open = (extra: Record<string, unknown> = {}) => createContext({ plugins: [coreOps()], depth: 4, workers: 1, ...extra });

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** COPY with both sides pinned with the default access ('readwrite') and no length checks in JS. */
const plainCopy = () =>
  definePlugin({
    name: 'plain-copy',
    algorithms: ['plain-copy'],
    operations: {
      plainCopy: {
        opcode: 0xe0,
        api: { wd_soft_v1: { prep: (sqe, r: { src: Buffer; dst: Buffer }, pin) => void sqe.opcode(WD_OP_COPY).dstAddr(pin(r.dst, 'dst')).srcAddr(pin(r.src, 'src')).srcLen(r.src.length).dstLen(r.dst.length) } },
      },
    },
  });

beforeEach(() => {
  mockState.dataBytes = REGION;
  mockState.addresses = [];
  mockState.hold = false;
});
afterEach(() => {
  mockState.dataBytes = 0;
});

describe('no-SVA queue: bounce through the data region', () => {
  it('runs COPY and CRC32 with region offsets in the SQE and counts the copies', async () => {
    const ctx = await open();
    const q = ctx.queues[0]!;
    expect(q.dataRegion?.size).toBe(REGION);
    const src = pattern(3000, 1);
    const dst = Buffer.alloc(3000);
    expect(await ctx.copy(src, dst)).toBe(3000);
    expect(dst.equals(src)).toBe(true);
    expect(await ctx.crc32(src)).toBe((await import('node:zlib')).crc32(src));
    for (const a of mockState.addresses) expect(a).toBeLessThan(REGION);
    // copy: src in (read), dst in + out (write); crc32: data in.
    expect(ctx.stats().bytesCopied).toBe(3000 + 3000 + 3000 + 3000);
    expect(q.dataRegion!.freeBytes).toBe(REGION - 64); // every extent came back; offset 0 is never used
    for (const a of mockState.addresses) expect(a === 0 || a >= 64).toBe(true);
    await ctx.close();
  });

  it('an overlapping copy inside one buffer ends like the SVA device (memmove)', async () => {
    const ctx = await open();
    const buf = pattern(64, 7);
    const expected = Buffer.from(buf);
    expected.copyWithin(16, 0, 40);
    await ctx.copy(buf.subarray(0, 40), buf.subarray(16, 56));
    expect(buf.equals(expected)).toBe(true);
    await ctx.close();
  });

  it('a readwrite pin is copied back only where the device changed it', async () => {
    const ctx = await createContext({ plugins: [plainCopy()], depth: 4, workers: 1 });
    const buf = pattern(64, 9);
    const expected = Buffer.from(buf);
    expected.copyWithin(8, 0, 32);
    // dst is pinned (and would be copied back) first; the unchanged src,
    // overlapping it, must not be copied back over the result.
    await ctx.run('plainCopy', { src: buf.subarray(0, 32), dst: buf.subarray(8, 40) });
    expect(buf.equals(expected)).toBe(true);
    expect(ctx.stats().bytesCopied).toBe(32 + 32 + 32); // both in, only dst out
    await ctx.close();
  });

  it('waits for region space in FIFO order when requests in flight hold it', async () => {
    const ctx = await open({ depth: 8 });
    const n = 12;
    const srcs = Array.from({ length: n }, (_, i) => pattern(3000 + i, i));
    const dsts = srcs.map((s) => Buffer.alloc(s.length));
    const order: number[] = [];
    // Each copy needs 2 × ~3 KiB of a 16 KiB region: at most two fit at once.
    await Promise.all(srcs.map((s, i) => ctx.copy(s, dsts[i]!).then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: n }, (_, i) => i));
    srcs.forEach((s, i) => expect(dsts[i]!.equals(s)).toBe(true));
    expect(ctx.queues[0]!.dataRegion!.freeBytes).toBe(REGION - 64);
    await ctx.close();
  });

  it('rejects a request that can never fit, naming the argument; the queue stays usable', async () => {
    const ctx = await open();
    await expect(ctx.crc32(Buffer.alloc(REGION + 1))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(/`data` needs 16385 bytes of the queue's data region/),
    });
    // Each buffer fits, both together do not.
    await expect(ctx.copy(Buffer.alloc(10_000), Buffer.alloc(10_000))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'dst', needed: 20_000 } });
    expect(await ctx.crc32(Buffer.from('abc'))).toBe(0x352441c2);
    await ctx.close();
  });

  it('buffers carved from the region are used in place: no copy', async () => {
    const ctx = await open();
    const region = ctx.queues[0]!.dataRegion!;
    const src = region.allocBuffer(4096);
    const dst = region.allocBuffer(4096);
    pattern(4096, 3).copy(src);
    await ctx.copy(src, dst);
    expect(dst.equals(src)).toBe(true);
    expect(ctx.stats().bytesCopied).toBe(0);
    expect(() => region.allocBuffer(REGION - 64)).toThrowError(expect.objectContaining({ code: 'ERR_DEVICE_NO_MEMORY' }));
    expect(() => region.allocBuffer(0)).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => region.freeBuffer(src.subarray(1))).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => region.freeBuffer(Buffer.alloc(4096))).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    region.freeBuffer(src);
    region.freeBuffer(dst);
    expect(() => region.freeBuffer(dst)).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(region.freeBytes).toBe(REGION - 64);
    await ctx.close();
  });

  it('a failed request leaves the caller output untouched and frees its extents', async () => {
    const ctx = await createContext({ plugins: [plainCopy()], depth: 4, workers: 1 });
    const dst = pattern(10, 5);
    const before = Buffer.from(dst);
    await expect(ctx.run('plainCopy', { src: Buffer.alloc(20), dst })).rejects.toMatchObject({ code: 'ERR_OUTPUT_TOO_SMALL' });
    expect(dst.equals(before)).toBe(true);
    expect(ctx.queues[0]!.dataRegion!.freeBytes).toBe(REGION - 64);
    await ctx.close();
  });

  it('closing with requests in flight and waiting for space settles them all and frees the region', async () => {
    const ctx = await open({ depth: 8 });
    mockState.hold = true;
    const pending = Array.from({ length: 6 }, () => ctx.copy(Buffer.alloc(3000), Buffer.alloc(3000)));
    await new Promise((r) => setImmediate(r));
    const closing = ctx.close();
    for (const p of pending) await expect(p).rejects.toMatchObject({ code: 'ERR_CONTEXT_CLOSED' });
    mockState.hold = false;
    for (const r of mockState.release.splice(0)) r();
    await closing;
    expect(ctx.queues[0]!.dataRegion!.freeBytes).toBe(REGION - 64);
  });
});

describe('dataRegion option', () => {
  it('is refused for the soft device', async () => {
    mockState.dataBytes = 0;
    await expect(open({ device: 'soft', dataRegion: 65536 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'options.dataRegion' } });
  });
  it('is validated', async () => {
    await expect(open({ dataRegion: 100 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(open({ dataRegion: 1.5 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});
