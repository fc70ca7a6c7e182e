/**
 * node:stream Transforms over a {@link StreamCore}, with node:zlib's extras:
 * `flush(kind, cb)` ordered with writes, `bytesWritten`, `close(cb)`.
 * Backpressure is Transform's own: the write callback is held while the
 * readable side is full.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { WarpdriveError } from '@warpdrive/core';
import { bufferOf, isTypedArray, lengthOf, viewOf } from '@warpdrive/core/plugin-kit';
import { StreamCore, type StepFlush } from './stream-core.js';
import type { FlushKind, ZipStream } from './types.js';

// Zero-length marker chunks, recognised by identity (node:zlib's trick), so
// a flush is ordered with the writes before it.
const FLUSH_MARK: Readonly<Record<FlushKind, Buffer>> = { sync: Buffer.alloc(0), full: Buffer.alloc(0) };

type WriteCallback = (error: Error | null | undefined) => void;

/**
 * A written view that is not a Buffer, as a Buffer over its true bytes.
 * node's Writable converts such a chunk itself from the chunk's own
 * `buffer`/`byteOffset`/`byteLength` properties, which the caller's object
 * may answer with anything; Buffers (and everything else) reach
 * `_transform`, which takes the kit's view of them.
 */
function trustedChunk(chunk: unknown): unknown {
  if (typeof chunk === 'string' || chunk === null || chunk === undefined) return chunk; // node's own cases
  if (isTypedArray(chunk) && chunk instanceof Buffer) return chunk; // as it is: _transform takes the kit's view
  // anything else is refused here: node would read a Proxy's `length` through the Buffer getter and throw a bare TypeError
  const view = viewOf(chunk, 'chunk', { expected: 'a string, Buffer, TypedArray or DataView' });
  return bufferOf(view, 0, lengthOf(view), 'chunk');
}

/** A compressing or decompressing Transform. */
export class ZipTransform extends Transform implements ZipStream {
  private readonly core: StreamCore;

  /** @internal Created by `ctx.createCompressStream` / `ctx.createDecompressStream`. */
  constructor(core: StreamCore) {
    super();
    this.core = core;
  }

  /** Input bytes consumed so far. */
  get bytesWritten(): number {
    return this.core.bytesIn;
  }

  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    let trusted: unknown;
    try {
      trusted = trustedChunk(chunk);
    } catch (err) {
      // (as node does with a chunk it refuses: the callback and 'error' get it)
      const cb = typeof encoding === 'function' ? encoding : callback;
      if (cb !== undefined) process.nextTick(cb, err as Error);
      this.destroy(err as Error);
      return false;
    }
    return super.write(trusted, encoding as BufferEncoding, callback);
  }

  override end(chunk?: unknown, encoding?: BufferEncoding | (() => void), callback?: () => void): this {
    if (typeof chunk === 'function' || chunk === undefined || chunk === null) return super.end(chunk as () => void);
    let trusted: unknown;
    try {
      trusted = trustedChunk(chunk);
    } catch (err) {
      const cb = typeof encoding === 'function' ? encoding : callback;
      if (cb !== undefined) this.once('error', () => cb());
      this.destroy(err as Error);
      return this;
    }
    return super.end(trusted, encoding as BufferEncoding, callback);
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    let view: Uint8Array;
    let flush: StepFlush = 'none';
    if (chunk === FLUSH_MARK.sync || chunk === FLUSH_MARK.full) {
      view = chunk as Buffer;
      flush = chunk === FLUSH_MARK.sync ? 'sync' : 'full';
    } else {
      try {
        view = viewOf(chunk, 'chunk', { expected: 'a Buffer or Uint8Array' });
      } catch (err) {
        callback(err as Error);
        return;
      }
    }
    // node:zlib finishes with the last chunk written after end() (a
    // truncated stream fails in that write, not after it): the facade's
    // inflate streams do the same
    if (this.core.nodeMode && this.writableEnded && this.writableLength === lengthOf(view)) flush = 'finish';
    this.core.process(view, flush, (out) => this.push(out)).then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.core
      .process(Buffer.alloc(0), 'finish', (out) => this.push(out))
      .then(() => this.core.release())
      .then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    void this.core.release();
    callback(error);
  }

  /**
   * Flush the output so far: `sync` (Z_SYNC_FLUSH) or `full` (Z_FULL_FLUSH,
   * the default, like node:zlib). Output is decodable up to this point.
   */
  flush(kind?: FlushKind | (() => void), callback?: () => void): void {
    if (typeof kind === 'function') {
      callback = kind;
      kind = 'full';
    }
    // (not FLUSH_MARK[kind]: 'toString' would find Object.prototype's)
    const mark = kind === 'sync' ? FLUSH_MARK.sync : kind === 'full' || kind === undefined ? FLUSH_MARK.full : undefined;
    if (mark === undefined) {
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', "`kind` must be 'sync' or 'full'", { details: { argument: 'kind' } });
    }
    if (this.writableEnded) {
      if (callback !== undefined) process.nextTick(callback);
      return;
    }
    this.write(mark, callback === undefined ? undefined : () => callback!());
  }

  /** Destroy the stream (releasing its engine state); `callback` runs on 'close'. */
  close(callback?: () => void): void {
    if (callback !== undefined) this.once('close', callback);
    this.destroy();
  }
}
