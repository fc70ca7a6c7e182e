/**
 * Bad input of every kind → a typed WarpdriveError with a stable code
 * (never a crash, hang or silently short result), async, sync and streaming.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@warpdrive/core';
import zip, { type DecompressOptions } from '../src/index.js';
import { FORMATS, nodeCompress, realText } from './helpers.js';

const open = () => createContext({ plugins: [zip()] });
let ctx: Awaited<ReturnType<typeof open>>;
beforeAll(async () => {
  ctx = await open();
});
afterAll(() => ctx.close());

const text = realText(128 * 1024);
const gz = nodeCompress('gzip', text);
const zl = nodeCompress('zlib', text);
const raw = nodeCompress('deflate', text);

/** Expect async, sync and streaming decompression of `data` to fail with `code` (+ details). */
async function expectAll(data: Buffer, options: DecompressOptions, code: string, details?: Record<string, unknown>): Promise<void> {
  const match = details === undefined ? { code } : { code, details };
  await expect(ctx.decompress(data, options), 'async').rejects.toMatchObject(match);
  let syncError: unknown;
  try {
    ctx.decompressSync(data, options);
  } catch (err) {
    syncError = err;
  }
  expect(syncError, 'sync').toMatchObject(match);
  const stream = ctx.createDecompressStream(options);
  stream.resume();
  await expect(pipeline(Readable.from([data.subarray(0, 100), data.subarray(100)]), stream), 'stream').rejects.toMatchObject(match);
}

describe('corrupt data', () => {
  it('an invalid block type is ERR_DATA_CORRUPT reason stream', async () => {
    await expectAll(Buffer.from([0x07, 0x00, 0x00]), { format: 'deflate' }, 'ERR_DATA_CORRUPT', { reason: 'stream' });
  });
  it('a flipped byte in the deflate body of gzip and zlib is corrupt or a checksum mismatch', async () => {
    for (const [format, data, at] of [['gzip', gz, 200], ['zlib', zl, 200]] as const) {
      const bad = Buffer.from(data);
      bad[at] = bad[at]! ^ 0x55;
      const err = await ctx.decompress(bad, { format }).then(() => undefined, (e: unknown) => e);
      expect(err, format).toMatchObject({ code: 'ERR_DATA_CORRUPT' });
      expect(['stream', 'checksum']).toContain((err as { details: { reason: string } }).details.reason);
    }
  });
});

describe('truncated input → ERR_DATA_TRUNCATED', () => {
  for (const [format, data] of [['gzip', gz], ['zlib', zl], ['deflate', raw]] as const) {
    it(`${format}: cut in the header, in the body and before the trailer`, async () => {
      const cuts = format === 'deflate' ? [data.length >> 1, data.length - 1] : [1, data.length >> 1, data.length - 1, data.length - 3];
      for (const cut of cuts) await expectAll(data.subarray(0, cut), { format }, 'ERR_DATA_TRUNCATED');
    });
  }
  it('empty input with auto, gzip and zlib formats', async () => {
    for (const format of ['auto', 'gzip', 'zlib', 'deflate'] as const) {
      await expect(ctx.decompress(Buffer.alloc(0), { format }), format).rejects.toMatchObject({ code: 'ERR_DATA_TRUNCATED' });
    }
  });
});

describe('wrong format and bad headers → ERR_DATA_CORRUPT reason header', () => {
  it('zlib data read as gzip, gzip data read as zlib, random bytes read as auto', async () => {
    await expectAll(zl, { format: 'gzip' }, 'ERR_DATA_CORRUPT', { reason: 'header' });
    await expectAll(gz, { format: 'zlib' }, 'ERR_DATA_CORRUPT', { reason: 'header' });
    await expectAll(Buffer.from('this is not compressed at all'), {}, 'ERR_DATA_CORRUPT', { reason: 'header' });
  });
  it('gzip with an unknown method or reserved flag bits; zlib with FDICT or a bad FCHECK', async () => {
    const method = Buffer.from(gz);
    method[2] = 7;
    await expectAll(method, {}, 'ERR_DATA_CORRUPT', { reason: 'header' });
    const flags = Buffer.from(gz);
    flags[3] = 0x80;
    await expectAll(flags, {}, 'ERR_DATA_CORRUPT', { reason: 'header' });
    const fdict = Buffer.from(zl);
    fdict[1] = 0x20 | 0;
    fdict[1] += 31 - ((fdict[0]! * 256 + fdict[1]!) % 31);
    await expectAll(fdict, { format: 'zlib' }, 'ERR_DATA_CORRUPT', { reason: 'header' });
    const fcheck = Buffer.from(zl);
    fcheck[1] = fcheck[1]! ^ 1;
    await expectAll(fcheck, { format: 'zlib' }, 'ERR_DATA_CORRUPT', { reason: 'header' });
  });
});

describe('bad checksums → ERR_DATA_CORRUPT reason checksum', () => {
  it('gzip CRC32, gzip ISIZE, zlib Adler-32', async () => {
    const crc = Buffer.from(gz);
    crc[crc.length - 8] = crc[crc.length - 8]! ^ 1;
    await expectAll(crc, {}, 'ERR_DATA_CORRUPT', { reason: 'checksum' });
    const isize = Buffer.from(gz);
    isize[isize.length - 1] = isize[isize.length - 1]! ^ 1;
    await expectAll(isize, {}, 'ERR_DATA_CORRUPT', { reason: 'checksum' });
    const adler = Buffer.from(zl);
    adler[adler.length - 1] = adler[adler.length - 1]! ^ 1;
    await expectAll(adler, {}, 'ERR_DATA_CORRUPT', { reason: 'checksum' });
  });
});

describe('trailing garbage → ERR_DATA_CORRUPT reason trailing-data', () => {
  it('after a gzip, zlib or raw deflate stream', async () => {
    for (const [format, data] of [['gzip', gz], ['zlib', zl], ['deflate', raw]] as const) {
      await expectAll(Buffer.concat([data, Buffer.from('junk')]), { format }, 'ERR_DATA_CORRUPT', { reason: 'trailing-data' });
    }
  });
  it('a second member when multiMember is false', async () => {
    await expectAll(Buffer.concat([gz, gz]), { multiMember: false }, 'ERR_DATA_CORRUPT', { reason: 'trailing-data' });
  });
});

/** A real bomb: `mib` MiB of zeros as gzip, built from one full-flushed 1 MiB block repeated. */
function zeroBomb(mib: number): Buffer {
  const block = zlib.deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  let crc = 0;
  const zeros = Buffer.alloc(1 << 20);
  for (let i = 0; i < mib; i++) crc = zlib.crc32(zeros, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((mib * (1 << 20)) >>> 0, 4);
  const head = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  return Buffer.concat([head, ...Array.from({ length: mib }, () => block), Buffer.from([1, 0, 0, 0xff, 0xff]), trailer]);
}

describe('maxOutputLength → ERR_OUTPUT_LIMIT', () => {
  it('exactly the output length passes; one byte less fails, for every format', async () => {
    for (const format of FORMATS) {
      const c = nodeCompress(format, text);
      expect((await ctx.decompress(c, { format, maxOutputLength: text.length })).length).toBe(text.length);
      expect(ctx.decompressSync(c, { format, maxOutputLength: text.length }).length).toBe(text.length);
      await expectAll(c, { format, maxOutputLength: text.length - 1 }, 'ERR_OUTPUT_LIMIT');
    }
  });

  it('a limit up to 7 bytes below a small output fails too (the output slab aligns regions, not capacities)', async () => {
    // 3000 is a multiple of 8: a capacity rounded up from any of these limits would hold it all
    const small = text.subarray(0, 3000);
    for (const format of FORMATS) {
      const c = nodeCompress(format, small);
      for (let limit = small.length - 7; limit < small.length; limit++) await expectAll(c, { format, maxOutputLength: limit }, 'ERR_OUTPUT_LIMIT');
    }
  });

  it('the bomb construction is valid gzip (checked on a 4 MiB one)', () => {
    expect(zlib.gunzipSync(zeroBomb(4)).equals(Buffer.alloc(4 << 20))).toBe(true);
  });

  it('a 1 GiB decompression bomb stops at a 1 MiB limit quickly (one-shot, sync and stream)', async () => {
    const bomb = zeroBomb(1024);
    expect(bomb.length).toBeLessThan(2 << 20);
    for (const format of ['auto', 'gzip'] as const) {
      const t0 = performance.now();
      await expectAll(bomb, { format, maxOutputLength: 1 << 20 }, 'ERR_OUTPUT_LIMIT');
      expect(performance.now() - t0).toBeLessThan(3000);
    }
    // Without the ISIZE hint (raw deflate): the chunked path stops at the limit too.
    const rawBomb = bomb.subarray(10, bomb.length - 8);
    const t0 = performance.now();
    await expectAll(rawBomb, { format: 'deflate', maxOutputLength: 4 << 20 }, 'ERR_OUTPUT_LIMIT');
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

describe('invalid arguments → ERR_INVALID_ARGUMENT naming the option', () => {
  const cases: [string, () => unknown, string][] = [
    ['level 10', () => ctx.compressSync(text, { level: 10 as 9 }), 'options.level'],
    ['level -1', () => ctx.compressSync(text, { level: -1 as 0 }), 'options.level'],
    ['level 1.5', () => ctx.compressSync(text, { level: 1.5 as 1 }), 'options.level'],
    ["level 'fast'", () => ctx.compressSync(text, { level: 'fast' as 'fastest' }), 'options.level'],
    ["format 'zip'", () => ctx.compressSync(text, { format: 'zip' as 'gzip' }), 'options.format'],
    ["compress format 'auto'", () => ctx.compressSync(text, { format: 'auto' as 'gzip' }), 'options.format'],
    ['unknown option', () => ctx.compressSync(text, { lvl: 1 } as object), 'options.lvl'],
    ['options not an object', () => ctx.compressSync(text, 'gzip' as unknown as object), 'options'],
    ['gzip header with zlib format', () => ctx.compressSync(text, { format: 'zlib', gzip: { name: 'x' } }), 'options.gzip'],
    ['gzip name with NUL', () => ctx.compressSync(text, { gzip: { name: 'a\0b' } }), 'options.gzip.name'],
    ['gzip name not Latin-1', () => ctx.compressSync(text, { gzip: { name: 'snow☃' } }), 'options.gzip.name'],
    ['gzip mtime negative', () => ctx.compressSync(text, { gzip: { mtime: -1 } }), 'options.gzip.mtime'],
    ['gzip os 256', () => ctx.compressSync(text, { gzip: { os: 256 } }), 'options.gzip.os'],
    ['maxOutputLength 0', () => ctx.decompressSync(gz, { maxOutputLength: 0 }), 'options.maxOutputLength'],
    ['maxOutputLength 1.5', () => ctx.decompressSync(gz, { maxOutputLength: 1.5 }), 'options.maxOutputLength'],
    ["multiMember 'yes'", () => ctx.decompressSync(gz, { multiMember: 'yes' as unknown as boolean }), 'options.multiMember'],
    ["decompress format 'zip'", () => ctx.decompressSync(gz, { format: 'zip' as 'gzip' }), 'options.format'],
    ['stream chunkSize 1', () => ctx.createCompressStream({ chunkSize: 1 }), 'options.chunkSize'],
    ['data a string', () => ctx.compressSync('text' as unknown as Buffer), 'data'],
    ['data null', () => ctx.decompressSync(null as unknown as Buffer), 'data'],
  ];
  for (const [name, fn, argument] of cases) {
    it(`${name} → ${argument}`, async () => {
      expect(fn).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', details: expect.objectContaining({ argument }) }));
    });
  }
  it('the async forms reject (never throw synchronously)', async () => {
    const p = ctx.compress(text, { level: 42 as 9 });
    await expect(p).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(ctx.decompress(gz, { maxOutputLength: -5 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
  it('a detached input buffer → ERR_BUFFER_DETACHED', async () => {
    const ab = new ArrayBuffer(16);
    const view = new Uint8Array(ab);
    structuredClone(ab, { transfer: [ab] });
    await expect(ctx.compress(view)).rejects.toMatchObject({ code: 'ERR_BUFFER_DETACHED' });
  });
});

describe('fuzz: mutated and random inputs never crash or return a short result silently', () => {
  it('2000 mutated gzip/zlib/deflate inputs: either the exact original or a typed data error', async () => {
    const small = realText(8192);
    const originals = FORMATS.map((format) => ({ format, data: nodeCompress(format, small) }));
    const codes = new Set(['ERR_DATA_CORRUPT', 'ERR_DATA_TRUNCATED', 'ERR_OUTPUT_LIMIT']);
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 2000; i++) {
      const { format, data } = originals[i % 3]!;
      const bad = Buffer.from(data);
      const flips = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < flips; k++) bad[Math.floor(rnd() * bad.length)] = Math.floor(rnd() * 256);
      const cut = rnd() < 0.2 ? bad.subarray(0, Math.floor(rnd() * bad.length)) : bad;
      try {
        const out = ctx.decompressSync(cut, { format, maxOutputLength: 1 << 20 });
        // Raw deflate has no checksum: a mutation may decode to other data.
        if (format !== 'deflate') expect(out.equals(small), `mutation ${i} decoded to different data`).toBe(true);
      } catch (err) {
        expect(codes.has((err as { code: string }).code), `mutation ${i}: ${String(err)}`).toBe(true);
      }
    }
    for (let i = 0; i < 200; i++) {
      const junk = randomBytes(1 + Math.floor(rnd() * 4096));
      try {
        ctx.decompressSync(junk, { format: FORMATS[i % 3]!, maxOutputLength: 1 << 20 });
      } catch (err) {
        expect(codes.has((err as { code: string }).code), String(err)).toBe(true);
      }
    }
  });
});
