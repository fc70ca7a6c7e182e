/**
 * `@warpdrive/plugin-zip/zlib`: a drop-in for node:zlib's deflate family
 * (gzip, deflate, raw deflate, unzip) running on warpdrive's engines.
 *
 * ```js
 * // import zlib from 'node:zlib';
 * import zlib from '@warpdrive/plugin-zip/zlib';
 * const gz = zlib.gzipSync(data, { level: zlib.constants.Z_BEST_SPEED });
 * ```
 *
 * Same argument conventions, option names, input types and error `code`s
 * as node:zlib (`Z_DATA_ERROR`, `Z_BUF_ERROR`, `ERR_BUFFER_TOO_LARGE`,
 * `ERR_INVALID_ARG_TYPE`, `ERR_OUT_OF_RANGE`); a mapped device error keeps
 * the WarpdriveError as `cause`. Options node accepts that the engines do
 * not implement (non-default windowBits/memLevel/strategy, dictionary, info,
 * finishFlush) throw ERR_INVALID_ARG_VALUE. Brotli, crc32, constants and
 * codes are node's own, re-exported so the one-import switch keeps working.
 *
 * Work runs on a process-wide context opened on first use; it does not keep
 * the process alive when idle.
 */
import { promisify } from 'node:util';
import nodeZlibModule, * as nodeZlib from 'node:zlib';
import { guardRead, isBufferInput, viewOf } from '@warpdrive/core/plugin-kit';
import { runAsync, runCallback, runSync, type ZlibCallback } from './one-shot.js';
import { createStream, type ZlibStream } from './streams.js';
import type { Mode, ZlibOptions } from './options.js';

export type { ZlibOptions, ZlibCallback, ZlibStream };
export type { NodeStyleError } from './errors.js';

/** The inputs node:zlib's one-shot functions accept. */
export type InputType = string | ArrayBuffer | NodeJS.ArrayBufferView;

/** node's callback form: `fn(buffer, [options], callback)`. */
export interface CallbackFn {
  (buffer: InputType, callback: ZlibCallback): void;
  (buffer: InputType, options: ZlibOptions, callback: ZlibCallback): void;
  [promisify.custom]: PromiseFn;
}
/** The synchronous form: returns the output or throws. */
export type SyncFn = (buffer: InputType, options?: ZlibOptions) => Buffer;
/** The promise form. */
export type PromiseFn = (buffer: InputType, options?: ZlibOptions) => Promise<Buffer>;

function promiseFn(mode: Mode): PromiseFn {
  return (buffer, options) => runAsync(mode, buffer, options);
}
function callbackFn(mode: Mode, asPromise: PromiseFn): CallbackFn {
  const fn = ((buffer: unknown, options: unknown, callback?: unknown) => runCallback(mode, buffer, options, callback)) as unknown as CallbackFn;
  // util.promisify(zlib.gzip) then gets the direct promise form
  Object.defineProperty(fn, promisify.custom, { value: asPromise });
  return fn;
}
function syncFn(mode: Mode): SyncFn {
  return (buffer, options) => runSync(mode, buffer, options);
}

/**
 * Promise forms of the one-shot functions (node:zlib has none; this mirrors
 * `util.promisify(zlib.gzip)` etc.). Errors are the same as the callback forms'.
 */
export const promises = {
  gzip: promiseFn('gzip'),
  gunzip: promiseFn('gunzip'),
  deflate: promiseFn('deflate'),
  inflate: promiseFn('inflate'),
  deflateRaw: promiseFn('deflateRaw'),
  inflateRaw: promiseFn('inflateRaw'),
  unzip: promiseFn('unzip'),
} as const;

/** gzip-compress (RFC 1952), node's callback convention. */
export const gzip = callbackFn('gzip', promises.gzip);
/** Decompress gzip (concatenated members too). */
export const gunzip = callbackFn('gunzip', promises.gunzip);
/** zlib-compress (RFC 1950). */
export const deflate = callbackFn('deflate', promises.deflate);
/** Decompress zlib. */
export const inflate = callbackFn('inflate', promises.inflate);
/** Raw deflate (RFC 1951). */
export const deflateRaw = callbackFn('deflateRaw', promises.deflateRaw);
/** Decompress raw deflate. */
export const inflateRaw = callbackFn('inflateRaw', promises.inflateRaw);
/** Decompress gzip or zlib, detected from the header. */
export const unzip = callbackFn('unzip', promises.unzip);

/** Synchronous {@link gzip}; runs on the calling thread. */
export const gzipSync = syncFn('gzip');
/** Synchronous {@link gunzip}. */
export const gunzipSync = syncFn('gunzip');
/** Synchronous {@link deflate}. */
export const deflateSync = syncFn('deflate');
/** Synchronous {@link inflate}. */
export const inflateSync = syncFn('inflate');
/** Synchronous {@link deflateRaw}. */
export const deflateRawSync = syncFn('deflateRaw');
/** Synchronous {@link inflateRaw}. */
export const inflateRawSync = syncFn('inflateRaw');
/** Synchronous {@link unzip}. */
export const unzipSync = syncFn('unzip');

/** A gzip-compressing Transform stream. */
export const createGzip = (options?: ZlibOptions): ZlibStream => createStream('gzip', options);
/** A gzip-decompressing Transform stream. */
export const createGunzip = (options?: ZlibOptions): ZlibStream => createStream('gunzip', options);
/** A zlib-compressing Transform stream. */
export const createDeflate = (options?: ZlibOptions): ZlibStream => createStream('deflate', options);
/** A zlib-decompressing Transform stream. */
export const createInflate = (options?: ZlibOptions): ZlibStream => createStream('inflate', options);
/** A raw-deflate-compressing Transform stream. */
export const createDeflateRaw = (options?: ZlibOptions): ZlibStream => createStream('deflateRaw', options);
/** A raw-deflate-decompressing Transform stream. */
export const createInflateRaw = (options?: ZlibOptions): ZlibStream => createStream('inflateRaw', options);
/** A gzip-or-zlib-decompressing Transform stream. */
export const createUnzip = (options?: ZlibOptions): ZlibStream => createStream('unzip', options);

/** node:zlib's constants (`constants.Z_BEST_SPEED`...). */
export const constants = nodeZlib.constants;
/** node:zlib's error-code table. */
export const codes = (nodeZlib as unknown as { codes: Readonly<Record<string, number>> }).codes;
type Crc32 = (data: string | NodeJS.ArrayBufferView, value?: number) => number;
const nodeCrc32 = (nodeZlib as { crc32?: unknown }).crc32 as Crc32 | undefined;
/**
 * node:zlib's own crc32 (Node ≥ 20.15) over the true bytes of `data`: a
 * buffer goes through the plugin kit first; anything else reaches node's
 * own checks (its `ERR_INVALID_ARG_TYPE`), and what they cannot even look
 * at (a revoked Proxy) is `ERR_INVALID_ARGUMENT`.
 */
export const crc32: Crc32 | undefined = nodeCrc32 === undefined ? undefined : (data, value) => {
  if (isBufferInput(data)) return nodeCrc32(viewOf(data, 'data'), value);
  try {
    return nodeCrc32(data, value);
  } catch (err) {
    if (typeof (err as { code?: unknown })?.code === 'string') throw err; // node's own, as node:zlib throws it
    return guardRead('data', () => {
      throw err;
    });
  }
};
/** Brotli is not accelerated: node:zlib's own functions, passed through. */
export const {
  brotliCompress,
  brotliCompressSync,
  brotliDecompress,
  brotliDecompressSync,
  createBrotliCompress,
  createBrotliDecompress,
} = nodeZlib;

const zlib = {
  gzip, gunzip, deflate, inflate, deflateRaw, inflateRaw, unzip,
  gzipSync, gunzipSync, deflateSync, inflateSync, deflateRawSync, inflateRawSync, unzipSync,
  createGzip, createGunzip, createDeflate, createInflate, createDeflateRaw, createInflateRaw, createUnzip,
  promises, constants, codes, crc32,
  brotliCompress, brotliCompressSync, brotliDecompress, brotliDecompressSync, createBrotliCompress, createBrotliDecompress,
};
// node's legacy top-level constants (zlib.Z_SYNC_FLUSH, as node-fetch uses),
// non-enumerable on the default export exactly like node's
for (const name of Object.getOwnPropertyNames(nodeZlibModule)) {
  if (name.startsWith('Z_')) {
    Object.defineProperty(zlib, name, { value: (nodeZlibModule as unknown as Record<string, number>)[name], enumerable: false });
  }
}

/** Default export shaped like `import zlib from 'node:zlib'`. */
export default zlib;
