/**
 * plugin-zip through the shared conformance suite on the in-process soft
 * device (the kernel device's run is device-kernel.test.ts, in the QEMU
 * guest of the driver tests).
 */
import { createContext } from '@warpdrive/core';
import { defineConformanceSuite } from '@warpdrive/conformance';
import zip, { type CompressOptions } from '../src/index.js';
import { nodeCompress, realText, samples } from './helpers.js';

const open = (o: { queues?: number; workers?: number } = {}) => createContext({ plugins: [zip()], ...o });
type Ctx = Awaited<ReturnType<typeof open>>;

const text = realText(256 * 1024);
const gz = nodeCompress('gzip', text);

defineConformanceSuite<Ctx, CompressOptions>({
  plugin: 'zip',
  backends: [{ name: 'soft', open }],
  roundTrip: {
    cases: samples().flatMap(({ name, data }) =>
      (['deflate', 'zlib', 'gzip'] as const).map((format) => ({ name: `${format} ${name}`, input: data, options: { format, level: 1 as const } }))),
    forward: (ctx, x, o) => ctx.compress(x, o),
    inverse: (ctx, y, o) => ctx.decompress(y, { format: o?.format ?? 'gzip' }),
    forwardSync: (ctx, x, o) => ctx.compressSync(x, o),
    inverseSync: (ctx, y, o) => ctx.decompressSync(y, { format: o?.format ?? 'gzip' }),
  },
  vectors: [
    // RFC 1951 §3.2.4 stored block / fixed-Huffman vectors and gzip/zlib framing of empty input.
    { name: 'raw deflate of "" at level 0 is one empty final stored block', run: (ctx) => ctx.compress(Buffer.alloc(0), { format: 'deflate', level: 0 }), expected: Buffer.from('010000ffff', 'hex') },
    { name: 'zlib of "" at level 0', run: (ctx) => ctx.compress(Buffer.alloc(0), { format: 'zlib', level: 0 }), expected: Buffer.from('7801010000ffff00000001', 'hex') },
    { name: 'gzip of "abc" at level 0 (CRC32 352441c2, ISIZE 3)', run: (ctx) => ctx.compress(Buffer.from('abc'), { format: 'gzip', level: 0 }), expected: Buffer.from('1f8b08000000000004030103 00fcff616263c241243503000000'.replace(/ /g, ''), 'hex') },
    { name: 'inflates the RFC 1950 zlib stream of "a" (fixed Huffman)', run: (ctx) => ctx.decompress(Buffer.from('789c4b0400006200 62'.replace(/ /g, ''), 'hex')), expected: Buffer.from('a') },
  ],
  badInput: [
    { name: 'corrupt deflate data', run: (ctx) => ctx.decompress(Buffer.from([0xff, 0xff, 0xff]), { format: 'deflate' }), code: 'ERR_DATA_CORRUPT', details: { reason: 'stream' } },
    { name: 'truncated gzip', run: (ctx) => ctx.decompress(gz.subarray(0, gz.length >> 1)), code: 'ERR_DATA_TRUNCATED' },
    { name: 'bad gzip CRC', run: (ctx) => { const b = Buffer.from(gz); b[b.length - 8] = b[b.length - 8]! ^ 0xff; return ctx.decompress(b); }, code: 'ERR_DATA_CORRUPT', details: { reason: 'checksum' } },
    { name: 'trailing garbage', run: (ctx) => ctx.decompress(Buffer.concat([gz, Buffer.from('garbage')])), code: 'ERR_DATA_CORRUPT', details: { reason: 'trailing-data' } },
    { name: 'invalid level', run: (ctx) => ctx.compress(text, { level: 10 as 9 }), code: 'ERR_INVALID_ARGUMENT' },
    { name: 'output beyond maxOutputLength', run: (ctx) => ctx.decompress(gz, { maxOutputLength: 1000 }), code: 'ERR_OUTPUT_LIMIT' },
    { name: 'not a buffer', run: (ctx) => ctx.compress('text' as unknown as Buffer), code: 'ERR_INVALID_ARGUMENT' },
  ],
  streaming: {
    create: (ctx) => ctx.createCompressStream({ format: 'gzip', level: 6 }),
    inverse: (ctx, out) => ctx.decompress(out),
    input: text,
    live: (ctx) => ctx.zipLiveStreams(),
  },
  concurrency: {
    inFlight: 96,
    queues: 4,
    run: (ctx, i) => ctx.compress(text.subarray(0, 4096 + i * 997), { format: (['deflate', 'zlib', 'gzip'] as const)[i % 3], level: (i % 10) as 0 }),
  },
});
