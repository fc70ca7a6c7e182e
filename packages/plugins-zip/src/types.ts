/**
 * Public types of @warpdrive/plugin-zip (see the API contract in README).
 */
import type { Transform } from 'node:stream';
import type { TransformStream } from 'node:stream/web';
import type { BufferInput } from '@warpdrive/core';

/** `deflate` is raw RFC 1951; `zlib` RFC 1950; `gzip` RFC 1952. */
export type ZipFormat = 'deflate' | 'zlib' | 'gzip';
/** 0 (stored) … 9; `fastest` = 1, `default` = 6, `best` = 9. */
export type ZipLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 'fastest' | 'default' | 'best';

/** Gzip member header fields written on compression. */
export interface GzipHeader {
  /** Original file name (FNAME), Latin-1, no NUL. */
  name?: string;
  /** Comment (FCOMMENT), Latin-1, no NUL. */
  comment?: string;
  /** Modification time: seconds since the epoch, or a Date (default 0 = none). */
  mtime?: number | Date;
  /** OS byte, 0..255 (default 3 = Unix, as zlib writes). */
  os?: number;
  /** FEXTRA payload, at most 65535 bytes. */
  extra?: Uint8Array;
}

/** Options of compression. */
export interface CompressOptions {
  /** Default `gzip`. */
  format?: ZipFormat;
  /** Default `default` (6). */
  level?: ZipLevel;
  /** Header fields, only with format `gzip`. */
  gzip?: GzipHeader;
}

/** Options of decompression. */
export interface DecompressOptions {
  /** Default `auto`: gzip or zlib detected from the header; raw deflate must be explicit. */
  format?: ZipFormat | 'auto';
  /** Most output bytes; more is `ERR_OUTPUT_LIMIT`. Default `buffer.constants.MAX_LENGTH`. */
  maxOutputLength?: number;
  /** Gzip: decode concatenated members (default true, like gunzip). */
  multiMember?: boolean;
}

/** The caller's output memory of a one-shot call (`options.out`). */
export type OutputMemory = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/** Options of one-shot compression ({@link ZipMethods.compress}, {@link ZipMethods.compressSync}). */
export interface OneShotCompressOptions extends CompressOptions {
  /**
   * Compress into this memory instead of a new Buffer: the result is a
   * Buffer view of its first bytes (no allocation, no copy). Output that
   * does not fit is `ERR_OUTPUT_TOO_SMALL` (incompressible data needs a
   * little more than its own size); `out` must not overlap `data`, and must
   * not be read or reused before the promise settles.
   */
  out?: OutputMemory;
}

/** Options of one-shot decompression ({@link ZipMethods.decompress}, {@link ZipMethods.decompressSync}). */
export interface OneShotDecompressOptions extends DecompressOptions {
  /**
   * Decompress into this memory instead of a new Buffer: the result is a
   * Buffer view of its first bytes (no allocation, no copy), so a caller
   * that reuses one `out` per request in flight makes no garbage at all.
   * Data that does not fit is `ERR_OUTPUT_TOO_SMALL`; `out` must not
   * overlap `data`, and must not be read or reused before the promise settles.
   */
  out?: OutputMemory;
}

/** Options of streams. */
export interface StreamOptions {
  /** Output chunk bytes, default 64 KiB. */
  chunkSize?: number;
}

/** Flush kinds of {@link ZipStream.flush}. */
export type FlushKind = 'sync' | 'full';

/** A node:stream Transform with zlib-like extras. */
export interface ZipStream extends Transform {
  /** Flush output so far (`Z_SYNC_FLUSH` / `Z_FULL_FLUSH`); default `full`. */
  flush(kind?: FlushKind, callback?: () => void): void;
  flush(callback?: () => void): void;
  /** Input bytes consumed so far. */
  readonly bytesWritten: number;
  /** Destroy the stream and release its engine state. */
  close(callback?: () => void): void;
}
/** Compressing Transform. */
export type CompressStream = ZipStream;
/** Decompressing Transform; emits 'error' with a WarpdriveError on bad data or `ERR_OUTPUT_LIMIT`. */
export type DecompressStream = ZipStream;

/** Methods the plugin adds to a context. */
export interface ZipMethods {
  /**
   * Compress `data` on the device.
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` (bad data/options), `ERR_OUTPUT_TOO_SMALL` (`options.out`),
   *   `ERR_BUFFER_DETACHED`, `ERR_CONTEXT_CLOSED`
   */
  compress(data: BufferInput, options?: OneShotCompressOptions): Promise<Buffer>;
  /**
   * Decompress `data`.
   * @throws WarpdriveError `ERR_DATA_CORRUPT` (`details.reason`), `ERR_DATA_TRUNCATED`,
   *   `ERR_OUTPUT_LIMIT`, `ERR_OUTPUT_TOO_SMALL` (`options.out`), `ERR_BUFFER_DETACHED`,
   *   `ERR_INVALID_ARGUMENT`, `ERR_CONTEXT_CLOSED`
   */
  decompress(data: BufferInput, options?: OneShotDecompressOptions): Promise<Buffer>;
  /** {@link ZipMethods.compress} on the calling thread (inline path). */
  compressSync(data: BufferInput, options?: OneShotCompressOptions): Buffer;
  /** {@link ZipMethods.decompress} on the calling thread (inline path). */
  decompressSync(data: BufferInput, options?: OneShotDecompressOptions): Buffer;
  /** A compressing node:stream Transform. */
  createCompressStream(options?: CompressOptions & StreamOptions): CompressStream;
  /** A decompressing node:stream Transform. */
  createDecompressStream(options?: DecompressOptions & StreamOptions): DecompressStream;
  /** A compressing WHATWG TransformStream. */
  compressionStream(options?: CompressOptions & StreamOptions): TransformStream<Uint8Array, Uint8Array>;
  /** A decompressing WHATWG TransformStream. */
  decompressionStream(options?: DecompressOptions & StreamOptions): TransformStream<Uint8Array, Uint8Array>;
  /** Engine streams alive in this process (diagnostics; streams not yet ended). */
  zipLiveStreams(): Promise<number>;
}
