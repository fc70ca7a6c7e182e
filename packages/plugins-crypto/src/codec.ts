/**
 * The wd_soft_v1 codec of every crypto opcode: a request carries its
 * parameter block (built by the caller, see makeParam) and its buffers; prep
 * pins them into the SQE, complete decodes or refines the failure.
 *
 * Key material travels in the parameter block; the block is zeroed as soon
 * as the completion is reaped, successful or not.
 */
import type { Cqe, OperationCodec, PinFn, SqeWriter } from '@warpdrive/core';
import { PARAM } from './abi.js';
import { cryptoError } from './errors.js';

/** One request of any crypto opcode. */
export interface CryptoRequest<R = unknown> {
  /** Parameter block (header, IV, key), or undefined for INFO. */
  readonly param: Buffer | undefined;
  readonly src: Uint8Array | undefined;
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

/** Build a parameter block: 48-byte header, then the IV, then the key. */
export function makeParam(alg: number, flags: number, key?: Uint8Array, iv?: Uint8Array, tagLen = 0, tag?: Uint8Array): Buffer {
  const ivLen = iv === undefined ? 0 : iv.byteLength;
  const keyLen = key === undefined ? 0 : key.byteLength;
  const p = Buffer.allocUnsafe(PARAM.HEADER + ivLen + keyLen);
  p.fill(0, 0, PARAM.HEADER);
  p.writeUInt32LE(alg, PARAM.ALG);
  p.writeUInt32LE(flags, PARAM.FLAGS);
  p.writeUInt16LE(keyLen, PARAM.KEY_LEN);
  p.writeUInt16LE(ivLen, PARAM.IV_LEN);
  p.writeUInt16LE(tagLen, PARAM.TAG_LEN);
  if (tag !== undefined) p.set(tag, PARAM.TAG);
  if (iv !== undefined) p.set(iv, PARAM.HEADER);
  if (key !== undefined) p.set(key, PARAM.HEADER + ivLen);
  return p;
}

const TWO_32 = 4294967296;

function wipe(request: CryptoRequest): void {
  request.param?.fill(0);
}

/** The codec of `opcode`. */
export function cryptoCodec(opcode: number): OperationCodec<CryptoRequest, unknown> {
  return {
    handlesErrors: true,
    prep(sqe: SqeWriter, r: CryptoRequest, pin: PinFn): void {
      sqe.opcode(opcode);
      if (r.param !== undefined) {
        if (r.aad !== undefined) {
          const a = pin(r.aad, 'aad');
          r.param.writeUInt32LE(a >>> 0, PARAM.AAD_ADDR);
          r.param.writeUInt32LE(Math.floor(a / TWO_32), PARAM.AAD_ADDR + 4);
          r.param.writeUInt32LE(r.aad.byteLength, PARAM.AAD_LEN);
        }
        sqe.paramAddr(pin(r.param, 'param')).paramLen(r.param.byteLength);
      }
      if (r.src !== undefined && r.src.byteLength > 0) sqe.srcAddr(pin(r.src, 'data')).srcLen(r.src.byteLength);
      if (r.dst !== undefined && r.dstLen > 0) sqe.dstAddr(pin(r.dst, 'out')).dstLen(r.dstLen);
      if (r.handle !== 0) sqe.ctxAddr(r.handle);
    },
    complete(cqe: Cqe, r: CryptoRequest): unknown {
      if (cqe.status !== 0) {
        wipe(r);
        // The engine already zeroed what it wrote; wipe the whole window
        // anyway so a caller's `out` never holds unauthenticated plaintext.
        if (r.authDecrypt && r.dst !== undefined) r.dst.fill(0, 0, r.dstLen);
        throw cryptoError(cqe, r.label, r.authDecrypt);
      }
      try {
        return r.done(cqe, r);
      } finally {
        wipe(r);
      }
    },
  };
}

/** Session handle from a SESSION_OPEN completion (a Number while exact). */
export function handleOf(cqe: Cqe): number | bigint {
  const high = cqe.auxHigh;
  return high < 0x200000 ? high * TWO_32 + cqe.auxLow : cqe.aux;
}
