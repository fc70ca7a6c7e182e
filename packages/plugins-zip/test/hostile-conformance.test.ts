/**
 * plugin-zip through the hostile-argument suite of @warpdrive/conformance:
 * every public entry point (one-shot async and sync, with `out`, node and
 * WHATWG streams, the node:zlib facade, core's copy/crc32) × every argument
 * × every hostile class, checked against node:zlib on a clean copy of the
 * true bytes. Soft device on the host; the kernel device and its no-SVA
 * data region in the QEMU guest (driver/test/qemu/sdk.sh runs this file).
 */
import zlib from 'node:zlib';
import { coreOps, createContext } from '@warpdrive/core';
import { bytesOf, defineHostileSuite, runNodeTransform, runWebTransform, trueBytes, type EntryPoint, type Position } from '@warpdrive/conformance';
import zip from '../src/index.js';
import facade from '../src/zlib/index.js';
import { realText } from './helpers.js';

const env = process.env.WARPDRIVE_DEVICE;
const DEVICE = env !== undefined && env.startsWith('wd_soft-') ? env : 'wd_soft-0';
const inGuest = env !== undefined && env.startsWith('wd_soft-');

const open = (device: string, extra: { dataRegion?: number } = {}) =>
  createContext({ plugins: [coreOps(), zip()], device, ...(device === 'soft' ? { workers: 2 } : { depth: 64 }), ...extra });
type Ctx = Awaited<ReturnType<typeof open>>;

// Inputs: a decompress input whose length is a whole number of 8-byte
// elements, so every TypedArray kind can hold exactly the same bytes.
const text = realText(1024);
let packedText = text;
let gz = zlib.gzipSync(text);
for (let n = 1024; gz.length % 8 !== 0; n++) {
  packedText = realText(n);
  gz = zlib.gzipSync(packedText);
}
const bigText = realText(1 << 20);
const bigGz = zlib.gzipSync(bigText, { level: 1 });
const deflated = zlib.deflateSync(packedText);
const raw = zlib.deflateRawSync(packedText);

type Format = 'gzip' | 'zlib' | 'deflate';
const asBytes = (v: unknown): Buffer => (typeof v === 'string' ? Buffer.from(v) : trueBytes(v) ?? Buffer.from(v as never));
const optsOf = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});

function unpack(format: unknown, data: Buffer): Buffer {
  if (format === undefined || format === null || format === 'gzip') return zlib.gunzipSync(data);
  if (format === 'zlib') return zlib.inflateSync(data);
  if (format === 'deflate') return zlib.inflateRawSync(data);
  throw new Error(`no such format ${String(format)}`);
}

function pack(format: Format | 'auto', data: Buffer): Buffer {
  if (format === 'deflate') return zlib.inflateRawSync(data);
  if (format === 'zlib') return zlib.inflateSync(data);
  if (format === 'gzip') return zlib.gunzipSync(data);
  return zlib.unzipSync(data);
}

/** The gzip header's FEXTRA field, if any. */
function gzipExtra(b: Buffer): Buffer | undefined {
  if (b.length < 12 || b[0] !== 0x1f || b[1] !== 0x8b || (b[3]! & 4) === 0) return undefined;
  return b.subarray(12, 12 + b.readUInt16LE(10));
}

function same(got: Buffer, want: Buffer, what: string): string | undefined {
  if (got.equals(want)) return undefined;
  return `${what}: ${got.length} bytes, expected ${want.length}${got.length === want.length ? ' (contents differ)' : ''}`;
}

/** compress(data, options) is correct: node:zlib decodes it to the clean data; header fields as given. */
function checkCompress(result: unknown, data: unknown, options: unknown): string | undefined {
  const out = bytesOf(result);
  if (typeof out === 'string') return out;
  const o = optsOf(options);
  const format = (o.format ?? 'gzip') as unknown;
  const back = unpack(format, out);
  const problem = same(back, asBytes(data), 'decompressed by node:zlib');
  if (problem !== undefined) return problem;
  const extra = optsOf(o.gzip).extra;
  if (extra !== undefined && extra !== null) {
    const got = gzipExtra(out);
    if (got === undefined) return 'the gzip extra field is missing';
    return same(Buffer.from(got), asBytes(extra), 'gzip extra field');
  }
  return undefined;
}

/** decompress(data, options) is correct: node:zlib gives the same bytes for the clean data (or refuses it, then so must we). */
function checkDecompress(result: unknown, data: unknown, options: unknown): string | undefined {
  const out = bytesOf(result);
  if (typeof out === 'string') return out;
  const o = optsOf(options);
  let want: Buffer;
  try {
    want = pack((o.format ?? 'auto') as Format, asBytes(data));
  } catch (err) {
    return `resolved with ${out.length} bytes, but node:zlib rejects the clean input: ${(err as Error).message}`;
  }
  const max = o.maxOutputLength;
  if (typeof max === 'number' && max >= 0 && want.length > max) return `resolved ${want.length} bytes past maxOutputLength ${max}`;
  return same(out, want, 'decompressed');
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer, seed = 0): number {
  let c = (seed ^ 0xffffffff) >>> 0;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function checkCrc(result: unknown, data: unknown, seed: unknown): string | undefined {
  const want = crc32(asBytes(data), (seed ?? 0) as number);
  return result === want ? undefined : `crc ${String(result)}, expected ${want}`;
}

const compressOptions = { format: 'gzip', level: 6, gzip: undefined, out: undefined } as const;
const compressKeys = { format: 'gzip', level: 6, gzip: undefined, out: undefined };
const decompressKeys = { format: 'gzip', maxOutputLength: undefined, multiMember: undefined, out: undefined };
const streamKeys = { format: 'gzip', level: 6, chunkSize: 4096 };
const dstreamKeys = { format: 'gzip', chunkSize: 4096, maxOutputLength: undefined };
const dataAt = (i: number, names = ['data']): Position => ({ kind: 'buffer', path: [i], names });
const outAt = (size: (a: readonly unknown[]) => number): Position => ({ kind: 'buffer', path: [1, 'out'], role: 'out', size });
const SOFT = ['soft'];

const oneShot = (sync: boolean): EntryPoint<Ctx>[] => [
  {
    name: sync ? 'compressSync' : 'compress',
    kind: sync ? 'sync' : 'async',
    ...(sync ? { backends: SOFT } : {}),
    args: () => [Buffer.from(text), { ...compressOptions, gzip: { name: 'a.txt', extra: Buffer.from('0123456789abcdefghij') } }],
    inFlightArgs: () => [Buffer.from(bigText), { format: 'gzip', level: 1 }],
    minimalArgs: () => [Buffer.from(text)],
    positions: [dataAt(0), outAt((a) => asBytes(a[0]).length + 4096), { kind: 'buffer', path: [1, 'gzip', 'extra'] }, { kind: 'options', path: [1], keys: compressKeys }],
    call: (ctx, [d, o]) => (sync ? ctx.compressSync(d as Buffer, o as never) : ctx.compress(d as Buffer, o as never)),
    check: (r, [d, o]) => checkCompress(r, d, o),
  },
  {
    name: sync ? 'decompressSync' : 'decompress',
    kind: sync ? 'sync' : 'async',
    ...(sync ? { backends: SOFT } : {}),
    args: () => [Buffer.from(gz), { format: 'gzip' }],
    inFlightArgs: () => [Buffer.from(bigGz), { format: 'gzip' }],
    minimalArgs: () => [Buffer.from(gz)],
    positions: [dataAt(0), outAt((a) => (asBytes(a[0]).length > 100_000 ? (1 << 20) + 4096 : 8192)), { kind: 'options', path: [1], keys: decompressKeys }],
    call: (ctx, [d, o]) => (sync ? ctx.decompressSync(d as Buffer, o as never) : ctx.decompress(d as Buffer, o as never)),
    check: (r, [d, o]) => checkDecompress(r, d, o),
  },
];

const streams: EntryPoint<Ctx>[] = [
  {
    name: 'createCompressStream', kind: 'node-stream', nodeErrors: true,
    args: () => [{ format: 'gzip', level: 6, chunkSize: 4096 }, Buffer.from(text)],
    inFlightArgs: () => [{ format: 'gzip', level: 1 }, Buffer.from(bigText)],
    minimalArgs: () => [undefined, Buffer.from(text)],
    positions: [dataAt(1, ['data', 'chunk']), { kind: 'options', path: [0], keys: streamKeys }],
    call: (ctx, [o, d]) => runNodeTransform(ctx.createCompressStream(o as never), d),
    check: (r, [o, d]) => checkCompress(r, d, o),
  },
  {
    name: 'createDecompressStream', kind: 'node-stream', nodeErrors: true,
    args: () => [{ format: 'gzip', chunkSize: 4096 }, Buffer.from(gz)],
    inFlightArgs: () => [{ format: 'gzip' }, Buffer.from(bigGz)],
    minimalArgs: () => [undefined, Buffer.from(gz)],
    positions: [dataAt(1, ['data', 'chunk']), { kind: 'options', path: [0], keys: dstreamKeys }],
    call: (ctx, [o, d]) => runNodeTransform(ctx.createDecompressStream(o as never), d),
    check: (r, [o, d]) => checkDecompress(r, d, { ...optsOf(o), format: optsOf(o).format ?? 'auto' }),
  },
  {
    name: 'compressionStream', kind: 'web-stream',
    args: () => [{ format: 'gzip', level: 6, chunkSize: 4096 }, Buffer.from(text)],
    inFlightArgs: () => [{ format: 'gzip', level: 1 }, Buffer.from(bigText)],
    minimalArgs: () => [undefined, Buffer.from(text)],
    positions: [dataAt(1, ['data', 'chunk']), { kind: 'options', path: [0], keys: streamKeys }],
    call: (ctx, [o, d]) => runWebTransform(ctx.compressionStream(o as never), d),
    check: (r, [o, d]) => checkCompress(r, d, o),
  },
  {
    name: 'decompressionStream', kind: 'web-stream',
    args: () => [{ format: 'gzip', chunkSize: 4096 }, Buffer.from(gz)],
    inFlightArgs: () => [{ format: 'gzip' }, Buffer.from(bigGz)],
    minimalArgs: () => [undefined, Buffer.from(gz)],
    positions: [dataAt(1, ['data', 'chunk']), { kind: 'options', path: [0], keys: dstreamKeys }],
    call: (ctx, [o, d]) => runWebTransform(ctx.decompressionStream(o as never), d),
    check: (r, [o, d]) => checkDecompress(r, d, { ...optsOf(o), format: optsOf(o).format ?? 'auto' }),
  },
];

const coreEntries = (sync: boolean): EntryPoint<Ctx>[] => [
  {
    name: sync ? 'copySync' : 'copy',
    kind: sync ? 'sync' : 'async',
    ...(sync ? { backends: SOFT } : {}),
    args: () => [Buffer.from(text), Buffer.alloc(2048)],
    inFlightArgs: () => [Buffer.from(bigText), Buffer.alloc(bigText.length + 4096)],
    positions: [dataAt(0, ['src']), { kind: 'buffer', path: [1], role: 'out', names: ['dst'] }],
    call: (ctx, [s, d]) => (sync ? ctx.copySync(s as Buffer, d as Buffer) : ctx.copy(s as Buffer, d as Buffer)),
    check: (r, [s, d]) => {
      const src = asBytes(s);
      if (r !== src.length) return `copied ${String(r)} bytes, expected ${src.length}`;
      return same(Buffer.from(asBytes(d).subarray(0, src.length)), src, 'dst');
    },
  },
  {
    name: sync ? 'crc32Sync' : 'crc32',
    kind: sync ? 'sync' : 'async',
    ...(sync ? { backends: SOFT } : {}),
    args: () => [Buffer.from(text), 0x1234],
    inFlightArgs: () => [Buffer.from(bigText), 0],
    minimalArgs: () => [Buffer.from(text)],
    positions: [dataAt(0), { kind: 'scalar', path: [1], valid: 0x1234, names: ['seed'] }],
    call: (ctx, [d, s]) => (sync ? ctx.crc32Sync(d as Buffer, s as number) : ctx.crc32(d as Buffer, s as number)),
    check: (r, [d, s]) => checkCrc(r, d, s),
  },
];

// The node:zlib facade (its own process-wide soft context; node-style errors).
const facadeKeys = { level: 6, chunkSize: undefined, maxOutputLength: undefined, windowBits: undefined, memLevel: undefined, strategy: undefined };
type SyncFn = (b: unknown, o?: unknown) => Buffer;
const facadeSync = (name: keyof typeof facade, input: () => Buffer, inverse: (b: Buffer) => Buffer, forward: boolean): EntryPoint<Ctx> => ({
  name: `zlib.${String(name)}`, kind: 'facade-sync', nodeErrors: true, backends: SOFT,
  args: () => [input(), { level: 6 }],
  minimalArgs: () => [input()],
  positions: [dataAt(0, ['buffer', 'data']), { kind: 'options', path: [1], keys: facadeKeys }],
  call: (_ctx, [b, o]) => (facade[name] as unknown as SyncFn)(b, o),
  check: (r, [b]) => {
    const out = bytesOf(r);
    if (typeof out === 'string') return out;
    if (forward) return same(inverse(out), asBytes(b), 'decoded by node:zlib');
    let want: Buffer;
    try {
      want = inverse(asBytes(b));
    } catch (err) {
      return `resolved, but node:zlib rejects the clean input: ${(err as Error).message}`;
    }
    return same(out, want, 'decompressed');
  },
});
type CbFn = (b: unknown, o: unknown, cb: (e: Error | null, r?: Buffer) => void) => void;
const facadeCallback = (name: 'deflate' | 'gunzip' | 'inflateRaw', input: () => Buffer, bigInput: () => Buffer, inverse: (b: Buffer) => Buffer, forward: boolean): EntryPoint<Ctx> => ({
  ...facadeSync(`${name}Sync` as keyof typeof facade, input, inverse, forward),
  name: `zlib.${name}(cb)`, kind: 'callback',
  inFlightArgs: () => [bigInput(), { level: 1 }],
  call: (_ctx, args) => new Promise((resolve, reject) => {
    const cb = (e: Error | null, r?: Buffer) => (e ? reject(e) : resolve(r));
    // node's two forms: (buffer, callback) and (buffer, options, callback)
    if (args.length < 2) (facade[name] as unknown as (b: unknown, cb: unknown) => void)(args[0], cb);
    else (facade[name] as unknown as CbFn)(args[0], args[1], cb);
  }),
});
const facadeEntries: EntryPoint<Ctx>[] = [
  facadeSync('gzipSync', () => Buffer.from(text), zlib.gunzipSync, true),
  facadeSync('gunzipSync', () => Buffer.from(gz), zlib.gunzipSync, false),
  facadeSync('deflateSync', () => Buffer.from(text), zlib.inflateSync, true),
  facadeSync('inflateSync', () => Buffer.from(deflated), zlib.inflateSync, false),
  facadeSync('deflateRawSync', () => Buffer.from(text), zlib.inflateRawSync, true),
  facadeSync('inflateRawSync', () => Buffer.from(raw), zlib.inflateRawSync, false),
  facadeSync('unzipSync', () => Buffer.from(gz), zlib.unzipSync, false),
  facadeCallback('deflate', () => Buffer.from(text), () => Buffer.from(bigText), zlib.inflateSync, true),
  facadeCallback('gunzip', () => Buffer.from(gz), () => Buffer.from(bigGz), zlib.gunzipSync, false),
  facadeCallback('inflateRaw', () => Buffer.from(raw), () => zlib.deflateRawSync(bigText, { level: 1 }), zlib.inflateRawSync, false),
  {
    ...facadeSync('gunzipSync', () => Buffer.from(gz), zlib.gunzipSync, false),
    name: 'zlib.promises.gunzip', kind: 'callback',
    inFlightArgs: () => [Buffer.from(bigGz), {}],
    call: (_ctx, [b, o]) => facade.promises.gunzip(b as Buffer, o as never),
  },
  {
    name: 'zlib.createGzip', kind: 'node-stream', nodeErrors: true, backends: SOFT,
    args: () => [{ level: 6 }, Buffer.from(text)],
    inFlightArgs: () => [{ level: 1 }, Buffer.from(bigText)],
    minimalArgs: () => [undefined, Buffer.from(text)],
    positions: [dataAt(1, ['chunk', 'data']), { kind: 'options', path: [0], keys: facadeKeys }],
    call: (_ctx, [o, d]) => runNodeTransform(facade.createGzip(o as never), d),
    check: (r, [, d]) => checkCompress(r, d, { format: 'gzip' }),
  },
  {
    name: 'zlib.createGunzip', kind: 'node-stream', nodeErrors: true, backends: SOFT,
    args: () => [{}, Buffer.from(gz)],
    inFlightArgs: () => [{}, Buffer.from(bigGz)],
    minimalArgs: () => [undefined, Buffer.from(gz)],
    positions: [dataAt(1, ['chunk', 'data']), { kind: 'options', path: [0], keys: facadeKeys }],
    call: (_ctx, [o, d]) => runNodeTransform(facade.createGunzip(o as never), d),
    check: (r, [, d]) => checkDecompress(r, d, { format: 'gzip' }),
  },
  ...(facade.crc32 === undefined ? [] : [{
    name: 'zlib.crc32', kind: 'facade-sync' as const, nodeErrors: true, backends: SOFT,
    args: () => [Buffer.from(text), 0x1234],
    positions: [dataAt(0, ['data']), { kind: 'scalar' as const, path: [1], valid: 0x1234, names: ['value'] }],
    call: (_ctx: Ctx, [d, s]: unknown[]) => facade.crc32!(d as Buffer, s as number),
    // node's own crc32 (passed through) answers 0 for some empty views whatever the seed
    check: (r: unknown, [d, s]: readonly unknown[]) => (r === 0 && asBytes(d).length === 0 ? undefined : checkCrc(r, d, s)),
  }]),
];

defineHostileSuite<Ctx>({
  plugin: 'zip',
  file: import.meta.url,
  // The host runs the soft device; the QEMU guest (WARPDRIVE_DEVICE set by
  // driver/test/qemu/sdk.sh) the kernel device, which must then exist:
  // nothing is skipped (opening a missing device fails the run).
  backends: inGuest
    ? [
        { name: 'kernel', open: () => open(DEVICE) },
        { name: 'kernel-nosva', open: () => open(DEVICE, { dataRegion: 8 << 20 }) },
      ]
    : [
        { name: 'soft', open: () => open('soft') },
      ],
  entries: [...oneShot(false), ...oneShot(true), ...streams, ...coreEntries(false), ...coreEntries(true), ...facadeEntries],
  pollute: ['gzip', 'chunkSize', 'multiMember', 'windowBits', 'info', 'dictionary', 'dst', 'extra'],
  // (the facade's process-wide context is on the soft device: host only)
  ...(inGuest ? {} : { warmup: () => facade.gunzipSync(facade.gzipSync('warm up the facade context')) }),
  sanity: async (ctx) => {
    const packed = await ctx.compress(bigText, { format: 'gzip', level: 1 });
    if (!zlib.gunzipSync(packed).equals(bigText)) throw new Error('compress of a fresh context is wrong');
    if (!(await ctx.decompress(packed)).equals(bigText)) throw new Error('decompress of a fresh context is wrong');
    if ((await ctx.crc32(text)) !== crc32(text)) throw new Error('crc32 of a fresh context is wrong');
  },
});
