/**
 * @warpdrive/plugin-zip: deflate, zlib and gzip on warpdrive queues.
 *
 * @example
 * import zip from '@warpdrive/plugin-zip';
 * const ctx = await createContext({ plugins: [zip()] });
 * const gz = await ctx.compress(buf, { format: 'gzip', level: 'fastest' });
 */
export { default, default as zip, ENGINE_LIBRARY, type ZipPluginOptions } from './plugin.js';
export type {
  ZipFormat, ZipLevel, GzipHeader, CompressOptions, DecompressOptions, OneShotCompressOptions, OneShotDecompressOptions, OutputMemory, StreamOptions, ZipMethods,
  CompressStream, DecompressStream, ZipStream, FlushKind,
} from './types.js';
export { ZipTransform } from './node-stream.js';
export { ZIP_OP, ZIP_DETAIL, type CorruptReason } from './opcodes.js';
export { rawBound } from './oneshot.js';
