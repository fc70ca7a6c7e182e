/**
 * node:stream Transforms over a {@link StreamCore}, with node:zlib's extras:
 * `flush(kind, cb)` ordered with writes, `bytesWritten`, `close(cb)`.
 * Backpressure is Transform's own: the write callback is held while the
 * readable side is full.
 */
import type { TransformCallback } from 'node:stream';
import { WarpdriveError } from '@warpdrive/core';
import { TrustedTransform, bufferOf, isTypedArray, lengthOf, viewOf } from '@warpdrive/core/plugin-kit';
import { StreamCore, type StepFlush } from './stream-core.js';
import type { FlushKind, ZipStream } from './types.js';

// Zero-length marker chunks, recognised by identity (node:zlib's trick), so
// a flush is ordered with the writes before it.
const FLUSH_MARK: Readonly<Record<FlushKind, Buffer>> = { sync: Buffer.alloc(0), full: Buffer.alloc(0) };

/** A compressing or decompressing Transform. */
export class ZipTransform extends TrustedTransform implements ZipStream {
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
