/**
 * The facade's process-wide default context: created on first use (so
 * `gzipSync()` works synchronously on its very first call) and never at
 * import time. Its queues unref when idle, so it does not keep the process
 * alive.
 */
import { createContextSync } from '@warpdrive/core';
import zip, { type ZipMethods } from '../index.js';
import type { NodeStreams } from '../node-compat.js';

/** The plugin methods the facade uses. */
export type ZipContext = Pick<
  ZipMethods,
  'compress' | 'decompress' | 'compressSync' | 'decompressSync' | 'createCompressStream' | 'createDecompressStream'
> &
  NodeStreams;

let defaultContext: ZipContext | undefined;

/**
 * The default context, opened on first call.
 *
 * @throws WarpdriveError if the soft device cannot start (e.g. the native addon is missing)
 */
export function getDefaultContext(): ZipContext {
  defaultContext ??= createContextSync({ plugins: [zip()] }) as unknown as ZipContext;
  return defaultContext;
}
