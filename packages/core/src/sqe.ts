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
import { WarpdriveError } from './errors.js';

const TWO_32 = 4294967296;

/** The high word of `user_data` of promise-layer requests ("WDRQ"); refused by {@link SqeWriter.userData}. */
export const PROMISE_TAG = 0x57445251;
const U64_MAX = 0xffffffffffffffffn;
const SQE_WORDS = SIZES.wd_sqe >>> 2;

function badField(field: string, expected: string, value: unknown): WarpdriveError {
  const got = typeof value === 'number' || typeof value === 'bigint' ? String(value) : typeof value;
  return new WarpdriveError('ERR_INVALID_ARGUMENT', `\`${field}\` must be ${expected}, got ${got}`, { details: { argument: field } });
}

// Checks are one comparison each: the setters are on the hot path. A value
// the field cannot hold is an error, never silently wrapped (a 5 GiB length
// written as 1 GiB would process the wrong bytes without a word).
function u8(field: string, v: number): number {
  if ((v & 0xff) !== v) throw badField(field, 'an integer in 0..255', v);
  return v;
}
function u32(field: string, v: number): number {
  if (v >>> 0 !== v) throw badField(field, 'an unsigned 32-bit integer', v);
  return v;
}
/** A 32-bit bitfield: unsigned, or the same bits as a signed int32 (`1 << 31`). */
function bits32(field: string, v: number): number {
  if (v >>> 0 !== v && (v | 0) !== v) throw badField(field, 'a 32-bit integer', v);
  return v;
}

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
  /** Set `opcode` (0..255). @throws WarpdriveError `ERR_INVALID_ARGUMENT` out of range */
  opcode(v: number): this {
    this.u8[this.b + SQE_OPCODE] = u8('opcode', v);
    return this;
  }
  /** Set `flags` (`WD_SQE_F_*`, 0..255). @throws WarpdriveError `ERR_INVALID_ARGUMENT` out of range */
  flags(v: number): this {
    this.u8[this.b + SQE_FLAGS] = u8('flags', v);
    return this;
  }
  /** Set `op_flags` (opcode-specific 32-bit field). @throws WarpdriveError `ERR_INVALID_ARGUMENT` not a 32-bit integer */
  opFlags(v: number): this {
    this.u32[this.w + (SQE_OP_FLAGS >>> 2)] = bits32('op_flags', v);
    return this;
  }
  /**
   * Set `user_data`, returned unchanged in the CQE. A number must be a safe
   * non-negative integer, a bigint fit in 64 bits unsigned, and the high
   * 32 bits must not be {@link PROMISE_TAG}: the promise layer of the same
   * queue would take the CQE for one of its requests (and release that
   * request's buffers while the device may still use them).
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` otherwise
   */
  userData(v: bigint | number): this {
    this.u64(SQE_USER_DATA, v, 'user_data');
    const high = this.w + (SQE_USER_DATA >>> 2) + 1;
    if (this.u32[high] === PROMISE_TAG) {
      this.u32[high - 1] = 0;
      this.u32[high] = 0;
      throw badField('user_data', `a value whose high 32 bits are not PROMISE_TAG (0x${PROMISE_TAG.toString(16)}, reserved for the promise layer)`, v);
    }
    return this;
  }
  /** Set `user_data` from its two 32-bit halves (allocation-free). */
  userDataParts(low: number, high: number): this {
    this.u32[this.w + (SQE_USER_DATA >>> 2)] = low;
    this.u32[this.w + (SQE_USER_DATA >>> 2) + 1] = high;
    return this;
  }
  /** Set `src_addr` (a VA from `addressOf`; 64-bit unsigned, as `userData`). */
  srcAddr(v: bigint | number): this {
    return this.u64(SQE_SRC_ADDR, v, 'src_addr');
  }
  /** Set `dst_addr` (as `srcAddr`). */
  dstAddr(v: bigint | number): this {
    return this.u64(SQE_DST_ADDR, v, 'dst_addr');
  }
  /** Set `src_len` (u32). @throws WarpdriveError `ERR_INVALID_ARGUMENT` outside 0..2^32-1 */
  srcLen(v: number): this {
    this.u32[this.w + (SQE_SRC_LEN >>> 2)] = u32('src_len', v);
    return this;
  }
  /** Set `dst_len` (u32). @throws WarpdriveError `ERR_INVALID_ARGUMENT` outside 0..2^32-1 */
  dstLen(v: number): this {
    this.u32[this.w + (SQE_DST_LEN >>> 2)] = u32('dst_len', v);
    return this;
  }
  /** Set `ctx_addr` (session/stream state block; as `srcAddr`). */
  ctxAddr(v: bigint | number): this {
    return this.u64(SQE_CTX_ADDR, v, 'ctx_addr');
  }
  /** Set `param_addr` (parameter block; as `srcAddr`). */
  paramAddr(v: bigint | number): this {
    return this.u64(SQE_PARAM_ADDR, v, 'param_addr');
  }
  /** Set `param_len` (u32). @throws WarpdriveError `ERR_INVALID_ARGUMENT` outside 0..2^32-1 */
  paramLen(v: number): this {
    this.u32[this.w + (SQE_PARAM_LEN >>> 2)] = u32('param_len', v);
    return this;
  }
  /** Set `aux` (opcode-defined 32-bit operand, e.g. a CRC seed). @throws WarpdriveError `ERR_INVALID_ARGUMENT` not a 32-bit integer */
  aux(v: number): this {
    this.u32[this.w + (SQE_AUX >>> 2)] = bits32('aux', v);
    return this;
  }

  private u64(offset: number, v: bigint | number, field: string): this {
    const i = this.w + (offset >>> 2);
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v < 0) throw badField(field, 'a non-negative safe integer or a 64-bit unsigned bigint', v);
      // `>>> 0` is ToUint32, i.e. v mod 2^32, exact for integers up to 2^53.
      this.u32[i] = v >>> 0;
      this.u32[i + 1] = Math.floor(v / TWO_32) >>> 0;
    } else {
      if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw badField(field, 'a non-negative safe integer or a 64-bit unsigned bigint', v);
      this.u32[i] = Number(v & 0xffffffffn);
      this.u32[i + 1] = Number((v >> 32n) & 0xffffffffn);
    }
    return this;
  }
}
