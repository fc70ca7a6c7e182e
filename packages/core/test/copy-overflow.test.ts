/**
 * COPY into a too-small destination is an error, never an overflow: caught in
 * TS before submission, and, with the TS check bypassed through the raw queue,
 * answered by the device with -ENOSPC without touching memory past dst_len.
 */
import { describe, expect, it } from 'vitest';
import { addressOf, coreOps, createContext, errorFromStatus, WD_OP_COPY } from '../src/index.js';

const GUARD = 0xa5;

/** dst of `len` bytes followed by a 4 KiB guard region in the same allocation. */
function guarded(len: number): { backing: Buffer; dst: Buffer; guard: Buffer } {
  const backing = Buffer.alloc(len + 4096, GUARD);
  backing.fill(0, 0, len);
  return { backing, dst: backing.subarray(0, len), guard: backing.subarray(len) };
}

describe('COPY into a too-small destination', () => {
  it('is rejected in TS with ERR_BUFFER_TOO_SMALL before anything is submitted', async () => {
    const ctx = await createContext({ plugins: [coreOps()] });
    const src = Buffer.alloc(1000, 0x11);
    const { dst, guard } = guarded(999);
    await expect(ctx.copy(src, dst)).rejects.toMatchObject({ code: 'ERR_BUFFER_TOO_SMALL', message: '`dst` must be at least 1000 bytes, got 999' });
    expect(ctx.stats().ops).toBe(0);
    expect(dst.every((b) => b === 0)).toBe(true);
    expect(guard.every((b) => b === GUARD)).toBe(true);
    await ctx.close();
  });

  it('bypassing the TS check via the raw queue: the device answers -ENOSPC → ERR_OUTPUT_TOO_SMALL, guard untouched', async () => {
    const ctx = await createContext({ plugins: [coreOps()] });
    const q = ctx.queues[0]!;
    const src = Buffer.alloc(64 * 1024, 0x22);
    for (const dstLen of [0, 1, 4095, 64 * 1024 - 1]) {
      const { backing, dst, guard } = guarded(dstLen);
      const sqe = q.getSqe()!;
      sqe.opcode(WD_OP_COPY).userData(dstLen).srcAddr(addressOf(src)).srcLen(src.length).dstAddr(addressOf(backing)).dstLen(dst.length);
      expect(q.submit()).toBe(1);
      const cqe = await q.waitCqe();
      expect(cqe.userData).toBe(BigInt(dstLen));
      expect(cqe.status).toBe(-28);
      expect(errorFromStatus(cqe.status).code).toBe('ERR_OUTPUT_TOO_SMALL');
      expect(cqe.produced).toBe(0);
      q.cqeSeen(cqe);
      expect(guard.every((b) => b === GUARD)).toBe(true);
      expect(src.length > dst.length).toBe(true);
    }
    await ctx.close();
  });

  it('an exact-size destination succeeds and writes nothing past it', async () => {
    const ctx = await createContext({ plugins: [coreOps()] });
    const src = Buffer.alloc(5000, 0x33);
    const { dst, guard } = guarded(5000);
    expect(await ctx.copy(src, dst)).toBe(5000);
    expect(dst.equals(src)).toBe(true);
    expect(guard.every((b) => b === GUARD)).toBe(true);
    await ctx.close();
  });
});

describe('detached buffers', () => {
  it('are rejected before submission, via structuredClone transfer and ArrayBuffer.prototype.transfer', async () => {
    const ctx = await createContext({ plugins: [coreOps()] });
    const a = new Uint8Array(128);
    structuredClone(a.buffer, { transfer: [a.buffer] });
    await expect(ctx.copy(a, Buffer.alloc(128))).rejects.toMatchObject({ code: 'ERR_BUFFER_DETACHED', details: { argument: 'src' } });
    const b = new ArrayBuffer(128) as ArrayBuffer & { transfer?: () => ArrayBuffer };
    if (typeof b.transfer === 'function') {
      b.transfer();
      await expect(ctx.crc32(b)).rejects.toMatchObject({ code: 'ERR_BUFFER_DETACHED', details: { argument: 'data' } });
    }
    expect(ctx.stats().ops).toBe(0);
    expect(ctx.queues[0]!.inFlight).toBe(0);
    await ctx.close();
  });
});

describe('requests whose buffers change under the encoder', () => {
  // dst is a small window at the start of a large guarded allocation, so an
  // overflow lands in memory we own and is seen in the guard, not as a crash.
  function window(len: number): { dst: Buffer; guard: Buffer } {
    const backing = Buffer.alloc(len + 64 * 1024, GUARD);
    backing.fill(0, 0, len);
    return { dst: backing.subarray(0, len), guard: backing.subarray(len) };
  }

  it('a request getter that returns a different buffer on each read is read once (queued and inline)', async () => {
    const ctx = await createContext({ plugins: [coreOps()] });
    const src = Buffer.alloc(32 * 1024, 0x44);
    for (const run of [(r: object) => ctx.run('copy', r), async (r: object) => ctx.runSync('copy', r)]) {
      const { dst, guard } = window(16);
      const big = Buffer.alloc(src.length);
      let reads = 0;
      const request = { src, get dst() { return reads++ === 0 ? big : dst; } };
      await run(request).catch(() => undefined);
      expect(guard.every((b) => b === GUARD)).toBe(true);
    }
    await ctx.close();
  });

  it('a view whose byteLength/byteOffset/buffer are shadowed cannot widen what the device writes', async () => {
    const ctx = await createContext({ plugins: [coreOps()] });
    const src = Buffer.alloc(32 * 1024, 0x55);
    for (const prop of ['byteLength', 'length']) {
      for (const run of [(a: Uint8Array, b: Uint8Array) => ctx.copy(a, b), async (a: Uint8Array, b: Uint8Array) => ctx.copySync(a, b)]) {
        const { dst, guard } = window(16);
        Object.defineProperty(dst, prop, { value: src.length });
        await run(src, dst).catch(() => undefined);
        expect(guard.every((b) => b === GUARD)).toBe(true);
      }
    }
    class Lying extends Uint8Array {
      override get byteLength(): number {
        return 32 * 1024;
      }
    }
    const { dst, guard } = window(16);
    const lying = new Lying(dst.buffer as ArrayBuffer, dst.byteOffset, 16);
    await ctx.copy(src, lying).catch(() => undefined);
    expect(guard.every((b) => b === GUARD)).toBe(true);
    await ctx.close();
  });
});

describe('resizable buffers', () => {
  it('a resizable ArrayBuffer (which could shrink while in flight) is rejected before submission, naming the argument', async () => {
    const ctx = await createContext({ plugins: [coreOps()] });
    const rab = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(4096, { maxByteLength: 1 << 20 });
    await expect(ctx.copy(Buffer.alloc(16), new Uint8Array(rab))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'dst' } });
    await expect(ctx.crc32(rab)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'data' } });
    expect(ctx.queues[0]!.inFlight).toBe(0);
    expect(ctx.stats().ops).toBe(0);
    await ctx.close();
  });

  it('shrinking a resizable buffer right after submitting it does not crash the process', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = `
      import { createContext, coreOps } from '@warpdrive/core';
      const ctx = await createContext({ plugins: [coreOps()] });
      const rab = new ArrayBuffer(1 << 20, { maxByteLength: 1 << 22 });
      const p = ctx.copy(Buffer.alloc(1 << 20, 1), new Uint8Array(rab));
      rab.resize(0);
      const r = await p.then(() => 'ok', (e) => e.code);
      await ctx.close();
      console.log(r);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
    expect(out.trim()).toBe('ERR_INVALID_ARGUMENT');
  });
});
