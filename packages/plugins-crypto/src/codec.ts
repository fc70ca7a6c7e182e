/**
 * The wd_soft_v1 codec of every crypto opcode: a request carries its
 * parameter block (built by the caller, see makeParam) and its buffers; prep
 * pins them into the SQE, complete decodes or refines the failure.
 *
 * Key material travels in the parameter block; its key bytes are zeroed as
 * soon as the completion is reaped, successful or not, and the block is
 * recycled.
 */
import type { Cqe, OperationCodec, PinFn, SqeWriter } from '@warpdrive/core';
import { backingOf, lengthOf, offsetOf } from '@warpdrive/core/plugin-kit';
import { LIMITS, PARAM } from './abi.js';
import { stillHolds, wipe } from './args.js';
import { cryptoError } from './errors.js';

/** One request of any crypto opcode. */
export interface CryptoRequest<R = unknown> {
  /** Parameter block (header, IV, key), or undefined for INFO. */
  readonly param: Buffer | undefined;
  readonly src: Uint8Array | undefined;
  /**
   * Bytes of `src` the request was checked with. prep() refuses a `src`
   * that no longer spans them (detached or shrunk while the request waited
   * for a slot) instead of sending a shorter input. Every request this
   * plugin builds sets it; without it, `src`'s length at prep time is used.
   */
  readonly srcLen?: number;
  readonly dst: Uint8Array | undefined;
  /** Bytes of `dst` the device may write. */
  readonly dstLen: number;
  readonly aad: Uint8Array | undefined;
  /** Session handle, 0 for none. */
  readonly handle: number | bigint;
  /** GCM decryption: a -EBADMSG is an authentication failure and dst is wiped. */
  readonly authDecrypt: boolean;
  /** Label for error messages, e.g. `decrypt aes-256-gcm`. */
  readonly label: string;
  /** Turns the successful CQE into the result. */
  readonly done: (cqe: Cqe, request: CryptoRequest<R>) => R;
}

const SLOT = 128; // header + a 12..16-byte IV + a 32-byte key fit
const SLAB_SLOTS = 64;
const free: Buffer[] = [];
const W = { ALG: 0, FLAGS: 1, LENS: 2, TAG_LEN: 3, AAD_LO: 4, AAD_HI: 5, AAD_LEN: 6, RESV1: 7 } as const;

/**
 * A parameter block: a Buffer that carries its header words (the engine,
 * like this mirror, is little-endian only) and whether it is a pool slot.
 * Plain properties, set once in the same order on every block, instead of
 * WeakMap/WeakSet lookups: each request used three of them.
 */
interface Param extends Buffer {
  hw: Uint32Array;
  pooled: boolean;
}

function track(p: Buffer, pooled = false): Buffer {
  (p as Param).hw = new Uint32Array(backingOf(p), offsetOf(p), PARAM.HEADER / 4);
  (p as Param).pooled = pooled;
  return p;
}

/**
 * A parameter block buffer: a pooled 128-byte slot (slots of one slab share
 * a backing store, so pinning them hits core's address cache) or, for long
 * IVs/HMAC keys, a fresh buffer. A slot returns to the pool only from
 * `complete`, i.e. after the device is done with it.
 */
function takeParam(n: number): Buffer {
  if (n > SLOT) return track(Buffer.from(new ArrayBuffer(n)));
  let p = free.pop();
  if (p === undefined) {
    const slab = new ArrayBuffer(SLOT * SLAB_SLOTS);
    for (let i = 1; i < SLAB_SLOTS; i++) {
      free.push(track(Buffer.from(slab, i * SLOT, SLOT), true));
    }
    p = track(Buffer.from(slab, 0, SLOT), true);
  }
  return p;
}

function words(p: Buffer): Uint32Array {
  return (p as Param).hw;
}

/** Bytes of the block actually in use: header + IV + key. */
export function paramLength(p: Buffer): number {
  const lens = words(p)[W.LENS]!;
  return PARAM.HEADER + (lens & 0xffff) + (lens >>> 16);
}

/** Build a parameter block: 48-byte header, then the IV, then the key. */
export function makeParam(alg: number, flags: number, key?: Uint8Array, iv?: Uint8Array, tagLen = 0, tag?: Uint8Array): Buffer {
  const ivLen = iv === undefined ? 0 : lengthOf(iv);
  const keyLen = key === undefined ? 0 : lengthOf(key);
  return fillParam(takeParam(PARAM.HEADER + ivLen + keyLen), alg, flags, key, iv, tagLen, tag);
}

/**
 * A session's own block for its inline messages (never pooled, holds no
 * key): big enough for a header and the longest IV. Reused by each inline
 * message, which is done with it before the call returns.
 */
export function sessionParam(): Buffer {
  return track(Buffer.from(new ArrayBuffer(PARAM.HEADER + LIMITS.IV_MAX)));
}

/** Write a parameter block into `p` (large enough). */
export function fillParam(p: Buffer, alg: number, flags: number, key: Uint8Array | undefined, iv: Uint8Array | undefined, tagLen: number, tag: Uint8Array | undefined): Buffer {
  const ivLen = iv === undefined ? 0 : lengthOf(iv);
  const keyLen = key === undefined ? 0 : lengthOf(key);
  const w = words(p);
  w[W.ALG] = alg;
  w[W.FLAGS] = flags;
  w[W.LENS] = keyLen | (ivLen << 16); // key_len @8, iv_len @10
  w[W.TAG_LEN] = tagLen; // tag_len @12, resv0 @14 = 0
  w[W.AAD_LO] = 0;
  w[W.AAD_HI] = 0;
  w[W.AAD_LEN] = 0;
  w[W.RESV1] = 0;
  if (tag !== undefined) p.set(tag, PARAM.TAG);
  if (iv !== undefined) p.set(iv, PARAM.HEADER);
  if (key !== undefined) p.set(key, PARAM.HEADER + ivLen);
  return p;
}

/** A copy of the first `n` tag bytes of a finished block. */
export function tagOf(p: Buffer, n: number): Buffer {
  const t = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) t[i] = p[PARAM.TAG + i]!;
  return t;
}

const TWO_32 = 4294967296;

/**
 * Zero the key material of a finished request's block and, unless
 * `recycle` is false, return it to the pool. A block whose request never
 * completed (it failed before submission, or its queue closed) is only
 * zeroed: without a completion nothing proves the device is done with it.
 */
export function releaseParam(p: Buffer | undefined, recycle = true): void {
  if (p === undefined) return;
  const lens = words(p)[W.LENS]!;
  const keyLen = lens & 0xffff;
  if (keyLen > 0) {
    const at = PARAM.HEADER + (lens >>> 16);
    p.fill(0, at, at + keyLen);
  }
  if (recycle && (p as Param).pooled) free.push(p);
}

/** Point the block at the (pinned) AAD. */
export function setAad(p: Buffer, addr: number, length: number): void {
  const w = words(p);
  w[W.AAD_LO] = addr >>> 0;
  w[W.AAD_HI] = Math.floor(addr / TWO_32);
  w[W.AAD_LEN] = length;
}

/** Bytes of input `r` carries ({@link CryptoRequest.srcLen}). */
export function srcLength(r: { readonly src: Uint8Array | undefined; readonly srcLen?: number }): number {
  return r.srcLen ?? (r.src === undefined ? 0 : lengthOf(r.src));
}

/** The codec of `opcode`. */
export function cryptoCodec(opcode: number): OperationCodec<CryptoRequest, unknown> {
  return {
    handlesErrors: true,
    prep(sqe: SqeWriter, r: CryptoRequest, pin: PinFn): void {
      sqe.opcode(opcode);
      if (r.param !== undefined) {
        // pin() refuses a detached AAD; its length is read after that
        if (r.aad !== undefined) setAad(r.param, pin(r.aad, 'aad', 'read'), lengthOf(r.aad));
        sqe.paramAddr(pin(r.param, 'param')).paramLen(paramLength(r.param));
      }
      const srcLen = srcLength(r);
      if (r.src !== undefined && srcLen > 0) {
        stillHolds(r.src, srcLen, 'data');
        sqe.srcAddr(pin(r.src, 'data', 'read')).srcLen(srcLen);
      }
      if (r.dst !== undefined && r.dstLen > 0) {
        stillHolds(r.dst, r.dstLen, 'out');
        sqe.dstAddr(pin(r.dst, 'out', 'write')).dstLen(r.dstLen);
      }
      if (r.handle !== 0) sqe.ctxAddr(r.handle);
    },
    complete(cqe: Cqe, r: CryptoRequest): unknown {
      if (cqe.status !== 0) {
        releaseParam(r.param);
        // The engine already zeroed what it wrote; wipe the whole window
        // anyway so a caller's `out` never holds unauthenticated plaintext.
        if (r.authDecrypt && r.dst !== undefined) wipe(r.dst, r.dstLen);
        throw cryptoError(cqe, r.label, r.authDecrypt);
      }
      try {
        return r.done(cqe, r);
      } finally {
        releaseParam(r.param);
      }
    },
  };
}

/** Session handle from a SESSION_OPEN completion (a Number while exact). */
export function handleOf(cqe: Cqe): number | bigint {
  const high = cqe.auxHigh;
  return high < 0x200000 ? high * TWO_32 + cqe.auxLow : cqe.aux;
}
