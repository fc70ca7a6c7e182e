/**
 * The engine side of a compress/decompress stream, shared by the Node
 * Transform and the WHATWG TransformStream.
 *
 * The engine keeps the zlib state behind a handle; this object owns that
 * handle, drives it with one request at a time, and releases it on end,
 * on destroy, when its context closes (LiveStreams), or — if the user drops
 * the stream without any of these — through a FinalizationRegistry safety net.
 *
 * Output windows: one request fills a window sized for the whole write
 * (inflate: the input left × the ratio seen so far; deflate: the input's
 * worst case), up to 4 MiB, so a write is one queue round trip rather than
 * one per `chunkSize` of output; the window is then emitted in slices of at
 * most `chunkSize` (no copy), the chunk size node:zlib users expect.
 */
import { WarpdriveError, type PluginHost } from '@warpdrive/core';
import { bufferOf, lengthOf } from '@warpdrive/core/plugin-kit';
import type { StreamStepResult } from './codec.js';
import { outputLimitError } from './errors.js';
import type { LiveStreams } from './live-streams.js';
import { OP, ZIP_F_DECOMPRESS, ZIP_F_FINISH, ZIP_F_MULTI_MEMBER, ZIP_F_STOP_AT_END, ZIP_FLUSH, ZIP_FMT, ZIP_LEVEL_SHIFT } from './opcodes.js';
import type { CompressParams, DecompressParams } from './options.js';

/** Flush modes of a step. */
export type StepFlush = 'none' | 'sync' | 'full' | 'finish';

/**
 * What an inflate stream does with bytes after the end of the compressed
 * data: `strict` fails with ERR_DATA_CORRUPT (reason `trailing-data`);
 * `node` follows node:zlib's streams (see {@link StreamCore.step}).
 */
export type TrailingMode = 'strict' | 'node';

interface Held {
  readonly live: LiveStreams;
  readonly handle: number;
  readonly host: PluginHost;
}

// Streams dropped without end/destroy still free their engine state.
const leaked = new FinalizationRegistry<Held>(({ live, handle, host }) => {
  live.end(handle, host).catch(() => undefined);
});

const EMPTY = Buffer.alloc(0);

function producedOf(err: unknown): number {
  const p = (err as { details?: { produced?: unknown } })?.details?.produced;
  return typeof p === 'number' ? p : 0;
}
const MIN_ROOM = 512;
const MAX_WINDOW = 4 * 1024 * 1024;
const REUSE_ROOM = 64 * 1024;
/** Inflate ratio assumed before any output was seen. */
const FIRST_RATIO = 4;

/** Engine stream for one direction. */
export class StreamCore {
  /** Input bytes consumed (a double: exact far beyond 4 GiB). */
  bytesIn = 0;
  /** Output bytes produced. */
  bytesOut = 0;
  private handle: number | undefined;
  private initing: Promise<number> | undefined;
  private out: Buffer = EMPTY;
  private outPos = 0;
  private ended = false;
  /** node mode: the data ended and every later input byte is ignored. */
  private ignoring = false;
  /** gzip data (node's padding and member rules), known from the first bytes. */
  private gzip: boolean | undefined;
  private released = false;
  private contextClosed = false;
  private busy: Promise<unknown> = Promise.resolve();
  private readonly token = {};

  private constructor(
    private readonly host: PluginHost,
    private readonly live: LiveStreams,
    private readonly inflate: boolean,
    private readonly initFlags: number,
    private readonly header: Buffer | undefined,
    private readonly chunkSize: number,
    private readonly limit: number,
    private readonly trailing: TrailingMode,
  ) {}

  /** A compressing core. */
  static compress(host: PluginHost, live: LiveStreams, p: CompressParams): StreamCore {
    return new StreamCore(host, live, false, ZIP_FMT[p.format] | (p.level << ZIP_LEVEL_SHIFT), p.header, p.chunkSize, Infinity, 'strict');
  }

  /** A decompressing core. */
  static decompress(host: PluginHost, live: LiveStreams, p: DecompressParams, trailing: TrailingMode = 'strict'): StreamCore {
    const flags = ZIP_FMT[p.format] | (p.multiMember ? ZIP_F_MULTI_MEMBER : 0) | ZIP_F_DECOMPRESS;
    const core = new StreamCore(host, live, true, flags, undefined, p.chunkSize, p.maxOutputLength, trailing);
    if (p.format !== 'auto') core.gzip = p.format === 'gzip';
    return core;
  }

  private async open(): Promise<number> {
    if (this.handle !== undefined) return this.handle;
    if (this.released) {
      throw this.contextClosed
        ? new WarpdriveError('ERR_CONTEXT_CLOSED', 'the context was closed')
        : new WarpdriveError('ERR_INVALID_ARGUMENT', 'the stream was closed');
    }
    this.initing ??= this.live.trackInit(this.host.run<number>(OP.streamInit, { opFlags: this.initFlags, header: this.header })).then((h) => {
      this.handle = h;
      this.live.add(h, this);
      if (this.released) {
        void this.releaseHandle();
      } else {
        leaked.register(this, { live: this.live, handle: h, host: this.host }, this.token);
      }
      return h;
    });
    return this.initing;
  }

  /** Output bytes this step is expected to produce for `inputLeft` more input. */
  private expected(inputLeft: number): number {
    // deflate buffers input and emits blocks in bursts of up to its 64 KiB
    // pending buffer (zlib, memLevel 8), whatever this write's size
    if (!this.inflate) return inputLeft + (inputLeft >>> 4) + 64 * 1024;
    const ratio = this.bytesIn > 0 && this.bytesOut > 0 ? this.bytesOut / this.bytesIn : FIRST_RATIO;
    return Math.ceil(inputLeft * ratio * 1.25) + 1024;
  }

  /**
   * Room for the next step: the rest of the window, or a new one. In node
   * mode a step's room ends on a multiple of chunkSize of the total output,
   * where node:zlib's output buffers end, so that output emitted before an
   * error is what node would have pushed.
   */
  private room(inputLeft: number, afterMore: boolean): Buffer {
    const cs = this.chunkSize;
    const node = this.trailing === 'node';
    const toBoundary = cs - (this.bytesOut % cs);
    // after a full window the data outgrew the estimate: no small windows now
    let want = Math.min(Math.max(this.expected(inputLeft), cs, afterMore ? REUSE_ROOM : 0), MAX_WINDOW);
    if (node && want < toBoundary) want = toBoundary; // chunkSize above MAX_WINDOW
    // the rest of the window is used if it holds this write's expected output
    // (or 64 KiB of it): a small rest would cost extra round trips
    const enough = Math.max(MIN_ROOM, Math.min(want, Math.max(cs, REUSE_ROOM)));
    if (lengthOf(this.out) - this.outPos < (node ? Math.max(toBoundary, enough) : enough)) {
      this.out = Buffer.allocUnsafe(want);
      this.outPos = 0;
    }
    const room = lengthOf(this.out) - this.outPos;
    const len = node ? room - ((this.bytesOut + room) % cs) : room;
    return this.out.subarray(this.outPos, this.outPos + len);
  }

  /** Emit `n` bytes at the window position in slices of at most chunkSize. */
  private emitOut(n: number, emit: (out: Buffer) => void): void {
    for (let done = 0; done < n; ) {
      const len = Math.min(n - done, this.chunkSize);
      emit(this.out.subarray(this.outPos, this.outPos + len));
      this.outPos += len;
      done += len;
    }
  }

  /**
   * node mode, a write failing after a step produced `produced` bytes at the
   * window position: emit what node would have pushed before its failing
   * zlib call: everything up to the last full output buffer (a multiple of
   * chunkSize of the total), at least what this write had emitted already.
   */
  private emitPushed(outAtWrite: number, produced: number, emit: (out: Buffer) => void): void {
    const total = this.bytesOut + produced;
    const pushed = Math.max(outAtWrite, Math.floor(total / this.chunkSize) * this.chunkSize);
    const keep = Math.min(Math.max(pushed - this.bytesOut, 0), produced);
    this.bytesOut += keep;
    this.emitOut(keep, emit);
  }

  /** Inflate in node mode (the facade)? */
  get nodeMode(): boolean {
    return this.inflate && this.trailing === 'node';
  }

  /**
   * Feed `chunk` (may be empty; the kit's view of the caller's chunk, or the
   * plugin's own) with a flush mode; `emit` receives output slices in
   * order. Calls are serialized.
   * @throws WarpdriveError (data errors, `ERR_OUTPUT_LIMIT`, `ERR_CONTEXT_CLOSED`)
   */
  process(chunk: Uint8Array, flush: StepFlush, emit: (out: Buffer) => void): Promise<void> {
    const run = this.busy.then(() => this.step(chunk, flush, emit));
    this.busy = run.catch(() => undefined);
    return run;
  }

  /**
   * node mode, after the data ended with `rest` (non-empty) left in the
   * current write; node:zlib decides per write: zlib and raw data ignore
   * everything after the end; gzip ignores the rest of a write that
   * continues with a 0x00 byte (padding) and reads anything else as another
   * member (the engine already took those starting 0x1f 0x8b...), which
   * then fails its header check.
   * @returns true to drop the rest of this write; throws for a bad "member"
   */
  private nodeTrailing(rest: Uint8Array): boolean {
    if (!this.gzip) {
      this.ignoring = true;
      return true;
    }
    return rest[0] === 0;
  }

  private async step(chunk: Uint8Array, flush: StepFlush, emit: (out: Buffer) => void): Promise<void> {
    if (this.ignoring) return;
    const n = lengthOf(chunk);
    if (this.ended) {
      if (n === 0) return;
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', 'write after the end of the stream');
    }
    const node = this.inflate && this.trailing === 'node';
    if (node && this.gzip === undefined && n > 0) this.gzip = chunk[0] === 0x1f;
    const handle = await this.open();
    const op = this.inflate ? OP.streamInflate : OP.streamDeflate;
    const opFlags = this.inflate ? (flush === 'finish' ? ZIP_F_FINISH : 0) | (node ? ZIP_F_STOP_AT_END : 0) : ZIP_FLUSH[flush];
    const outAtWrite = this.bytesOut;
    let offset = 0;
    let afterMore = false;
    for (;;) {
      const dst = this.room(n - offset, afterMore);
      // (bufferOf, not subarray: the caller may have detached the chunk since the last step)
      const src = bufferOf(chunk, offset, n, 'chunk');
      let r: StreamStepResult;
      try {
        r = await this.host.run<StreamStepResult>(op, { handle, src, dst, opFlags });
      } catch (err) {
        if (node) this.emitPushed(outAtWrite, producedOf(err), emit);
        throw err;
      }
      offset += r.consumed;
      this.bytesIn += r.consumed;
      // node: data ended with bytes left in this write (the engine stopped there)
      const stopped = node && r.end && offset < n;
      if (stopped && !this.nodeTrailing(bufferOf(chunk, offset, n, 'chunk'))) {
        // node reads these bytes as another gzip member, whose header check
        // fails the zlib call: its output since the last full output buffer
        // (chunkSize) of this write is lost, as in node
        this.emitPushed(outAtWrite, r.produced, emit);
        throw new WarpdriveError('ERR_DATA_CORRUPT', 'unexpected data after the end of the compressed stream', { details: { reason: 'header' } });
      }
      if (r.produced > 0) {
        this.bytesOut += r.produced;
        if (this.bytesOut > this.limit) throw outputLimitError(this.limit);
        this.emitOut(r.produced, emit);
      }
      // An inflate stream at the end of a gzip member may still get another
      // member in a later write: only the engine knows; ended = finished.
      if (stopped) return;
      if (r.end && (!this.inflate || flush === 'finish')) this.ended = true;
      afterMore = r.more;
      if (r.more) continue;
      if (offset < n && !this.ended) {
        if (r.consumed === 0 && r.produced === 0) throw new WarpdriveError('ERR_DEVICE', 'the zip engine made no progress');
        continue;
      }
      break;
    }
    if (this.ended && offset < n) {
      throw new WarpdriveError('ERR_DATA_CORRUPT', 'unexpected data after the end of the compressed stream', { details: { reason: 'trailing-data' } });
    }
  }

  /**
   * Free the engine state (idempotent; waits for the request in flight).
   * @param contextClosed - called because the context closes (later use fails with ERR_CONTEXT_CLOSED)
   */
  release(contextClosed = false): Promise<void> {
    if (contextClosed) this.contextClosed = true;
    if (this.released) return this.busy.then(() => undefined);
    this.released = true;
    return this.busy.then(() => this.releaseHandle());
  }

  private releaseHandle(): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) return Promise.resolve();
    this.handle = undefined;
    leaked.unregister(this.token);
    return this.live.end(handle, this.host).catch(() => undefined);
  }
}
