// decompress(data, { out }): decompression into the caller's memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, WarpdriveError } from '@warpdrive/core';
import zip from '../src/index.js';
import { FORMATS, nodeCompress, realText } from './helpers.js';

type Ctx = Awaited<ReturnType<typeof open>>;
const open = () => createContext({ plugins: [zip()] });
let ctx: Ctx;
beforeAll(async () => {
  ctx = await open();
});
afterAll(() => ctx.close());

const code = async (p: Promise<unknown> | (() => unknown)): Promise<string | undefined> => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(WarpdriveError);
    return (err as WarpdriveError).code;
  }
  return undefined;
};

describe('decompress into options.out', () => {
  // 100 KiB crosses the inline threshold (async runs queued); 2 KiB runs inline.
  for (const size of [2 * 1024, 100 * 1024]) {
    for (const format of FORMATS) {
      it(`${format} ${size} B: the result is a view of out, async and sync`, async () => {
        const text = realText(size);
        const c = nodeCompress(format, text, 6);
        const out = Buffer.alloc(size + 100, 0xee);
        const r = await ctx.decompress(c, { format, out });
        expect(r.equals(text)).toBe(true);
        expect(r.buffer).toBe(out.buffer);
        expect(r.byteOffset).toBe(out.byteOffset);
        expect(out[size]).toBe(0xee); // nothing written past the data
        out.fill(0);
        const s = ctx.decompressSync(c, { format, out });
        expect(s.equals(text)).toBe(true);
        expect(s.buffer).toBe(out.buffer);
      });
    }
  }

  it('accepts a view at an offset, a DataView, an ArrayBuffer and a SharedArrayBuffer', async () => {
    const text = realText(40 * 1024);
    const c = nodeCompress('gzip', text, 6);
    const big = new ArrayBuffer(100 * 1024);
    const r1 = await ctx.decompress(c, { out: new Uint8Array(big, 4096, 50 * 1024) });
    expect(r1.equals(text)).toBe(true);
    expect(r1.byteOffset).toBe(4096);
    expect((await ctx.decompress(c, { out: new DataView(big, 8) })).byteOffset).toBe(8);
    expect((await ctx.decompress(c, { out: big })).equals(text)).toBe(true);
    const sab = new SharedArrayBuffer(64 * 1024);
    const r2 = await ctx.decompress(c, { out: sab });
    expect(r2.equals(text)).toBe(true);
    expect(Buffer.from(sab, 0, text.length).equals(text)).toBe(true);
  });

  it('an exact fit and empty data work', async () => {
    const text = realText(70 * 1024);
    const c = nodeCompress('zlib', text, 1);
    expect((await ctx.decompress(c, { format: 'zlib', out: Buffer.alloc(text.length) })).equals(text)).toBe(true);
    const empty = nodeCompress('gzip', Buffer.alloc(0), 6);
    expect((await ctx.decompress(empty, { out: Buffer.alloc(0) })).length).toBe(0);
    expect(ctx.decompressSync(empty, { out: new Uint8Array(0) }).length).toBe(0);
  });

  it('one out per lane, reused: many requests in flight stay correct', async () => {
    const texts = Array.from({ length: 16 }, (_, i) => realText(64 * 1024 + i * 1000));
    const inputs = texts.map((t) => nodeCompress('gzip', t, 6));
    const lanes = Array.from({ length: 4 }, () => Buffer.allocUnsafe(80 * 1024));
    await Promise.all(
      lanes.map(async (out, lane) => {
        for (let round = 0; round < 3; round++) {
          for (let i = lane; i < inputs.length; i += lanes.length) {
            const r = await ctx.decompress(inputs[i]!, { out });
            expect(r.equals(texts[i]!)).toBe(true);
          }
        }
      }),
    );
  });

  it('data that does not fit: ERR_BUFFER_TOO_SMALL naming options.out, async and sync', async () => {
    const text = realText(100 * 1024);
    for (const format of FORMATS) {
      const c = nodeCompress(format, text, 6);
      const out = Buffer.alloc(text.length - 1);
      for (const run of [() => ctx.decompress(c, { format, out }), () => ctx.decompressSync(c, { format, out })]) {
        try {
          await run();
          expect.unreachable('no error');
        } catch (err) {
          expect(err).toBeInstanceOf(WarpdriveError);
          expect((err as WarpdriveError).code).toBe('ERR_BUFFER_TOO_SMALL');
          expect((err as WarpdriveError).message).toMatch(/options\.out/);
          expect((err as WarpdriveError).details).toMatchObject({ argument: 'options.out', length: text.length - 1 });
        }
      }
    }
  });

  it('maxOutputLength still caps a larger out: ERR_OUTPUT_LIMIT', async () => {
    const text = realText(100 * 1024);
    const c = nodeCompress('gzip', text, 6);
    const out = Buffer.alloc(200 * 1024);
    expect(await code(ctx.decompress(c, { out, maxOutputLength: 50 * 1024 }))).toBe('ERR_OUTPUT_LIMIT');
    expect(await code(() => ctx.decompressSync(c, { out, maxOutputLength: 50 * 1024 }))).toBe('ERR_OUTPUT_LIMIT');
    expect((await ctx.decompress(c, { out, maxOutputLength: text.length })).equals(text)).toBe(true);
  });

  it('bad out: not bytes, overlapping data, detached — typed errors, and the context still works', async () => {
    const text = realText(8 * 1024);
    const c = nodeCompress('gzip', text, 6);
    for (const bad of [[1, 2, 3], 'buffer', 42, null, {}]) {
      const got = await code(ctx.decompress(c, { out: bad as unknown as Uint8Array }));
      expect(got).toBe('ERR_INVALID_ARGUMENT');
    }
    const shared = Buffer.alloc(64 * 1024);
    c.copy(shared, 1000);
    const data = shared.subarray(1000, 1000 + c.length);
    expect(await code(ctx.decompress(data, { out: shared }))).toBe('ERR_INVALID_ARGUMENT');
    expect(await code(() => ctx.decompressSync(data, { out: shared.subarray(0, 1001) }))).toBe('ERR_INVALID_ARGUMENT');
    // adjacent but disjoint views of one ArrayBuffer are fine
    expect((await ctx.decompress(data, { out: shared.subarray(1000 + c.length) })).equals(text)).toBe(true);
    const ab = new ArrayBuffer(16 * 1024);
    const view = new Uint8Array(ab);
    structuredClone(ab, { transfer: [ab] });
    expect(await code(ctx.decompress(c, { out: ab }))).toBe('ERR_BUFFER_DETACHED');
    expect(await code(() => ctx.decompressSync(c, { out: view }))).toBe('ERR_BUFFER_DETACHED');
    expect((await ctx.decompress(c)).equals(text)).toBe(true);
  });

  it('streams do not take out', async () => {
    expect(await code(() => ctx.createDecompressStream({ out: Buffer.alloc(10) } as never))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('an options object reused with and without out is honoured each time', async () => {
    const text = realText(50 * 1024);
    const c = nodeCompress('gzip', text, 6);
    const opts: { format: 'gzip'; out?: Buffer } = { format: 'gzip' };
    const a = await ctx.decompress(c, opts);
    const out = Buffer.alloc(60 * 1024);
    opts.out = out;
    const b = await ctx.decompress(c, opts);
    expect(b.buffer).toBe(out.buffer);
    delete opts.out;
    const d = await ctx.decompress(c, opts);
    expect(d.buffer).not.toBe(out.buffer);
    expect(a.equals(text) && b.equals(text) && d.equals(text)).toBe(true);
  });
});
