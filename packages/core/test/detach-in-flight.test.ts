/**
 * A buffer detached while its request is in flight (`ab.transfer()` on Node
 * 22+, `structuredClone(ab, { transfer: [ab] })` everywhere), its new owner
 * dropped and collected: the device must never touch freed memory. Each
 * request ends with the correct result or a typed ERR_BUFFER_DETACHED, and
 * the context keeps working. Real addon and soft device (the kernel device
 * in the guest); the zip and crypto plugins run in a child process from
 * their dist (core cannot depend on them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../conformance/needs.js';
import { coreOps, createContext, type ContextWith, type CoreOpsMethods } from '../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc (vitest.config.ts passes it)');
const collect = (): void => {
  for (let i = 0; i < 4; i++) gc();
};

type Detach = (ab: ArrayBuffer) => void;
const detachers: Array<[string, Detach]> = [['structuredClone', (ab) => void structuredClone(ab, { transfer: [ab] })]];
const transfer = (ArrayBuffer.prototype as { transfer?: (this: ArrayBuffer) => ArrayBuffer }).transfer;
if (typeof transfer === 'function') detachers.push(['transfer()', (ab) => void transfer.call(ab)]);

// glibc serves (and on free, unmaps) blocks this large with mmap: a device
// access to freed memory faults rather than finding stale bytes.
const SIZE = 8 << 20;
const IN_FLIGHT = 4;

function filled(seed: number, size = SIZE): Uint8Array {
  const b = new Uint8Array(new ArrayBuffer(size));
  for (let i = 0; i < size; i += 512) b[i] = (i >>> 9) + seed;
  return b;
}

interface Slots {
  slots: { size: number; holdsBackingStores: boolean; holdCount(slot: number): number };
}
const holdsOf = (ctx: ContextWith<[ReturnType<typeof coreOps>]>): number => {
  let n = 0;
  for (const q of ctx.queues) {
    const s = (q as unknown as Slots).slots;
    for (let i = 0; i < s.size; i++) n += s.holdCount(i);
  }
  return n;
};

/** Settle `p`: its value, or the code of a typed error (anything else fails the test). */
async function settle<T>(p: Promise<T>): Promise<T | 'ERR_BUFFER_DETACHED'> {
  try {
    return await p;
  } catch (err) {
    expect(err).toMatchObject({ name: 'WarpdriveError', code: 'ERR_BUFFER_DETACHED' });
    return 'ERR_BUFFER_DETACHED';
  }
}

describe('coreOps requests whose buffers are detached in flight', () => {
  let ctx: ContextWith<[ReturnType<typeof coreOps>]> & CoreOpsMethods;
  beforeAll(async () => {
    ctx = (await createContext({ plugins: [coreOps()], workers: 1 })) as typeof ctx;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('pins on this (SVA) queue hold backing stores', () => {
    expect((ctx.queues[0] as unknown as Slots).slots.holdsBackingStores).toBe(true);
  });

  for (const [how, detach] of detachers) {
    it(`crc32(data): data detached by ${how} and collected; the CRC is still right`, async () => {
      const running = Array.from({ length: IN_FLIGHT }, (_, i) => {
        const data = filled(i + 1);
        return { want: zlibCrc32(data), p: ctx.crc32(data), ab: data.buffer as ArrayBuffer };
      });
      expect(holdsOf(ctx)).toBe(IN_FLIGHT); // one hold per pinned buffer, taken before any completion
      for (const r of running) detach(r.ab);
      collect();
      const junk = filled(0xee); // would take over freed memory
      for (const r of running) expect(await r.p).toBe(r.want);
      expect(junk[0]).toBe(0xee);
      expect(holdsOf(ctx)).toBe(0); // dropped as each CQE was reaped
    });

    it(`copy(src, dst): src detached by ${how} and collected; dst gets the original bytes`, async () => {
      const running = Array.from({ length: IN_FLIGHT }, (_, i) => {
        const src = filled(i + 1);
        const want = Buffer.from(src);
        const dst = new Uint8Array(SIZE);
        return { want, dst, p: ctx.copy(src, dst), ab: src.buffer as ArrayBuffer };
      });
      for (const r of running) detach(r.ab);
      collect();
      for (const r of running) {
        expect(await r.p).toBe(SIZE);
        expect(Buffer.from(r.dst.buffer).equals(r.want)).toBe(true);
      }
    });

    it(`copy(src, dst): dst detached by ${how}, the new owner dropped and collected; nothing crashes`, async () => {
      const running = Array.from({ length: IN_FLIGHT }, (_, i) => {
        const dst = new Uint8Array(SIZE);
        return { p: settle(ctx.copy(filled(i + 1), dst)), ab: dst.buffer as ArrayBuffer };
      });
      for (const r of running) detach(r.ab);
      collect();
      const junk = filled(0xdd);
      for (const r of running) expect(await r.p).toBe(SIZE); // the device wrote into the held memory
      expect(Buffer.from(junk).equals(filled(0xdd))).toBe(true); // no output landed in reused memory
    });
  }

  it('copy(src, dst): dst moved by structuredClone and kept; the new owner sees the copied bytes', async () => {
    const src = filled(7);
    const dst = new Uint8Array(SIZE);
    const p = ctx.copy(src, dst);
    const moved = structuredClone(dst.buffer, { transfer: [dst.buffer] });
    collect();
    expect(await p).toBe(SIZE);
    expect(Buffer.from(moved).equals(src)).toBe(true);
  });

  it('the held memory is freed once the requests completed', async () => {
    collect();
    const before = process.memoryUsage().arrayBuffers;
    const running = Array.from({ length: IN_FLIGHT }, (_, i) => {
      const data = filled(i + 1);
      const p = ctx.crc32(data);
      structuredClone(data.buffer, { transfer: [data.buffer as ArrayBuffer] });
      return p;
    });
    collect();
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThanOrEqual(IN_FLIGHT * SIZE); // held, not yet freed
    await Promise.all(running);
    collect();
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(SIZE);
  });

  it('a fresh request afterwards works', async () => {
    const data = Buffer.from('hello, world');
    expect(await ctx.crc32(data)).toBe(zlibCrc32(data));
    const dst = Buffer.alloc(data.length);
    expect(await ctx.copy(data, dst)).toBe(data.length);
    expect(dst.equals(data)).toBe(true);
    expect(holdsOf(ctx)).toBe(0);
  });
});

describe('closing a context with detached buffers in flight', () => {
  it('rejects with ERR_CONTEXT_CLOSED, releases the holds only once the device is quiescent, and a new context works', async () => {
    // No busy-poll after submit: completions are reaped only from the event
    // loop, so none can be reaped during the microtask checkpoint below.
    const ctx = await createContext({ plugins: [coreOps()], workers: 1, pollMicros: 0 });
    const running = Array.from({ length: IN_FLIGHT }, (_, i) => {
      const data = filled(i + 1);
      const p = ctx.crc32(data).then(
        () => 'ok',
        (err: { code?: string }) => err.code,
      );
      detachers[i % detachers.length]![1](data.buffer as ArrayBuffer);
      return p;
    });
    await Promise.resolve(); // let the batch be submitted
    const held = holdsOf(ctx);
    expect(held).toBe(IN_FLIGHT); // submitted (maybe even completed), none reaped yet
    const closed = ctx.close();
    expect(holdsOf(ctx)).toBe(held); // their promises are rejected now, but the device may still run them
    collect();
    const outcomes = await Promise.all(running);
    expect(outcomes.filter((o) => o === 'ERR_CONTEXT_CLOSED')).toHaveLength(held);
    expect(outcomes.filter((o) => o !== 'ERR_CONTEXT_CLOSED')).toEqual(Array(IN_FLIGHT - held).fill('ok'));
    await closed;
    expect(holdsOf(ctx)).toBe(0); // released once the queue reported quiescence
    const again = await createContext({ plugins: [coreOps()], workers: 1 });
    expect(await again.crc32(Buffer.from('x'))).toBe(zlibCrc32(Buffer.from('x')));
    await again.close();
  });
});

describe('zip and crypto requests whose buffers are detached in flight (child process, plugins from dist)', () => {
  const dist = (pkg: string): URL => new URL(`../../${pkg}/dist/index.js`, import.meta.url);
  const urls = [new URL('../dist/index.js', import.meta.url), dist('plugins-zip'), dist('plugins-crypto')];
  const missing = needs(urls.every((u) => existsSync(u)), 'the built core, zip and crypto packages (pnpm -r run build)');

  it.skipIf(missing)('compress and encrypt with detached data, out and aad: correct or ERR_BUFFER_DETACHED, never a crash', () => {
    const script = new URL('./fixtures/detach-plugins.mjs', import.meta.url);
    const r = spawnSync(process.execPath, ['--expose-gc', script.pathname, ...urls.map((u) => u.href)], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    const { outcomes, after } = JSON.parse(r.stdout) as { outcomes: Array<{ case: string; how: string; outcome: string }>; after: boolean };
    expect(outcomes.length).toBeGreaterThanOrEqual(6 * 3);
    for (const o of outcomes) {
      // An input detached in flight was held: its result is correct.
      const allowed = /out$/.test(o.case) ? ['correct', 'ERR_BUFFER_DETACHED'] : ['correct'];
      expect(allowed, `${o.case} (${o.how}): ${o.outcome}`).toContain(o.outcome);
    }
    expect(after).toBe(true);
  });
});
