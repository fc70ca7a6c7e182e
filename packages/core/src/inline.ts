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

/** Executes operations synchronously through `SoftDevice.execute`. */
export class InlineExecutor {
  private readonly sqeBytes = new Uint8Array(SIZES.wd_sqe);
  private readonly cqeBytes = new Uint8Array(SIZES.wd_cqe);
  private readonly sqe = new SqeWriter(this.sqeBytes, new Uint32Array(this.sqeBytes.buffer), 0, 0);
  private readonly cqeI32 = new Int32Array(this.cqeBytes.buffer);
  private readonly cqe = new Cqe(new Uint32Array(this.cqeBytes.buffer), this.cqeI32);
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
    const sqe = this.sqe.reset();
    try {
      op.prep(sqe, request, this.pin);
    } catch (err) {
      this.nErrors++;
      throw err;
    }
    this.cqeBytes.fill(0);
    this.device.execute(this.sqeBytes, this.cqeBytes);
    const cqe = this.cqe;
    const status = this.cqeI32[STATUS_WORD]!;
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
