/**
 * plugin-zip's conformance target for @warpdrive/conformance, shared by the
 * soft-device run (conformance.test.ts) and the kernel-device run
 * (device-kernel.test.ts): the same vectors and bad input on every backend;
 * what differs per backend (inputs, sync API, concurrency) are parameters.
 */
import type { Backend, BadInput, ConformanceTarget } from '@warpdrive/conformance';
import type { CompressOptions, ZipFormat } from '../src/index.js';
import type zip from '../src/index.js';
import { FORMATS, nodeCompress } from './helpers.js';

type ZipCtx = Awaited<ReturnType<typeof import('@warpdrive/core').createContext<[ReturnType<typeof zip>]>>>;

export interface ZipTargetOptions<C extends ZipCtx> {
  readonly backend: Backend<C>;
  /** Round-trip inputs (each runs in every format at level 1). */
  readonly samples: readonly { readonly name: string; readonly data: Buffer }[];
  /** Text for the bad-input and streaming cases. */
  readonly text: Buffer;
  /** Run the *Sync forms too (the soft device's inline path). */
  readonly sync: boolean;
  /** Bad-input cases of this backend only. */
  readonly extraBadInput?: readonly BadInput<C>[];
  readonly concurrency: { readonly inFlight: number; readonly queues: number; readonly base: number };
}

export function zipConformanceTarget<C extends ZipCtx>(o: ZipTargetOptions<C>): ConformanceTarget<C, CompressOptions> {
  const { text } = o;
  const gz = nodeCompress('gzip', text);
  const inverseOptions = (opts: CompressOptions | undefined): { format: ZipFormat } => ({ format: opts?.format ?? 'gzip' });
  return {
    plugin: 'zip',
    backends: [o.backend],
    roundTrip: {
      cases: o.samples.flatMap(({ name, data }) => FORMATS.map((format) => ({ name: `${format} ${name}`, input: data, options: { format, level: 1 as const } }))),
      forward: (ctx, x, opts) => ctx.compress(x, opts),
      inverse: (ctx, y, opts) => ctx.decompress(y, inverseOptions(opts)),
      ...(o.sync
        ? {
            forwardSync: (ctx: C, x: Uint8Array, opts?: CompressOptions) => ctx.compressSync(x, opts),
            inverseSync: (ctx: C, y: Uint8Array, opts?: CompressOptions) => ctx.decompressSync(y, inverseOptions(opts)),
          }
        : {}),
    },
    vectors: [
      // RFC 1951 §3.2.4 stored block / fixed-Huffman vectors and gzip/zlib framing of empty input.
      { name: 'raw deflate of "" at level 0 is one empty final stored block', run: (ctx) => ctx.compress(Buffer.alloc(0), { format: 'deflate', level: 0 }), expected: Buffer.from('010000ffff', 'hex') },
      { name: 'zlib of "" at level 0', run: (ctx) => ctx.compress(Buffer.alloc(0), { format: 'zlib', level: 0 }), expected: Buffer.from('7801010000ffff00000001', 'hex') },
      { name: 'gzip of "abc" at level 0 (CRC32 352441c2, ISIZE 3)', run: (ctx) => ctx.compress(Buffer.from('abc'), { format: 'gzip', level: 0 }), expected: Buffer.from('1f8b0800000000000403010300fcff616263c241243503000000', 'hex') },
      { name: 'inflates the RFC 1950 zlib stream of "a" (fixed Huffman)', run: (ctx) => ctx.decompress(Buffer.from('789c4b040000620062', 'hex')), expected: Buffer.from('a') },
    ],
    badInput: [
      { name: 'corrupt deflate data', run: (ctx) => ctx.decompress(Buffer.from([0xff, 0xff, 0xff]), { format: 'deflate' }), code: 'ERR_DATA_CORRUPT', details: { reason: 'stream' } },
      { name: 'truncated gzip', run: (ctx) => ctx.decompress(gz.subarray(0, gz.length >> 1)), code: 'ERR_DATA_TRUNCATED' },
      { name: 'bad gzip CRC', run: (ctx) => { const b = Buffer.from(gz); b[b.length - 8] = b[b.length - 8]! ^ 0xff; return ctx.decompress(b); }, code: 'ERR_DATA_CORRUPT', details: { reason: 'checksum' } },
      { name: 'trailing garbage', run: (ctx) => ctx.decompress(Buffer.concat([gz, Buffer.from('garbage')])), code: 'ERR_DATA_CORRUPT', details: { reason: 'trailing-data' } },
      { name: 'invalid level', run: (ctx) => ctx.compress(text, { level: 10 as 9 }), code: 'ERR_INVALID_ARGUMENT' },
      { name: 'output beyond maxOutputLength', run: (ctx) => ctx.decompress(gz, { maxOutputLength: 1000 }), code: 'ERR_OUTPUT_LIMIT' },
      { name: 'not a buffer', run: (ctx) => ctx.compress('text' as unknown as Buffer), code: 'ERR_INVALID_ARGUMENT' },
      ...(o.extraBadInput ?? []),
    ],
    streaming: {
      create: (ctx) => ctx.createCompressStream({ format: 'gzip', level: 6 }),
      inverse: (ctx, out) => ctx.decompress(out),
      input: text,
      live: (ctx) => ctx.zipLiveStreams(),
    },
    concurrency: {
      inFlight: o.concurrency.inFlight,
      queues: o.concurrency.queues,
      run: (ctx, i) => ctx.compress(text.subarray(0, o.concurrency.base + i * 997), { format: FORMATS[i % 3]!, level: (i % 10) as 0 }),
    },
  };
}
