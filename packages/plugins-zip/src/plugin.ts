/**
 * The plugin factory: operations, the engine, and the methods merged onto
 * the context.
 */
import { WD_SOFT_API_V1, definePlugin, type Plugin, type PluginHost } from '@warpdrive/core';
import { ENGINE_PATH, engineLibrary } from './engine-path.js';
import { integerOption, ownOptions } from '@warpdrive/core/plugin-kit';
import {
  compressCodec, decompressCodec, infoCodec, streamDeflateCodec, streamEndCodec, streamInflateCodec, streamInitCodec,
} from './codec.js';
import { ZipTransform } from './node-stream.js';
import { OP, ZIP_OP } from './opcodes.js';
import { compress, compressSync, decompress, decompressSync } from './oneshot.js';
import { compressParams, decompressParams } from './options.js';
import { CallerOuts } from './out-memory.js';
import { OutputPool } from './out-pool.js';
import { LiveStreams } from './live-streams.js';
import { kNodeDecompressStream, type NodeStreams } from './node-compat.js';
import { liveStreams, streamHost } from './queue-pin.js';
import { StreamCore } from './stream-core.js';
import type { ZipMethods } from './types.js';
import { webTransform } from './web-stream.js';

/** Options of the {@link zip} factory. */
export interface ZipPluginOptions {
  /**
   * Async requests with fewer input bytes run on the inline path (the
   * calling thread) instead of a queue round trip. Default 0 (always the
   * queue); see README for measurements.
   */
  readonly inlineBelow?: number;
}

/** Path of the engine library: the local build, else the platform package (see ./engine-path.ts). */
export const ENGINE_LIBRARY: string = ENGINE_PATH;

function methods(host: PluginHost, inlineBelow: number): ZipMethods & NodeStreams {
  const pool = new OutputPool();
  const live = new LiveStreams(host);
  const outs = new CallerOuts();
  // queued requests into a caller's out finish before the queues close
  host.onClose(() => outs.settled());
  return {
    compress: (data, options) => compress(host, data, options, inlineBelow, pool, outs),
    decompress: (data, options) => decompress(host, live, data, options, inlineBelow, pool, outs),
    compressSync: (data, options) => compressSync(host, data, options, pool),
    decompressSync: (data, options) => decompressSync(host, live, data, options, pool),
    createCompressStream: (options) => new ZipTransform(StreamCore.compress(streamHost(host), live, compressParams(options, true))),
    createDecompressStream: (options) => new ZipTransform(StreamCore.decompress(streamHost(host), live, decompressParams(options, true))),
    compressionStream: (options) => webTransform(StreamCore.compress(streamHost(host), live, compressParams(options, true))),
    decompressionStream: (options) => webTransform(StreamCore.decompress(streamHost(host), live, decompressParams(options, true))),
    zipLiveStreams: () => liveStreams(host),
    [kNodeDecompressStream]: (options) => new ZipTransform(StreamCore.decompress(streamHost(host), live, decompressParams(options, true), 'node')),
  };
}

/**
 * The zip plugin: `createContext({ plugins: [zip()] })`.
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` for a bad `options.inlineBelow` or an unknown option
 */
export default function zip(options?: ZipPluginOptions): Plugin<ZipMethods> {
  // own properties only, read once (a polluted Object.prototype.inlineBelow is not an option)
  const o = ownOptions(options, 'options', ['inlineBelow']);
  const inlineBelow = integerOption(o.inlineBelow, 'options.inlineBelow', 0, Number.MAX_SAFE_INTEGER, 0);
  const api = <C>(codec: C) => ({ [WD_SOFT_API_V1]: codec });
  return definePlugin<ZipMethods>({
    name: 'zip',
    algorithms: ['deflate', 'zlib', 'gzip'],
    operations: {
      [OP.compress]: { opcode: ZIP_OP.COMPRESS, api: api(compressCodec) },
      [OP.decompress]: { opcode: ZIP_OP.DECOMPRESS, api: api(decompressCodec) },
      [OP.streamInit]: { opcode: ZIP_OP.STREAM_INIT, api: api(streamInitCodec) },
      [OP.streamDeflate]: { opcode: ZIP_OP.STREAM_DEFLATE, api: api(streamDeflateCodec) },
      [OP.streamInflate]: { opcode: ZIP_OP.STREAM_INFLATE, api: api(streamInflateCodec) },
      [OP.streamEnd]: { opcode: ZIP_OP.STREAM_END, api: api(streamEndCodec) },
      [OP.info]: { opcode: ZIP_OP.INFO, api: api(infoCodec) },
    },
    softEngines: [{ library: engineLibrary(), symbol: 'zip_engine_get' }],
    extend: (ctx) => methods(ctx, inlineBelow),
  });
}
