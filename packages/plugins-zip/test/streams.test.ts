/**
 * Streams: node:stream Transforms and WHATWG TransformStreams — many small
 * writes, flush modes, multi-member input, backpressure, destroy/abort and
 * the engine-side stream lifetime (live-stream counter, GC safety net).
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@warpdrive/core';
import zip, { type ZipStream } from '../src/index.js';
import { FORMATS, nodeCompress, nodeDecompress, realText } from './helpers.js';

const open = () => createContext({ plugins: [zip()] });
let ctx: Awaited<ReturnType<typeof open>>;
beforeAll(async () => {
  ctx = await open();
});
afterAll(() => ctx.close());

const text = realText(300 * 1024);

function pieces(data: Uint8Array, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(Buffer.from(data.subarray(off, off + n)));
    off += n;
  }
  return out;
}

async function collect(input: Buffer[], stream: ZipStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(Readable.from(input), stream, new Writable({ write(c: Buffer, _e, cb) { parts.push(c); cb(); } }));
  return Buffer.concat(parts);
}

async function settleLive(expected: number): Promise<number> {
  let live = await ctx.zipLiveStreams();
  for (let i = 0; i < 100 && live !== expected; i++) {
    await new Promise((r) => setTimeout(r, 10));
    live = await ctx.zipLiveStreams();
  }
  return live;
}

describe('node:stream Transforms', () => {
  for (const format of FORMATS) {
    it(`${format}: many small writes at levels 0, 1, 6, 9 → node:zlib decodes; our decompress stream reads 1-byte writes`, async () => {
      for (const level of [0, 1, 6, 9] as const) {
        const out = await collect(pieces(text, [1, 13, 512, 7000]), ctx.createCompressStream({ format, level }));
        expect(nodeDecompress(format, out).equals(text), `level ${level}`).toBe(true);
      }
      const c = nodeCompress(format, text.subarray(0, 20000));
      const back = await collect(pieces(c, [1]), ctx.createDecompressStream({ format }));
      expect(back.equals(text.subarray(0, 20000))).toBe(true);
    });
  }

  it('decompress streams: auto format, multi-member gzip, small chunkSize', async () => {
    const multi = Buffer.concat([nodeCompress('gzip', text.subarray(0, 1000)), nodeCompress('gzip', Buffer.alloc(0)), nodeCompress('gzip', text.subarray(1000))]);
    expect((await collect(pieces(multi, [333]), ctx.createDecompressStream({ chunkSize: 1024 }))).equals(text)).toBe(true);
    expect((await collect([nodeCompress('zlib', text)], ctx.createDecompressStream())).equals(text)).toBe(true);
    // Write boundaries exactly at member boundaries.
    const a = nodeCompress('gzip', text.subarray(0, 1000));
    const b = nodeCompress('gzip', text.subarray(1000));
    expect((await collect([a, b], ctx.createDecompressStream())).equals(text)).toBe(true);
    const webOut: Uint8Array[] = [];
    const src = Readable.toWeb(Readable.from([a, b])) as unknown as ReadableStream<Uint8Array>;
    for await (const c of src.pipeThrough(ctx.decompressionStream())) webOut.push(c);
    expect(Buffer.concat(webOut).equals(text)).toBe(true);
    // ...and a zlib stream followed by anything is trailing data, even in a later write.
    const z = nodeCompress('zlib', text.subarray(0, 1000));
    await expect(collect([z, Buffer.from('xyz')], ctx.createDecompressStream())).rejects.toMatchObject({ code: 'ERR_DATA_CORRUPT', details: { reason: 'trailing-data' } });
  });

  for (const [kind, level] of [['sync', 6], ['full', 6], ['sync', 1], ['full', 2]] as const) {
    it(`flush('${kind}') at level ${level} (${level < 3 ? 'ISA-L' : 'zlib'} stream) makes everything written so far decodable`, async () => {
      const stream = ctx.createCompressStream({ format: 'zlib', level });
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.write(text.subarray(0, 50000));
      await new Promise<void>((resolve) => stream.flush(kind, resolve));
      await new Promise((r) => setImmediate(r));
      const sofar = zlib.inflateSync(Buffer.concat(parts), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      expect(sofar.equals(text.subarray(0, 50000))).toBe(true);
      expect(stream.bytesWritten).toBe(50000);
      stream.end(text.subarray(50000));
      await new Promise((r) => stream.on('end', r));
      expect(zlib.inflateSync(Buffer.concat(parts)).equals(text)).toBe(true);
      expect(stream.bytesWritten).toBe(text.length);
    });
  }

  it('flush() without arguments is a full flush and takes a callback', async () => {
    const stream = ctx.createCompressStream({ format: 'deflate' });
    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    stream.write(text.subarray(0, 1000));
    await new Promise<void>((resolve) => stream.flush(resolve));
    await new Promise((r) => setImmediate(r));
    expect(zlib.inflateRawSync(Buffer.concat(parts), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).equals(text.subarray(0, 1000))).toBe(true);
    stream.destroy();
  });

  it('backpressure: write() returns false while the reader is paused, buffering stays bounded, output resumes', async () => {
    const stream = ctx.createCompressStream({ level: 0 });
    const input = Buffer.alloc(8 << 20);
    for (let i = 0; i < input.length; i += 4) input.writeUInt32LE((Math.imul(i, 2654435761) >>> 0), i);
    let sawFalse = false;
    for (const p of pieces(input, [64 * 1024])) if (!stream.write(p)) sawFalse = true;
    await new Promise((r) => setTimeout(r, 100));
    expect(sawFalse).toBe(true);
    // Paused reader: the Transform holds the write callback once its readable side is full.
    expect(stream.readableLength).toBeLessThanOrEqual(stream.readableHighWaterMark + 2 * 64 * 1024);
    expect(stream.bytesWritten).toBeLessThan(input.length);
    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    stream.end();
    await new Promise((r) => stream.on('end', r));
    expect(zlib.gunzipSync(Buffer.concat(parts)).equals(input)).toBe(true);
  });

  it('destroy and close mid-stream release the engine stream; so do errors and normal ends', async () => {
    const base = await ctx.zipLiveStreams();
    const streams = [ctx.createCompressStream(), ctx.createDecompressStream(), ctx.createCompressStream()];
    for (const s of streams) s.resume();
    await new Promise<void>((r) => streams[0]!.write(text.subarray(0, 5000), () => r()));
    await new Promise<void>((r) => streams[1]!.write(nodeCompress('gzip', text).subarray(0, 5000), () => r()));
    await new Promise<void>((r) => streams[2]!.write(text.subarray(0, 5000), () => r()));
    expect(await ctx.zipLiveStreams()).toBe(base + 3);
    streams[0]!.destroy();
    await new Promise<void>((r) => streams[1]!.close(r));
    streams[2]!.destroy(new Error('abort'));
    streams[2]!.on('error', () => undefined);
    expect(await settleLive(base)).toBe(base);
    // Error path (corrupt input) and normal end.
    const bad = ctx.createDecompressStream();
    bad.on('error', () => undefined);
    bad.end(Buffer.from('not gzip data at all'));
    await new Promise((r) => bad.on('close', r));
    await collect([text], ctx.createCompressStream());
    expect(await settleLive(base)).toBe(base);
  });

  it('a stream dropped without end or destroy is released by the GC safety net', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'run with --expose-gc').toBeDefined();
    const base = await ctx.zipLiveStreams();
    await (async () => {
      const s = ctx.createCompressStream();
      await new Promise<void>((r) => s.write(text.subarray(0, 100), () => r()));
    })();
    expect(await ctx.zipLiveStreams()).toBe(base + 1);
    for (let i = 0; i < 50 && (await ctx.zipLiveStreams()) !== base; i++) {
      gc!();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await ctx.zipLiveStreams()).toBe(base);
  });

  it('gzip header fields are written by the compress stream too (zlib and ISA-L levels)', async () => {
    for (const level of [1, 2, 6] as const) {
      const out = await collect(pieces(text, [1000]), ctx.createCompressStream({ level, gzip: { name: 'streamed.txt', mtime: 1_700_000_000 } }));
      expect(out.subarray(10, 23).equals(Buffer.from('streamed.txt\0')), `level ${level}`).toBe(true);
      expect(out.readUInt32LE(4)).toBe(1_700_000_000);
      expect(zlib.gunzipSync(out).equals(text)).toBe(true);
    }
  });

  it('incompressible input through ISA-L stream levels does not expand beyond stored blocks', async () => {
    const rnd = Buffer.alloc(1 << 20);
    for (let i = 0; i < rnd.length; i += 4) rnd.writeUInt32LE((Math.imul(i + 1, 2654435761) ^ Math.imul(i >>> 7, 40503)) >>> 0, i);
    for (const level of [1, 2] as const) {
      for (const format of FORMATS) {
        const out = await collect(pieces(rnd, [65536, 3]), ctx.createCompressStream({ format, level }));
        expect(out.length, `${format} level ${level}`).toBeLessThan(rnd.length + rnd.length / 100 + 64);
        expect(nodeDecompress(format, out).equals(rnd)).toBe(true);
      }
    }
  });

  it('a tiny chunkSize forces many MORE round trips, including for the header, and stays correct', async () => {
    for (const level of [1, 6] as const) {
      const out = await collect([text.subarray(0, 50_000)], ctx.createCompressStream({ level, chunkSize: 64, gzip: { name: 'x'.repeat(200) } }));
      expect(zlib.gunzipSync(out).equals(text.subarray(0, 50_000)), `level ${level}`).toBe(true);
    }
  });

  it('write after end and a closed context fail with typed errors', async () => {
    const c2 = await open();
    const s = c2.createCompressStream();
    await c2.close();
    const err = await new Promise((resolve) => {
      s.on('error', resolve);
      s.write(Buffer.from('x'));
    });
    expect(err).toMatchObject({ code: 'ERR_CONTEXT_CLOSED' });
  });
});

describe('WHATWG TransformStreams', () => {
  it('compressionStream → node:zlib, and node:zlib → decompressionStream, for every format', async () => {
    for (const format of FORMATS) {
      const readable = Readable.toWeb(Readable.from(pieces(text, [4096]))) as unknown as ReadableStream<Uint8Array>;
      const chunks: Uint8Array[] = [];
      for await (const c of readable.pipeThrough(ctx.compressionStream({ format, level: 1 }))) chunks.push(c);
      const out = Buffer.concat(chunks);
      expect(nodeDecompress(format, out).equals(text), format).toBe(true);
      const back: Uint8Array[] = [];
      const src = Readable.toWeb(Readable.from(pieces(out, [100]))) as unknown as ReadableStream<Uint8Array>;
      for await (const c of src.pipeThrough(ctx.decompressionStream({ format }))) back.push(c);
      expect(Buffer.concat(back).equals(text), format).toBe(true);
    }
  });

  it('corrupt or truncated input errors the readable side with a typed error and releases the stream', async () => {
    const base = await ctx.zipLiveStreams();
    const gz = nodeCompress('gzip', text);
    for (const [data, code] of [[gz.subarray(0, 1000), 'ERR_DATA_TRUNCATED'], [Buffer.concat([gz, Buffer.from('x')]), 'ERR_DATA_CORRUPT']] as const) {
      const src = Readable.toWeb(Readable.from([data])) as unknown as ReadableStream<Uint8Array>;
      const read = async () => {
        for await (const _ of src.pipeThrough(ctx.decompressionStream())) void _;
      };
      await expect(read()).rejects.toMatchObject({ code });
    }
    expect(await settleLive(base)).toBe(base);
  });

  it('maxOutputLength applies to decompression streams', async () => {
    const src = Readable.toWeb(Readable.from([nodeCompress('gzip', text)])) as unknown as ReadableStream<Uint8Array>;
    const read = async () => {
      for await (const _ of src.pipeThrough(ctx.decompressionStream({ maxOutputLength: 1000 }))) void _;
    };
    await expect(read()).rejects.toMatchObject({ code: 'ERR_OUTPUT_LIMIT' });
  });
});
