/**
 * Cqe: a reusable view of the CQE at the head of a queue's CQ ring.
 *
 * The queue owns one instance and re-points it; it is valid until
 * `cqeSeen()` (or, in a plugin decoder, until the decoder returns).
 */
import { CQE_AUX, CQE_CONSUMED, CQE_DETAIL, CQE_FLAGS, CQE_PRODUCED, CQE_STATUS, CQE_USER_DATA } from './abi.js';

const USER_DATA = CQE_USER_DATA >>> 2;
const STATUS = CQE_STATUS >>> 2;
const FLAGS = CQE_FLAGS >>> 2;
const DETAIL_SHIFT = (CQE_DETAIL - CQE_FLAGS) * 8; // flags and detail share one little-endian word
const CONSUMED = CQE_CONSUMED >>> 2;
const PRODUCED = CQE_PRODUCED >>> 2;
const AUX = CQE_AUX >>> 2;

/** Read-only view of one `struct wd_cqe`. */
export class Cqe {
  private readonly u32: Uint32Array;
  private readonly i32: Int32Array;
  /** @internal Word index of the entry in the ring. */
  w = 0;

  /** @internal Created by the queue. */
  constructor(u32: Uint32Array, i32: Int32Array) {
    this.u32 = u32;
    this.i32 = i32;
  }
  /** `user_data` as a bigint (allocates; see {@link Cqe.userDataLow}). */
  get userData(): bigint {
    return (BigInt(this.u32[this.w + USER_DATA + 1]!) << 32n) | BigInt(this.u32[this.w + USER_DATA]!);
  }
  /** Low 32 bits of `user_data`. */
  get userDataLow(): number {
    return this.u32[this.w + USER_DATA]!;
  }
  /** High 32 bits of `user_data`. */
  get userDataHigh(): number {
    return this.u32[this.w + USER_DATA + 1]!;
  }
  /** 0 or a negative errno. */
  get status(): number {
    return this.i32[this.w + STATUS]!;
  }
  /** `WD_CQE_F_*`. */
  get flags(): number {
    return this.u32[this.w + FLAGS]! & 0xffff;
  }
  /** Opcode-specific refinement of a failure. */
  get detail(): number {
    return (this.u32[this.w + FLAGS]! >>> DETAIL_SHIFT) & 0xffff;
  }
  /** Source bytes consumed. */
  get consumed(): number {
    return this.u32[this.w + CONSUMED]!;
  }
  /** Destination bytes written. */
  get produced(): number {
    return this.u32[this.w + PRODUCED]!;
  }
  /** `aux` as a bigint (allocates; see {@link Cqe.auxLow}). */
  get aux(): bigint {
    return (BigInt(this.u32[this.w + AUX + 1]!) << 32n) | BigInt(this.u32[this.w + AUX]!);
  }
  /** Low 32 bits of `aux`, unsigned. */
  get auxLow(): number {
    return this.u32[this.w + AUX]!;
  }
  /** High 32 bits of `aux`, unsigned. */
  get auxHigh(): number {
    return this.u32[this.w + AUX + 1]!;
  }
}
