/**
 * createGzip() and friends: the plugin's Transform streams, adapted to
 * node:zlib's stream surface (node-shaped errors, numeric flush kinds).
 */
import type { Transform } from 'node:stream';
import { constants } from 'node:zlib';
import type { ZipFormat } from '../index.js';
import { kNodeDecompressStream } from '../node-compat.js';
import { getDefaultContext } from './context.js';
import { toNodeError, type NodeStyleError } from './errors.js';
import { resolveOptions, type Mode } from './options.js';

/** A facade stream: a Transform with node:zlib's extra methods. */
export interface ZlibStream extends Transform {
  /** Input bytes consumed so far. */
  readonly bytesWritten: number;
  /** node's `flush([kind], [callback])`; kind Z_SYNC_FLUSH or Z_FULL_FLUSH (default). */
  flush(kind?: number | (() => void), callback?: () => void): void;
  /** Ends the stream early, like node's `close()`. */
  close(callback?: () => void): void;
  /** Not supported: changing the level mid-stream. Throws ERR_METHOD_NOT_IMPLEMENTED. */
  params(level: number, strategy: number, callback: () => void): void;
  /** Not supported. Throws ERR_METHOD_NOT_IMPLEMENTED. */
  reset(): void;
}

function notImplemented(method: string): NodeStyleError {
  const err = new Error(`The ${method} method is not implemented by @warpdrive/plugin-zip/zlib`) as NodeStyleError;
  err.code = 'ERR_METHOD_NOT_IMPLEMENTED';
  return err;
}

type PluginStream = Transform & { flush(kind?: 'sync' | 'full', callback?: () => void): void };

/**
 * Creates the facade stream for `mode`.
 *
 * @throws TypeError/RangeError like node's constructors for bad options
 */
export function createStream(mode: Mode, options: unknown): ZlibStream {
  const r = resolveOptions(mode, options, false);
  const ctx = getDefaultContext();
  // node's output chunks are at most chunkSize, default Z_DEFAULT_CHUNK (16 KiB)
  const chunk = { chunkSize: r.chunkSize ?? constants.Z_DEFAULT_CHUNK };
  const stream = (
    r.compress
      ? ctx.createCompressStream({ format: r.format as ZipFormat, level: r.level as never, ...chunk })
      : ctx[kNodeDecompressStream]({ format: r.format, ...chunk })
  ) as unknown as PluginStream;

  // Errors reach users through destroy(err) (which also sets `errored`, what
  // pipeline() reports) or a direct emit('error'): map both, once.
  const destroy = stream.destroy;
  stream.destroy = function (this: PluginStream, err?: Error | null, ...rest: unknown[]) {
    return (destroy as (...a: unknown[]) => PluginStream).call(this, err ? toNodeError(err, r.maxOutputLength) : err, ...rest);
  } as PluginStream['destroy'];
  const emit = stream.emit;
  stream.emit = function (this: PluginStream, event: string | symbol, ...args: unknown[]) {
    if (event === 'error') args[0] = toNodeError(args[0], r.maxOutputLength);
    return emit.call(this, event, ...args);
  } as PluginStream['emit'];

  const pluginFlush = stream.flush.bind(stream);
  const facade = stream as unknown as ZlibStream;
  facade.flush = (kind?: number | (() => void), callback?: () => void) => {
    if (typeof kind === 'function') {
      callback = kind;
      kind = constants.Z_FULL_FLUSH;
    }
    pluginFlush(kind === constants.Z_SYNC_FLUSH ? 'sync' : 'full', callback);
  };
  facade.params = () => {
    throw notImplemented('params()');
  };
  facade.reset = () => {
    throw notImplemented('reset()');
  };
  return facade;
}
