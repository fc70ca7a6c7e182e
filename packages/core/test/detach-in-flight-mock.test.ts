/**
 * The bookkeeping behind detach-in-flight.test.ts, against the pure-JS mock
 * device (test/helpers/mock-native.ts), where requests can be held in flight
 * deterministically:
 * - SVA queues: one backing-store hold per pinned (non-empty, non-shared)
 *   ArrayBuffer, dropped when the CQE is reaped, when the encoder fails, or
 *   — after close() — only once the device reported that it is quiescent;
 * - no-SVA queues (bounce through the data region): no holds (the device
 *   reaches only the region); an output detached while in flight, or a
 *   buffer detached by the encoder's own user code after pin, ends in a typed
 *   ERR_BUFFER_DETACHED naming the argument, never in a TypeError or a
 *   silently dropped output, and the region's extents come back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../src/native-module.js', () => import('./helpers/mock-native-module.js'));

const { createContext, coreOps, definePlugin, WD_OP_COPY } = await import('../src/index.js');
const { mockState, native: mockNative } = await import('./helpers/mock-native.js');

const REGION = 16 * 1024;
const detach = (ab: ArrayBufferLike): void => void structuredClone(ab, { transfer: [ab as ArrayBuffer] });
const release = (): void => {
  mockState.hold = false;
  for (const fn of mockState.release.splice(0)) fn();
};
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** COPY pinning dst first, then reading `r.src` (a getter may run user code after that pin). */
const pinThenRead = () =>
  definePlugin({
    name: 'pin-then-read',
    algorithms: ['pin-then-read'],
    operations: {
      pinThenRead: {
        opcode: 0xe1,
        api: {
          wd_soft_v1: {
            prep: (sqe, r: { src: Uint8Array; dst: Uint8Array; fail?: boolean }, pin) => {
              const n = r.dst.byteLength;
              sqe.opcode(WD_OP_COPY).dstAddr(pin(r.dst, 'dst', 'write')).dstLen(n);
              const src = r.src; // may detach dst
              sqe.srcAddr(pin(src, 'src', 'read')).srcLen(n);
              if (r.fail) throw new Error('encoder failed after pinning');
            },
            complete: (cqe) => cqe.produced,
          },
        },
      },
    },
  });

beforeEach(() => {
  mockState.hold = false;
  mockState.release = [];
  mockState.dataBytes = 0;
  mockState.holds = 0;
});
afterEach(() => {
  release();
  mockState.dataBytes = 0;
});

describe('SVA queue: backing-store holds follow the slot', () => {
  it('one hold per pinned buffer while in flight, none once the CQE is reaped', async () => {
    const ctx = await createContext({ plugins: [coreOps()], depth: 4, workers: 1 });
    mockState.hold = true;
    const src = Buffer.from('0123456789abcdef');
    const dst = Buffer.alloc(16);
    const p = ctx.copy(src, dst);
    const q = ctx.crc32(src);
    expect(mockState.holds).toBe(3);
    await tick();
    expect(mockState.holds).toBe(3); // submitted, not completed
    release();
    expect(await p).toBe(16);
    await q;
    expect(mockState.holds).toBe(0);
    await ctx.close();
  });

  it('no hold for what needs none: SharedArrayBuffers and empty buffers', async () => {
    const ctx = await createContext({ plugins: [coreOps()], depth: 4, workers: 1 });
    mockState.hold = true;
    const shared = new Uint8Array(new SharedArrayBuffer(16));
    // (the mock device answers EFAULT for the NULL address of an empty buffer: only the holds matter here)
    const p = Promise.allSettled([ctx.crc32(shared), ctx.crc32(new Uint8Array(0)), ctx.copy(new Uint8Array(0), new Uint8Array(0))]);
    expect(mockState.holds).toBe(0);
    release();
    await p;
    await ctx.close();
  });

  it('an encoder that fails after pinning drops its holds at once', async () => {
    const ctx = await createContext({ plugins: [pinThenRead()], depth: 4, workers: 1 });
    await expect(ctx.run('pinThenRead', { src: Buffer.alloc(8), dst: Buffer.alloc(8), fail: true })).rejects.toThrow(/encoder failed/);
    expect(mockState.holds).toBe(0);
    expect(ctx.queues[0]!.inFlight).toBe(0);
    await ctx.close();
  });

  it('close() rejects at once but keeps the holds until the device is quiescent', async () => {
    const ctx = await createContext({ plugins: [coreOps()], depth: 4, workers: 1 });
    mockState.hold = true;
    const data = Buffer.alloc(64, 1);
    const p = ctx.crc32(data);
    await tick(); // in flight, held by the device
    const closed = ctx.close();
    await expect(p).rejects.toMatchObject({ code: 'ERR_CONTEXT_CLOSED' });
    expect(mockState.holds).toBe(1);
    await closed;
    expect(mockState.holds).toBe(0);
  });
});

describe('an addon that cannot hold backing stores (holdsBackingStores: false)', () => {
  it('pins keep only the JS references, and one process warning (per process) says what that risks', async () => {
    const m = mockNative as { holdsBackingStores: boolean };
    m.holdsBackingStores = false;
    const warnings: Array<{ name: string; code?: string }> = [];
    const onWarning = (w: Error & { code?: string }): void => void warnings.push({ name: w.name, code: w.code });
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 2; i++) {
        const ctx = await createContext({ plugins: [coreOps()], depth: 4, workers: 1 });
        mockState.hold = true;
        const p = ctx.crc32(Buffer.from('abc'));
        expect(mockState.holds).toBe(0);
        release();
        expect(await p).toBe(0x352441c2);
        await ctx.close();
      }
      await tick(); // warnings are emitted on the next tick
      expect(warnings.filter((w) => w.code === 'WARPDRIVE_NO_BACKING_HOLD')).toEqual([{ name: 'WarpdriveWarning', code: 'WARPDRIVE_NO_BACKING_HOLD' }]);
    } finally {
      process.off('warning', onWarning);
      m.holdsBackingStores = true;
    }
  });
});

describe('no-SVA queue: buffers detached while the request waits or runs', () => {
  const open = (plugins: Parameters<typeof createContext>[0]['plugins'] = [coreOps()]) => {
    mockState.dataBytes = REGION;
    return createContext({ plugins, depth: 4, workers: 1 });
  };

  it('takes no holds (the device reaches only the region)', async () => {
    const ctx = await open();
    mockState.hold = true;
    const p = ctx.copy(Buffer.alloc(64, 3), Buffer.alloc(64));
    expect(mockState.holds).toBe(0);
    release();
    await p;
    await ctx.close();
  });

  it('an input detached in flight was copied in already: the result is correct', async () => {
    const ctx = await open();
    mockState.hold = true;
    const src = new Uint8Array(100).fill(0x42);
    const dst = new Uint8Array(100);
    const p = ctx.copy(src, dst);
    await tick();
    detach(src.buffer);
    release();
    expect(await p).toBe(100);
    expect(dst.every((x) => x === 0x42)).toBe(true);
    expect(ctx.queues[0]!.dataRegion!.freeBytes).toBe(REGION - 64);
    await ctx.close();
  });

  it('an output detached in flight rejects with ERR_BUFFER_DETACHED naming it; the region comes back; the queue goes on', async () => {
    const ctx = await open();
    mockState.hold = true;
    const dst = new Uint8Array(100);
    const other = new Uint8Array(100);
    const p = ctx.copy(new Uint8Array(100).fill(7), dst);
    const ok = ctx.copy(new Uint8Array(100).fill(8), other);
    await tick();
    detach(dst.buffer);
    release();
    await expect(p).rejects.toMatchObject({ name: 'WarpdriveError', code: 'ERR_BUFFER_DETACHED', details: { argument: 'dst' } });
    expect(await ok).toBe(100);
    expect(other.every((x) => x === 8)).toBe(true);
    expect(ctx.queues[0]!.dataRegion!.freeBytes).toBe(REGION - 64);
    expect(await ctx.crc32(Buffer.from('abc'))).toBe(0x352441c2);
    await ctx.close();
  });

  it("a buffer the encoder's user code detaches after pin is refused before submission (ERR_BUFFER_DETACHED, not a TypeError)", async () => {
    const ctx = await open([pinThenRead()]);
    const dst = new Uint8Array(64);
    const src = new Uint8Array(64).fill(1);
    const request = {
      dst,
      get src() {
        detach(dst.buffer);
        return src;
      },
    };
    await expect(ctx.run('pinThenRead', request)).rejects.toMatchObject({ name: 'WarpdriveError', code: 'ERR_BUFFER_DETACHED', details: { argument: 'dst' } });
    const q = ctx.queues[0]!;
    expect(q.inFlight).toBe(0);
    expect(q.dataRegion!.freeBytes).toBe(REGION - 64);
    const out = new Uint8Array(64);
    expect(await ctx.run('pinThenRead', { dst: out, src })).toBe(64);
    expect(out.every((x) => x === 1)).toBe(true);
    await ctx.close();
  });
});
