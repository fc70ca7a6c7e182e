/**
 * The one context method only the node:zlib facade uses, keyed by a symbol
 * so it stays off the public API: a decompressing Transform that treats
 * bytes after the end of the data as node:zlib's streams do (see
 * StreamCore, trailing mode `node`) instead of the plugin's strict error.
 */
import type { DecompressOptions, DecompressStream, StreamOptions } from './types.js';

export const kNodeDecompressStream: unique symbol = Symbol('warpdrive.zip.nodeDecompressStream');

/** Context methods keyed by {@link kNodeDecompressStream}. */
export interface NodeStreams {
  [kNodeDecompressStream](options?: DecompressOptions & StreamOptions): DecompressStream;
}
