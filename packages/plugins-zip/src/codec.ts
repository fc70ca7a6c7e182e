/**
 * Encoders and decoders of the zip operations for the `wd_soft_v1` api.
 * Every buffer an SQE references goes through `pin`; failed CQEs become
 * typed errors here (codecs set `handlesErrors`). Request buffers are the
 * plugin kit's views (`viewOf`) or the plugin's own, never a caller's object.
 */
import type { Cqe, OperationCodec, PinFn, SqeWriter } from '@warpdrive/core';
import { lengthOf } from '@warpdrive/core/plugin-kit';
import { zipError } from './errors.js';
import { ZIP_AUX_END, ZIP_DETAIL, ZIP_OP } from './opcodes.js';

const ENOSPC = 28;
const TWO_32 = 4294967296;

/** One-shot compress: `produced` bytes. */
export interface CompressRequest {
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly opFlags: number;
  readonly header: Uint8Array | undefined;
  /** The pooled buffer `dst` is a view of (large outputs; see scratch-pool.ts). */
  readonly scratch?: Buffer;
  /** `dst` is the caller's `options.out`. */
  readonly callerOut?: boolean;
}
/** One-shot decompress: `produced`, or -1 when `dst` was too small. */
export interface DecompressRequest {
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly opFlags: number;
  /** `dst` is the caller's `options.out`. */
  readonly callerOut?: boolean;
}
/** Stream creation: returns the engine handle. */
export interface StreamInitRequest {
  readonly opFlags: number;
  readonly header: Uint8Array | undefined;
}
/** One step of a stream. */
export interface StreamStepRequest {
  readonly handle: number;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly opFlags: number;
}
/** What a stream step did. */
export interface StreamStepResult {
  readonly consumed: number;
  readonly produced: number;
  /** Output space ran out: call again (with no new input) for more. */
  readonly more: boolean;
  /** The stream reached its end. */
  readonly end: boolean;
}

function fail(cqe: Cqe, name: string): never {
  throw zipError(cqe.status, cqe.detail, name);
}

export const compressCodec: OperationCodec<CompressRequest, number> = {
  // Each request field is read once and lengths come from the intrinsic
  // getters, so a getter or an own `byteLength` cannot make the length in
  // the SQE differ from the buffer that was pinned.
  prep(sqe: SqeWriter, r: CompressRequest, pin: PinFn): void {
    const { src, dst, opFlags, header } = r;
    sqe.opcode(ZIP_OP.COMPRESS).opFlags(opFlags)
      .srcAddr(pin(src, 'data')).srcLen(lengthOf(src))
      .dstAddr(pin(dst, r.callerOut ? 'options.out' : 'dst')).dstLen(lengthOf(dst));
    if (header !== undefined) sqe.paramAddr(pin(header, 'options.gzip')).paramLen(lengthOf(header));
  },
  complete(cqe: Cqe): number {
    if (cqe.status === -ENOSPC) return -1; // did not fit: oneshot.ts says whose buffer was short
    if (cqe.status !== 0) fail(cqe, 'compress');
    return cqe.produced;
  },
  handlesErrors: true,
};

export const decompressCodec: OperationCodec<DecompressRequest, number> = {
  prep(sqe: SqeWriter, r: DecompressRequest, pin: PinFn): void {
    const { src, dst, opFlags } = r;
    sqe.opcode(ZIP_OP.DECOMPRESS).opFlags(opFlags)
      .srcAddr(pin(src, 'data')).srcLen(lengthOf(src))
      .dstAddr(pin(dst, r.callerOut ? 'options.out' : 'dst')).dstLen(lengthOf(dst));
  },
  complete(cqe: Cqe): number {
    if (cqe.status === -ENOSPC) return -1;
    if (cqe.status !== 0) {
      const err = zipError(cqe.status, cqe.detail, 'decompress');
      // trailing data: where the valid data ends (the facade applies node's rules from there)
      if (cqe.detail === ZIP_DETAIL.TRAILING) (err.details as Record<string, unknown>).validLength = cqe.consumed;
      throw err;
    }
    return cqe.produced;
  },
  handlesErrors: true,
};

export const streamInitCodec: OperationCodec<StreamInitRequest, number> = {
  prep(sqe: SqeWriter, r: StreamInitRequest, pin: PinFn): void {
    const { opFlags, header } = r;
    sqe.opcode(ZIP_OP.STREAM_INIT).opFlags(opFlags);
    if (header !== undefined) sqe.paramAddr(pin(header, 'options.gzip')).paramLen(lengthOf(header));
  },
  complete(cqe: Cqe): number {
    if (cqe.status !== 0) fail(cqe, 'stream');
    return cqe.auxHigh * TWO_32 + cqe.auxLow;
  },
  handlesErrors: true,
};

function stepCodec(opcode: number, name: string): OperationCodec<StreamStepRequest, StreamStepResult> {
  return {
    prep(sqe: SqeWriter, r: StreamStepRequest, pin: PinFn): void {
      const { handle, src, dst, opFlags } = r;
      sqe.opcode(opcode).opFlags(opFlags).ctxAddr(handle)
        .srcAddr(pin(src, 'chunk')).srcLen(lengthOf(src))
        .dstAddr(pin(dst, 'dst')).dstLen(lengthOf(dst));
    },
    complete(cqe: Cqe): StreamStepResult {
      if (cqe.status !== 0) {
        // what the failed step still wrote (the facade emits part of it, as node does)
        const err = zipError(cqe.status, cqe.detail, name);
        (err.details as Record<string, unknown>).produced = cqe.produced;
        throw err;
      }
      return { consumed: cqe.consumed, produced: cqe.produced, more: (cqe.flags & 1) !== 0, end: (cqe.auxLow & ZIP_AUX_END) !== 0 };
    },
    handlesErrors: true,
  };
}

export const streamDeflateCodec = stepCodec(ZIP_OP.STREAM_DEFLATE, 'compress stream');
export const streamInflateCodec = stepCodec(ZIP_OP.STREAM_INFLATE, 'decompress stream');

export const streamEndCodec: OperationCodec<{ readonly handle: number }, void> = {
  prep(sqe: SqeWriter, r: { readonly handle: number }): void {
    sqe.opcode(ZIP_OP.STREAM_END).ctxAddr(r.handle);
  },
  complete(cqe: Cqe): void {
    if (cqe.status !== 0) fail(cqe, 'stream end');
  },
  handlesErrors: true,
};

export const infoCodec: OperationCodec<unknown, number> = {
  prep(sqe: SqeWriter): void {
    sqe.opcode(ZIP_OP.INFO);
  },
  complete(cqe: Cqe): number {
    if (cqe.status !== 0) fail(cqe, 'info');
    return cqe.auxLow;
  },
  handlesErrors: true,
};
