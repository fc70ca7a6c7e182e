/**
 * The inline (synchronous) device path: one SQE encoded into a private
 * scratch descriptor and executed by the device on the calling thread.
 *
 * Used by `Context.runSync` for the `*Sync` APIs and for requests so small
 * that a queue round trip would cost more than the work. Same encoders, same
 * engines and same CQE decoding as the queued path; only the transport
 * differs, so results are identical.
 */
import type { SoftDevice } from '@warpdrive/native';
import { CQE_STATUS, SIZES } from './abi.js';
import { Cqe } from './cqe.js';
import { errorFromStatus } from './errors.js';
import { backingOf } from './kit/intrinsics.js';
import { addressOf } from './memory.js';
import type { PinFn } from './plugin.js';
import type { BoundOperation } from './registry.js';
import { SqeWriter } from './sqe.js';

const STATUS_WORD = CQE_STATUS >>> 2;

/** Counters of the inline path, shaped like a queue's. */
export interface InlineStats {
  readonly ops: number;
  readonly errors: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** One scratch descriptor pair, reused by every request at its nesting depth. */
class Scratch {
  readonly sqeBytes = new Uint8Array(SIZES.wd_sqe);
  readonly cqeBytes = new Uint8Array(SIZES.wd_cqe);
  readonly sqe = new SqeWriter(this.sqeBytes, new Uint32Array(backingOf(this.sqeBytes)), 0, 0);
  readonly cqeI32 = new Int32Array(backingOf(this.cqeBytes));
  readonly cqe = new Cqe(new Uint32Array(backingOf(this.cqeBytes)), this.cqeI32);
}

/** Executes operations synchronously through `SoftDevice.execute`. */
export class InlineExecutor {
  // An encoder may run user code (request getters) that calls runSync again
  // before the outer descriptor is executed: each nesting depth gets its own
  // scratch, so the inner request never overwrites the outer one's fields.
  private readonly scratch: Scratch[] = [new Scratch()];
  private depth = 0;
  // The request object references every buffer for the whole synchronous
  // call, so pinning only has to translate the address.
  private readonly pin: PinFn = (buffer, name = 'buffer') => addressOf(buffer, name);
  private nOps = 0;
  private nErrors = 0;
  private nBytesIn = 0;
  private nBytesOut = 0;

  constructor(private readonly device: SoftDevice) {}

  /**
   * Encode, execute and decode one request on the calling thread.
   * @throws the encoder's argument errors, or the CQE status mapped by `errorFromStatus`
   */
  run<R>(op: BoundOperation, request: unknown): R {
    const s = (this.scratch[this.depth] ??= new Scratch());
    this.depth++; // held through decoding too: a decoder reads s.cqe
    try {
      return this.runOn<R>(s, op, request);
    } finally {
      this.depth--;
    }
  }

  private runOn<R>(s: Scratch, op: BoundOperation, request: unknown): R {
    const sqe = s.sqe.reset();
    try {
      op.prep(sqe, request, this.pin);
    } catch (err) {
      this.nErrors++;
      throw err;
    }
    s.cqeBytes.fill(0);
    this.device.execute(s.sqeBytes, s.cqeBytes);
    const cqe = s.cqe;
    const status = s.cqeI32[STATUS_WORD]!;
    this.nOps++;
    this.nBytesIn += cqe.consumed;
    this.nBytesOut += cqe.produced;
    if (status !== 0 && !op.handlesErrors) {
      this.nErrors++;
      throw errorFromStatus(status, cqe.detail, op.name);
    }
    try {
      return (op.complete === undefined ? undefined : op.complete(cqe, request)) as R;
    } catch (err) {
      this.nErrors++;
      throw err;
    }
  }

  /** Counters since the context opened. */
  stats(): InlineStats {
    return { ops: this.nOps, errors: this.nErrors, bytesIn: this.nBytesIn, bytesOut: this.nBytesOut };
  }
}
