/**
 * plugin-zip on the wd_soft kernel device (/dev/wd_soft-N): the shared
 * conformance suite with a 'kernel' backend, plus byte-identity against a
 * soft-device context (decompress results and errors, level-0 output) and
 * interop of compressed output both ways (kernel zlib vs the soft engines,
 * node:zlib). The kernel device has no inline path, so the *Sync methods
 * are not part of its conformance target.
 *
 * Not run on the host (vitest.config.ts excludes it unless WARPDRIVE_DEVICE
 * is set); the QEMU guest of driver/test/qemu/run.sh runs it with
 * WARPDRIVE_DEVICE=wd_soft-0 and CI=1, where a missing device fails.
 */
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { createContext } from '@warpdrive/core';
import { defineConformanceSuite } from '@warpdrive/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zip, { type CompressOptions, type ZipFormat } from '../src/index.js';
import { zipConformanceTarget } from './conformance-spec.js';
import { FORMATS, nodeCompress, nodeDecompress, realText } from './helpers.js';
import { needs } from '../../conformance/needs.js';

const env = process.env.WARPDRIVE_DEVICE;
const DEVICE = env !== undefined && env.startsWith('wd_soft-') ? env : 'wd_soft-0';
const hasDevice = existsSync(`/dev/${DEVICE}`);
const skipKernel = needs(hasDevice, `no /dev/${DEVICE} (the kernel-device tests run in the QEMU guest: pnpm test:driver)`);

const openKernel = (o: { queues?: number } = {}) => createContext({ plugins: [zip()], device: DEVICE, depth: 64, queues: o.queues ?? 1 });
const openSoft = () => createContext({ plugins: [zip()], device: 'soft', workers: 1 });
type Ctx = Awaited<ReturnType<typeof openKernel>>;

// Kept small: the guest runs under TCG.
const text = realText(96 * 1024);
const noise = Buffer.from(Array.from({ length: 40000 }, (_, i) => (i * 2654435761) >>> 13 & 0xff));
const gz = nodeCompress('gzip', text);

/** The outcome of a call: bytes, or the error's code and reason. */
async function outcome(p: Promise<Buffer>): Promise<{ ok: string } | { code: string; reason: unknown }> {
  try {
    return { ok: (await p).toString('base64') };
  } catch (err) {
    const e = err as { code: string; details?: { reason?: unknown } };
    return { code: e.code, reason: e.details?.reason };
  }
}

/** Valid and damaged inputs of one format: truncated, flipped, trailing. */
function damaged(format: ZipFormat, input: Buffer = text): { name: string; data: Buffer }[] {
  const good = nodeCompress(format, input, 6);
  const out = [{ name: 'valid', data: good }, { name: 'trailing', data: Buffer.concat([good, Buffer.from('xyz')]) }];
  for (const cut of [1, 5, 9, good.length >> 1, good.length - 5, good.length - 1]) out.push({ name: `cut at ${cut}`, data: good.subarray(0, cut) });
  for (const at of [0, 1, 3, 12, good.length >> 2, good.length >> 1, good.length - 6, good.length - 2]) {
    const b = Buffer.from(good);
    b[at] = b[at]! ^ 0x5a;
    out.push({ name: `byte ${at} flipped`, data: b });
  }
  return out;
}

if (!skipKernel) {
  defineConformanceSuite(zipConformanceTarget<Ctx>({
    backend: { name: 'kernel', open: (o) => openKernel({ ...(o?.queues === undefined ? {} : { queues: o.queues }) }) },
    samples: [{ name: 'empty', data: Buffer.alloc(0) }, { name: '1 byte', data: Buffer.from([0x42]) }, { name: '96 KiB text', data: text }, { name: 'noise', data: noise }],
    text,
    // The kernel device has no inline path: the *Sync forms are refused.
    sync: false,
    extraBadInput: [{ name: 'the sync API has no inline path here', run: (ctx) => Promise.resolve().then(() => ctx.compressSync(text)), code: 'ERR_UNSUPPORTED_OPERATION' }],
    concurrency: { inFlight: 48, queues: 3, base: 2048 },
  }));
}

describe.skipIf(skipKernel)(`zip on the kernel device ${DEVICE} vs the soft device`, () => {
  let kernel: Ctx;
  let soft: Awaited<ReturnType<typeof openSoft>>;
  beforeAll(async () => {
    kernel = await openKernel({ queues: 2 });
    soft = await openSoft();
  });
  afterAll(async () => {
    await kernel?.close();
    await soft?.close();
  });

  it('decompress: identical bytes or identical error code and reason, for valid and damaged input', async () => {
    for (const format of FORMATS) {
      for (const { name, data } of damaged(format)) {
        const k = await outcome(kernel.decompress(data, { format }));
        const s = await outcome(soft.decompress(data, { format }));
        expect(k, `${format} ${name}`).toEqual(s);
      }
    }
    const twoMembers = Buffer.concat([nodeCompress('gzip', text.subarray(0, 5000)), nodeCompress('gzip', text.subarray(5000), 1)]);
    for (const o of [{ format: 'auto' as const }, { format: 'gzip' as const, multiMember: true }, { format: 'gzip' as const, multiMember: false }]) {
      expect(await outcome(kernel.decompress(twoMembers, o))).toEqual(await outcome(soft.decompress(twoMembers, o)));
    }
  });

  it('decompress streams: identical bytes or identical error code and reason, in 500-byte writes', async () => {
    const small = text.subarray(0, 12 * 1024);
    const streamed = (ctx: Ctx | Awaited<ReturnType<typeof openSoft>>, data: Buffer, format: ZipFormat) => {
      const d = ctx.createDecompressStream({ format, chunkSize: 2048 });
      const out: Buffer[] = [];
      d.on('data', (b: Buffer) => out.push(b));
      const pieces = Array.from({ length: Math.ceil(data.length / 500) }, (_, j) => data.subarray(j * 500, (j + 1) * 500));
      return pipeline(Readable.from(pieces), d).then(() => Buffer.concat(out));
    };
    for (const format of FORMATS) {
      for (const { name, data } of damaged(format, small)) {
        expect(await outcome(streamed(kernel, data, format)), `${format} ${name}`).toEqual(await outcome(streamed(soft, data, format)));
      }
    }
    expect(await kernel.zipLiveStreams()).toBe(0);
  });

  it('level 0 output is byte-identical, with and without a gzip header option', async () => {
    for (const format of FORMATS) {
      for (const data of [Buffer.alloc(0), text, noise]) {
        expect(Buffer.compare(await kernel.compress(data, { format, level: 0 }), await soft.compress(data, { format, level: 0 }))).toBe(0);
      }
    }
    const gzip = { name: 'file.txt', comment: 'kernel', mtime: 1700000000, extra: Buffer.from('ab') };
    expect(Buffer.compare(await kernel.compress(text, { format: 'gzip', level: 0, gzip }), await soft.compress(text, { format: 'gzip', level: 0, gzip }))).toBe(0);
  });

  it('kernel output decodes with node:zlib and the soft device, and the soft device output with the kernel', async () => {
    for (const format of FORMATS) {
      for (const level of [1, 6, 9] as const) {
        const k = await kernel.compress(text, { format, level });
        expect(nodeDecompress(format, k).equals(text), `${format} ${level} node`).toBe(true);
        expect((await soft.decompress(k, { format })).equals(text), `${format} ${level} soft`).toBe(true);
        const s = await soft.compress(text, { format, level });
        expect((await kernel.decompress(s, { format })).equals(text), `${format} ${level} kernel`).toBe(true);
      }
    }
  });

  it('streams on the kernel device: compress, decompress in small writes, flush, several at once over two queues', async () => {
    const run = async (format: ZipFormat, i: number) => {
      const chunks: Buffer[] = [];
      const c = kernel.createCompressStream({ format, level: (i % 9 + 1) as 1, chunkSize: 4096 });
      c.on('data', (b: Buffer) => chunks.push(b));
      await pipeline(Readable.from([text.subarray(0, 30000), text.subarray(30000)]), c);
      const packed = Buffer.concat(chunks);
      expect(nodeDecompress(format, packed).equals(text)).toBe(true);
      const out: Buffer[] = [];
      const d = kernel.createDecompressStream({ format, chunkSize: 1024 });
      d.on('data', (b: Buffer) => out.push(b));
      const pieces = Array.from({ length: Math.ceil(packed.length / 777) }, (_, j) => packed.subarray(j * 777, (j + 1) * 777));
      await pipeline(Readable.from(pieces), d);
      expect(Buffer.concat(out).equals(text)).toBe(true);
    };
    await Promise.all(FORMATS.flatMap((f, i) => [run(f, i), run(f, i + 3)]));
    // a sync flush makes what was written so far decodable
    const c = kernel.createCompressStream({ format: 'deflate', level: 6 });
    const got: Buffer[] = [];
    c.on('data', (b: Buffer) => got.push(b));
    c.write(text.subarray(0, 1000));
    await new Promise<void>((resolve) => c.flush('sync', resolve));
    expect(zlib.inflateRawSync(Buffer.concat(got), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).equals(text.subarray(0, 1000))).toBe(true);
    c.end();
    await new Promise((resolve) => c.on('end', resolve));
    expect(await kernel.zipLiveStreams()).toBe(0);
  });

  it('options.out: compress and decompress into the caller\'s memory; a short out is ERR_OUTPUT_TOO_SMALL, as on the soft device', async () => {
    const out = Buffer.alloc(128 * 1024);
    for (const format of FORMATS) {
      const c = await kernel.compress(text, { format, level: 6, out });
      expect(c.buffer).toBe(out.buffer);
      const packed = Buffer.from(c);
      // the kernel engine is the kernel's zlib: its own bytes, not the soft engines'
      expect(packed.equals(await kernel.compress(text, { format, level: 6 }))).toBe(true);
      expect(nodeDecompress(format, packed).equals(text)).toBe(true);
      const d = await kernel.decompress(packed, { format, out });
      expect(d.buffer).toBe(out.buffer);
      expect(d.equals(text)).toBe(true);
      for (const ctx of [kernel, soft]) {
        await expect(ctx.decompress(packed, { format, out: out.subarray(0, text.length - 1) })).rejects.toMatchObject({ code: 'ERR_OUTPUT_TOO_SMALL' });
        await expect(ctx.compress(noise, { format, level: 1, out: out.subarray(0, 100) })).rejects.toMatchObject({ code: 'ERR_OUTPUT_TOO_SMALL' });
      }
    }
  });

  it('decompress of unknown size falls back to a stream on the same kernel queue', async () => {
    const big = Buffer.alloc(3 << 20, 'a');
    const packed = zlib.gzipSync(big);
    expect((await kernel.decompress(packed)).equals(big)).toBe(true);
    await expect(kernel.decompress(packed, { maxOutputLength: 1 << 20 })).rejects.toMatchObject({ code: 'ERR_OUTPUT_LIMIT' });
    expect(await kernel.zipLiveStreams()).toBe(0);
  });
});

describe.skipIf(skipKernel)(`plugin-zip on ${DEVICE} in no-SVA mode (dataRegion)`, () => {
  it('one-shot and streams through the data region give the same bytes as on SVA queues', async () => {
    const nosva = await createContext({ plugins: [zip()], device: DEVICE, depth: 32, dataRegion: 8 << 20 });
    const sva = await openKernel();
    try {
      for (const format of FORMATS) {
        const a = await nosva.compress(text, { format, level: 6 });
        expect(a.equals(await sva.compress(text, { format, level: 6 }))).toBe(true);
        expect((await nosva.decompress(a, { format })).equals(text)).toBe(true);
      }
      // unknown output size (fallback stream) and a stream of small writes
      const big = Buffer.alloc(3 << 20, 'b');
      expect((await nosva.decompress(zlib.gzipSync(big))).equals(big)).toBe(true);
      const chunks: Buffer[] = [];
      const c = nosva.createCompressStream({ format: 'gzip', level: 1 });
      c.on('data', (b: Buffer) => chunks.push(b));
      await pipeline(Readable.from([text.subarray(0, 5000), text.subarray(5000)]), c);
      expect(zlib.gunzipSync(Buffer.concat(chunks)).equals(text)).toBe(true);
      await expect(nosva.decompress(Buffer.concat([gz, Buffer.from('x')]))).rejects.toMatchObject({ code: 'ERR_DATA_CORRUPT' });
      const out = Buffer.alloc(128 * 1024);
      const into = await nosva.decompress(await nosva.compress(text, { out: Buffer.alloc(64 * 1024) }), { out });
      expect(into.buffer).toBe(out.buffer);
      expect(into.equals(text)).toBe(true);
      await expect(nosva.decompress(gz, { out: out.subarray(0, 1000) })).rejects.toMatchObject({ code: 'ERR_OUTPUT_TOO_SMALL' });
      expect(nosva.stats().bytesCopied).toBeGreaterThan(0);
      expect(await nosva.zipLiveStreams()).toBe(0);
    } finally {
      await nosva.close();
      await sva.close();
    }
  });
});
