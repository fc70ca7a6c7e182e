// compress/decompress(data, { out }): one-shot calls into the caller's memory.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { WarpdriveError } from '@warpdrive/core';
import { fileContext, FORMATS, nodeCompress, nodeDecompress, openZip, realText, type ZipContext } from './helpers.js';

let ctx: ZipContext;
fileContext((c) => (ctx = c));

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
        const out = Buffer.alloc(size + 100);
        const r = await ctx.decompress(c, { format, out });
        expect(r.equals(text)).toBe(true);
        expect(r.buffer).toBe(out.buffer);
        expect(r.byteOffset).toBe(out.byteOffset);
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

  it('data that does not fit: ERR_OUTPUT_TOO_SMALL naming options.out, async and sync', async () => {
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
          expect((err as WarpdriveError).code).toBe('ERR_OUTPUT_TOO_SMALL');
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
    try {
      ctx.createDecompressStream({ out: Buffer.alloc(10) } as never);
      expect.unreachable('no error');
    } catch (err) {
      expect((err as WarpdriveError).code).toBe('ERR_INVALID_ARGUMENT');
      expect((err as WarpdriveError).details).toMatchObject({ argument: 'options.out' });
    }
  });

  it('out over another SharedArrayBuffer object of the same memory still counts as overlapping', async () => {
    const text = realText(20 * 1024);
    const c = nodeCompress('gzip', text, 6);
    const sab = new SharedArrayBuffer(64 * 1024);
    const clone = structuredClone(sab);
    expect(clone).not.toBe(sab);
    new Uint8Array(sab).set(c, 0);
    const data = new Uint8Array(sab, 0, c.length);
    expect(await code(ctx.decompress(data, { out: new Uint8Array(clone, 100) }))).toBe('ERR_INVALID_ARGUMENT');
    expect(await code(ctx.compress(new Uint8Array(sab, 0, 5000), { out: new Uint8Array(clone, 4000) }))).toBe('ERR_INVALID_ARGUMENT');
    // disjoint parts of the same memory are fine
    expect((await ctx.decompress(data, { out: new Uint8Array(clone, 32 * 1024) })).equals(text)).toBe(true);
  });

  it('a resizable ArrayBuffer out is refused on every path; an ArrayBuffer of another realm is accepted, a fake one is not', async () => {
    const text = realText(8 * 1024);
    const c = nodeCompress('gzip', text, 6);
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;
    const rab = new Resizable(16 * 1024, { maxByteLength: 64 * 1024 });
    for (const run of [() => ctx.decompress(c, { out: rab }), () => ctx.decompressSync(c, { out: rab }), () => ctx.compress(text, { out: rab })]) {
      try {
        await run();
        expect.unreachable('no error');
      } catch (err) {
        expect((err as WarpdriveError).code).toBe('ERR_INVALID_ARGUMENT');
        expect((err as WarpdriveError).details).toMatchObject({ argument: 'options.out' });
      }
    }
    const foreign = runInNewContext('new ArrayBuffer(16384)') as ArrayBuffer;
    expect((await ctx.decompress(c, { out: foreign })).equals(text)).toBe(true);
    const fake = Object.create(ArrayBuffer.prototype) as ArrayBuffer;
    expect(await code(ctx.decompress(c, { out: fake }))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('ctx.close() with requests into out in flight: they finish, and out is not written after its promise settled', async () => {
    const own = await openZip();
    const big = realText(4 << 20);
    const outs = Array.from({ length: 3 }, () => Buffer.alloc(big.length + 4096));
    // a snapshot of each out at the moment its promise settles
    const runs = outs.map((out) =>
      own.compress(big, { level: 9, out }).then(
        (r) => ({ outcome: 'ok', at: Buffer.from(out), r }),
        (err: WarpdriveError) => ({ outcome: err.code, at: Buffer.from(out), r: undefined }),
      ),
    );
    await own.close();
    const settled = await Promise.all(runs);
    await new Promise((r) => setTimeout(r, 300));
    settled.forEach(({ outcome, at, r }, i) => {
      expect(outcome).toBe('ok');
      expect(outs[i]!.equals(at)).toBe(true);
      expect(nodeDecompress('gzip', r!).equals(big)).toBe(true);
    });
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

describe('compress into options.out', () => {
  for (const format of FORMATS) {
    for (const level of [0, 1, 6, 9] as const) {
      it(`${format} level ${level}: a view of out that node:zlib reads, async and sync; same bytes as without out`, async () => {
        const text = realText(100 * 1024);
        const out = Buffer.alloc(text.length + 1024);
        const r = await ctx.compress(text, { format, level, out });
        expect(r.buffer).toBe(out.buffer);
        expect(r.byteOffset).toBe(out.byteOffset);
        expect(nodeDecompress(format, r).equals(text)).toBe(true);
        expect(r.equals(await ctx.compress(text, { format, level }))).toBe(true);
        const s = ctx.compressSync(text, { format, level, out: new Uint8Array(out.buffer, 8, out.length - 8) });
        expect(s.byteOffset).toBe(8);
        expect(nodeDecompress(format, s).equals(text)).toBe(true);
      });
    }
  }

  it('a gzip header and empty data', async () => {
    const out = Buffer.alloc(1024);
    const r = await ctx.compress(Buffer.alloc(0), { out, gzip: { name: 'a.txt', mtime: 7 } });
    expect(nodeDecompress('gzip', r).length).toBe(0);
    expect(r.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))).toBe(true);
  });

  it('output that does not fit: ERR_OUTPUT_TOO_SMALL naming options.out; the context still works', async () => {
    const noise = randomBytes(64 * 1024);
    for (const level of [0, 1, 6] as const) {
      const out = Buffer.alloc(noise.length); // incompressible data needs a little more than its own size
      for (const run of [() => ctx.compress(noise, { level, out }), () => ctx.compressSync(noise, { level, out })]) {
        try {
          await run();
          expect.unreachable('no error');
        } catch (err) {
          expect((err as WarpdriveError).code).toBe('ERR_OUTPUT_TOO_SMALL');
          expect((err as WarpdriveError).details).toMatchObject({ argument: 'options.out', length: noise.length });
        }
      }
    }
    expect(await code(ctx.compress(realText(4096), { out: Buffer.alloc(5) }))).toBe('ERR_OUTPUT_TOO_SMALL');
    expect(nodeDecompress('gzip', await ctx.compress(noise)).equals(noise)).toBe(true);
  });

  it('bad out: not bytes, overlapping data, detached', async () => {
    const text = realText(8 * 1024);
    for (const bad of [[1, 2, 3], 'buffer', 42, null, {}]) {
      expect(await code(ctx.compress(text, { out: bad as unknown as Uint8Array }))).toBe('ERR_INVALID_ARGUMENT');
    }
    const shared = Buffer.alloc(64 * 1024);
    text.copy(shared, 0);
    expect(await code(ctx.compress(shared.subarray(0, text.length), { out: shared.subarray(100) }))).toBe('ERR_INVALID_ARGUMENT');
    expect(await code(() => ctx.compressSync(shared.subarray(0, text.length), { out: shared }))).toBe('ERR_INVALID_ARGUMENT');
    const ab = new ArrayBuffer(16 * 1024);
    structuredClone(ab, { transfer: [ab] });
    expect(await code(ctx.compress(text, { out: ab }))).toBe('ERR_BUFFER_DETACHED');
    expect(await code(() => ctx.createCompressStream({ out: Buffer.alloc(10) } as never))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('an earlier small result (a view of the output slab) used as out is never handed out again', () => {
    // 305 random bytes are stored: 328 bytes of gzip, a multiple of the slab's
    // alignment, so `first` ends exactly where the slab's next region starts
    const noise = randomBytes(305);
    const first = ctx.compressSync(noise); // carved from the context's slab
    expect(first.length % 8).toBe(0);
    const zeros = Buffer.alloc(300);
    const again = ctx.compressSync(zeros, { out: first }); // ~25 bytes into the front of `first`
    expect(again.buffer).toBe(first.buffer);
    const tail = Buffer.from(first.subarray(again.length)); // the caller still owns these bytes
    const later = [ctx.compressSync(noise), ctx.decompressSync(ctx.compressSync(noise)), ctx.compressSync(realText(200))];
    expect(first.subarray(again.length).equals(tail)).toBe(true);
    expect(nodeDecompress('gzip', again).equals(zeros)).toBe(true);
    expect(nodeDecompress('gzip', later[0]!).equals(noise)).toBe(true);
    const gz = nodeCompress('gzip', Buffer.alloc(100), 6);
    const carrier = ctx.compressSync(noise);
    expect(carrier.length % 8).toBe(0);
    const into = ctx.decompressSync(gz, { out: carrier });
    const carrierTail = Buffer.from(carrier.subarray(100));
    ctx.compressSync(realText(300));
    expect(into.equals(Buffer.alloc(100))).toBe(true);
    expect(carrier.subarray(100).equals(carrierTail)).toBe(true);
  });
});
