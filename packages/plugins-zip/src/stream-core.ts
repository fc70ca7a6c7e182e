/**
 * The engine side of a compress/decompress stream, shared by the Node
 * Transform and the WHATWG TransformStream.
 *
 * The engine keeps the zlib state behind a handle; this object owns that
 * handle, drives it with one request at a time, and releases it on end,
 * on destroy, or — if the user drops the stream without either — through a
 * FinalizationRegistry safety net.
 */
import { WarpdriveError, type PluginHost } from '@warpdrive/core';
import type { StreamStepResult } from './codec.js';
import { outputLimitError } from './errors.js';
import { encodeGzipHeader } from './gzip-header.js';
import { OP, ZIP_F_DECOMPRESS, ZIP_F_FINISH, ZIP_F_MULTI_MEMBER, ZIP_FLUSH, ZIP_FMT, ZIP_LEVEL_SHIFT } from './opcodes.js';
import type { CompressParams, DecompressParams } from './options.js';

/** Flush modes of a step. */
export type StepFlush = 'none' | 'sync' | 'full' | 'finish';

interface Held {
  readonly host: PluginHost;
  readonly handle: number;
}

// Streams dropped without end/destroy still free their engine state.
const leaked = new FinalizationRegistry<Held>(({ host, handle }) => {
  host.run(OP.streamEnd, { handle }).catch(() => undefined);
});

const EMPTY = Buffer.alloc(0);
const MIN_ROOM = 512;

/** Engine stream for one direction. */
export class StreamCore {
  /** Input bytes consumed. */
  bytesIn = 0;
  /** Output bytes produced. */
  bytesOut = 0;
  private handle: number | undefined;
  private initing: Promise<number> | undefined;
  private out: Buffer = EMPTY;
  private outPos = 0;
  private ended = false;
  private released = false;
  private busy: Promise<unknown> = Promise.resolve();
  private readonly token = {};

  private constructor(
    private readonly host: PluginHost,
    private readonly inflate: boolean,
    private readonly initFlags: number,
    private readonly header: Buffer | undefined,
    private readonly chunkSize: number,
    private readonly limit: number,
  ) {}

  /** A compressing core. */
  static compress(host: PluginHost, p: CompressParams): StreamCore {
    const header = p.gzip === undefined ? undefined : encodeGzipHeader(p.gzip, p.level);
    return new StreamCore(host, false, ZIP_FMT[p.format] | (p.level << ZIP_LEVEL_SHIFT), header, p.chunkSize, Infinity);
  }

  /** A decompressing core. */
  static decompress(host: PluginHost, p: DecompressParams): StreamCore {
    const flags = ZIP_FMT[p.format] | (p.multiMember ? ZIP_F_MULTI_MEMBER : 0) | ZIP_F_DECOMPRESS;
    return new StreamCore(host, true, flags, undefined, p.chunkSize, p.maxOutputLength);
  }

  private async open(): Promise<number> {
    if (this.handle !== undefined) return this.handle;
    if (this.released) throw new WarpdriveError('ERR_INVALID_ARGUMENT', 'the stream was closed');
    this.initing ??= this.host.run<number>(OP.streamInit, { opFlags: this.initFlags, header: this.header }).then((h) => {
      this.handle = h;
      if (this.released) {
        this.releaseHandle();
      } else {
        leaked.register(this, { host: this.host, handle: h }, this.token);
      }
      return h;
    });
    return this.initing;
  }

  private room(): Buffer {
    if (this.out.length - this.outPos < MIN_ROOM) {
      this.out = Buffer.allocUnsafe(this.chunkSize);
      this.outPos = 0;
    }
    return this.out.subarray(this.outPos);
  }

  /**
   * Feed `chunk` (may be empty) with a flush mode; `emit` receives output
   * slices in order. Calls are serialized.
   * @throws WarpdriveError (data errors, `ERR_OUTPUT_LIMIT`, `ERR_CONTEXT_CLOSED`)
   */
  process(chunk: Uint8Array, flush: StepFlush, emit: (out: Buffer) => void): Promise<void> {
    const run = this.busy.then(() => this.step(chunk, flush, emit));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async step(chunk: Uint8Array, flush: StepFlush, emit: (out: Buffer) => void): Promise<void> {
    if (this.ended) {
      if (chunk.byteLength === 0) return;
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', 'write after the end of the stream');
    }
    const handle = await this.open();
    const op = this.inflate ? OP.streamInflate : OP.streamDeflate;
    const opFlags = this.inflate ? (flush === 'finish' ? ZIP_F_FINISH : 0) : ZIP_FLUSH[flush];
    let offset = 0;
    for (;;) {
      const dst = this.room();
      const r = await this.host.run<StreamStepResult>(op, { handle, src: chunk.subarray(offset), dst, opFlags });
      offset += r.consumed;
      this.bytesIn += r.consumed;
      if (r.produced > 0) {
        this.bytesOut += r.produced;
        if (this.bytesOut > this.limit) throw outputLimitError(this.limit);
        emit(this.out.subarray(this.outPos, this.outPos + r.produced));
        this.outPos += r.produced;
      }
      // An inflate stream at the end of a gzip member may still get another
      // member in a later write: only the engine knows; ended = finished.
      if (r.end && (!this.inflate || flush === 'finish')) this.ended = true;
      if (r.more) continue;
      if (offset < chunk.byteLength && !this.ended) {
        if (r.consumed === 0 && r.produced === 0) throw new WarpdriveError('ERR_DEVICE', 'the zip engine made no progress');
        continue;
      }
      break;
    }
    if (this.ended && offset < chunk.byteLength) {
      throw new WarpdriveError('ERR_DATA_CORRUPT', 'unexpected data after the end of the compressed stream', { details: { reason: 'trailing-data' } });
    }
  }

  /** Free the engine state (idempotent; waits for the request in flight). */
  release(): Promise<void> {
    if (this.released) return Promise.resolve();
    this.released = true;
    return this.busy.then(() => this.releaseHandle());
  }

  private releaseHandle(): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) return Promise.resolve();
    this.handle = undefined;
    leaked.unregister(this.token);
    return this.host.run<void>(OP.streamEnd, { handle }).catch(() => undefined);
  }
}
