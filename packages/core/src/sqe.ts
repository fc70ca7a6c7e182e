/**
 * SqeWriter: a reusable, allocation-free view of one SQ slot.
 *
 * One writer exists per slot for the life of a queue; `Queue.getSqe()` hands
 * out the writer of the next free slot, already zeroed. Setters write straight
 * into the mapped ring and return `this` for chaining.
 */
import {
  SQE_AUX, SQE_CTX_ADDR, SQE_DST_ADDR, SQE_DST_LEN, SQE_FLAGS, SQE_OP_FLAGS, SQE_OPCODE,
  SQE_PARAM_ADDR, SQE_PARAM_LEN, SQE_SRC_ADDR, SQE_SRC_LEN, SQE_USER_DATA, SIZES,
} from './abi.js';

const TWO_32 = 4294967296;
const SQE_WORDS = SIZES.wd_sqe >>> 2;

/** Writes one `struct wd_sqe` in place. Valid until the next `submit()`. */
export class SqeWriter {
  /** Slot index in the SQ array. */
  readonly index: number;
  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;
  private readonly b: number;
  private readonly w: number;

  /** @internal Created by the queue, one per slot. */
  constructor(u8: Uint8Array, u32: Uint32Array, byteOffset: number, index: number) {
    this.u8 = u8;
    this.u32 = u32;
    this.b = byteOffset;
    this.w = byteOffset >>> 2;
    this.index = index;
  }

  /** Zero the whole slot (every field, including reserved ones). */
  reset(): this {
    this.u32.fill(0, this.w, this.w + SQE_WORDS);
    return this;
  }
  /** Set `opcode` (0..255). */
  opcode(v: number): this {
    this.u8[this.b + SQE_OPCODE] = v;
    return this;
  }
  /** Set `flags` (`WD_SQE_F_*`). */
  flags(v: number): this {
    this.u8[this.b + SQE_FLAGS] = v;
    return this;
  }
  /** Set `op_flags` (opcode-specific). */
  opFlags(v: number): this {
    this.u32[this.w + (SQE_OP_FLAGS >>> 2)] = v;
    return this;
  }
  /** Set `user_data`, returned unchanged in the CQE. A number must be a safe non-negative integer. */
  userData(v: bigint | number): this {
    return this.u64(SQE_USER_DATA, v);
  }
  /** Set `user_data` from its two 32-bit halves (allocation-free). */
  userDataParts(low: number, high: number): this {
    this.u32[this.w + (SQE_USER_DATA >>> 2)] = low;
    this.u32[this.w + (SQE_USER_DATA >>> 2) + 1] = high;
    return this;
  }
  /** Set `src_addr` (a VA from `addressOf`). */
  srcAddr(v: bigint | number): this {
    return this.u64(SQE_SRC_ADDR, v);
  }
  /** Set `dst_addr`. */
  dstAddr(v: bigint | number): this {
    return this.u64(SQE_DST_ADDR, v);
  }
  /** Set `src_len` (u32). */
  srcLen(v: number): this {
    this.u32[this.w + (SQE_SRC_LEN >>> 2)] = v;
    return this;
  }
  /** Set `dst_len` (u32). */
  dstLen(v: number): this {
    this.u32[this.w + (SQE_DST_LEN >>> 2)] = v;
    return this;
  }
  /** Set `ctx_addr` (session/stream state block). */
  ctxAddr(v: bigint | number): this {
    return this.u64(SQE_CTX_ADDR, v);
  }
  /** Set `param_addr` (parameter block). */
  paramAddr(v: bigint | number): this {
    return this.u64(SQE_PARAM_ADDR, v);
  }
  /** Set `param_len` (u32). */
  paramLen(v: number): this {
    this.u32[this.w + (SQE_PARAM_LEN >>> 2)] = v;
    return this;
  }
  /** Set `aux` (u32 opcode-defined operand, e.g. a CRC seed). */
  aux(v: number): this {
    this.u32[this.w + (SQE_AUX >>> 2)] = v;
    return this;
  }

  private u64(offset: number, v: bigint | number): this {
    const i = this.w + (offset >>> 2);
    if (typeof v === 'number') {
      // `>>> 0` is ToUint32, i.e. v mod 2^32, exact for integers up to 2^53.
      this.u32[i] = v >>> 0;
      this.u32[i + 1] = Math.floor(v / TWO_32) >>> 0;
    } else {
      this.u32[i] = Number(v & 0xffffffffn);
      this.u32[i + 1] = Number((v >> 32n) & 0xffffffffn);
    }
    return this;
  }
}
