/**
 * One-shot requests: encrypt/decrypt with the key in the request, digest,
 * hmac. Each builder validates its arguments (throwing synchronously) and
 * returns the request for `run`/`runSync`.
 */
import type { Cqe } from '@warpdrive/core';
import { lengthOf } from '@warpdrive/core/plugin-kit';
import { F } from './abi.js';
import { outBound } from './algorithms.js';
import {
  cipherAad, cipherInfo, cipherIv, cipherKey, cipherTag, hashInfo, hmacKey, input, KEYS, options as opts, output, padding, prefix, tagLength,
  type Snapshot,
} from './args.js';
import { makeParam, tagOf, type CryptoRequest } from './codec.js';
import { argError } from './errors.js';

/** Result of an encryption. */
export interface EncryptResult {
  /** The ciphertext: a view of `out` when given, else a new Buffer. */
  readonly ciphertext: Buffer;
  /** GCM authentication tag (`tagLength` bytes); undefined for CTR/CBC. */
  readonly tag?: Buffer;
}

/** Options of `ctx.encrypt`. */
export interface EncryptOptions {
  /** e.g. `aes-256-gcm`, `aes-128-ctr`, `aes-192-cbc`. */
  readonly alg: string;
  /** 16, 24 or 32 bytes, as the algorithm says. */
  readonly key: ArrayBufferView | ArrayBuffer;
  /** GCM: 1..128 bytes (12 recommended); CTR/CBC: 16 bytes. */
  readonly iv: ArrayBufferView | ArrayBuffer;
  /** GCM additional authenticated data. */
  readonly aad?: ArrayBufferView | ArrayBuffer;
  /** GCM tag length: 4, 8, 12..16 (default 16). */
  readonly tagLength?: number;
  /** CBC: PKCS#7 padding (default true). */
  readonly padding?: boolean;
  /** Output buffer (zero-copy); may be the input itself (in place). */
  readonly out?: ArrayBufferView | ArrayBuffer;
}

/** Options of `ctx.decrypt`. */
export interface DecryptOptions {
  readonly alg: string;
  readonly key: ArrayBufferView | ArrayBuffer;
  readonly iv: ArrayBufferView | ArrayBuffer;
  readonly aad?: ArrayBufferView | ArrayBuffer;
  /** GCM: the expected tag (4, 8, 12..16 bytes); required. */
  readonly tag?: ArrayBufferView | ArrayBuffer;
  /** GCM: if given, the length `tag` must have (so encrypt's options can be reused). */
  readonly tagLength?: number;
  readonly padding?: boolean;
  /** Output buffer; for CBC it must hold the ciphertext length (padding is removed after). */
  readonly out?: ArrayBufferView | ArrayBuffer;
}

/** Options of `ctx.digest`. */
export interface DigestOptions {
  /** `sha1`, `sha224`, `sha256`, `sha384`, `sha512`. */
  readonly alg: string;
  /** Output buffer of at least the digest length. */
  readonly out?: ArrayBufferView | ArrayBuffer;
}

/** Options of `ctx.hmac`. */
export interface HmacOptions {
  /** `hmac-sha256`, `hmac-sha384`, `hmac-sha512` (or `sha256`...). */
  readonly alg: string;
  /** Any length up to 1024 bytes. */
  readonly key: ArrayBufferView | ArrayBuffer;
  readonly out?: ArrayBufferView | ArrayBuffer;
}

const encryptDone = (tagLen: number) => (cqe: Cqe, r: CryptoRequest<EncryptResult>): EncryptResult => {
  const ciphertext = prefix(r.dst!, cqe.produced);
  if (tagLen === 0) return { ciphertext };
  return { ciphertext, tag: tagOf(r.param!, tagLen) };
};

const plainDone = (cqe: Cqe, r: CryptoRequest<Buffer>): Buffer => prefix(r.dst!, cqe.produced);

/** The arguments encrypt and decrypt share, checked in the same order. */
function cipherCommon<K extends string>(data: unknown, o: Snapshot<K | 'alg' | 'key' | 'iv' | 'aad'>) {
  const info = cipherInfo(o.alg);
  const src = input(data);
  return { info, src, srcLen: lengthOf(src), key: cipherKey(o.key, info), iv: cipherIv(o.iv, info), aad: cipherAad(o.aad, info) };
}

/** Request of `ctx.encrypt`. */
export function encryptRequest(data: unknown, options: unknown): CryptoRequest<EncryptResult> {
  const o = opts(options, KEYS.encrypt);
  const { info, src, srcLen, key, iv, aad } = cipherCommon(data, o);
  const tagLen = tagLength(o.tagLength, info);
  const pad = padding(o.padding, info);
  if (!pad && srcLen % 16) throw argError('data', `\`data\` must be a multiple of 16 bytes for ${info.name} without padding, got ${srcLen}`);
  const need = outBound(info, false, pad, true, srcLen);
  const dst = output(o.out, need, src);
  const flags = F.INIT | F.FINAL | (pad ? 0 : F.NOPAD);
  return {
    param: makeParam(info.id, flags, key, iv, tagLen),
    src, srcLen, dst, dstLen: need, aad, handle: 0, authDecrypt: false,
    label: `encrypt ${info.name}`, done: encryptDone(tagLen),
  };
}

/** Request of `ctx.decrypt`. */
export function decryptRequest(data: unknown, options: unknown): CryptoRequest<Buffer> {
  const o = opts(options, KEYS.decrypt);
  const { info, src, srcLen, key, iv, aad } = cipherCommon(data, o);
  const tag = cipherTag(o.tag, info);
  if (o.tagLength !== undefined && tag !== undefined) {
    const want = tagLength(o.tagLength, info);
    if (lengthOf(tag) !== want) throw argError('tag', `\`tag\` must be ${want} bytes as \`tagLength\` says, got ${lengthOf(tag)}`);
  }
  const pad = padding(o.padding, info);
  if (info.mode === 'cbc' && srcLen % 16) throw argError('data', `\`data\` must be a multiple of 16 bytes to decrypt ${info.name}, got ${srcLen}`);
  const need = outBound(info, true, pad, true, srcLen);
  const dst = output(o.out, need, src);
  const flags = F.DECRYPT | F.INIT | F.FINAL | (pad ? 0 : F.NOPAD);
  return {
    param: makeParam(info.id, flags, key, iv, tag === undefined ? 0 : lengthOf(tag), tag),
    src, srcLen, dst, dstLen: need, aad, handle: 0, authDecrypt: info.mode === 'gcm',
    label: `decrypt ${info.name}`, done: plainDone,
  };
}

/** The snapshot of a digest's or an HMAC's options. */
export type DigestSnapshot = Snapshot<(typeof KEYS.digest)[number]>;

/** The options snapshot of `ctx.digest`/`ctx.hmac` (and their batches). */
export function digestOptions(options: unknown): DigestSnapshot {
  return opts(options, KEYS.digest);
}

/** Request of `ctx.digest` (hmac=false) or `ctx.hmac` (hmac=true). */
export function digestRequest(data: unknown, options: unknown, hmac: boolean): CryptoRequest<Buffer> {
  return digestRequestOf(data, digestOptions(options), hmac);
}

/** {@link digestRequest} of an options snapshot (`data` not yet converted, or a view of it). */
export function digestRequestOf(data: unknown, o: DigestSnapshot, hmac: boolean): CryptoRequest<Buffer> {
  const info = hashInfo(o.alg, hmac);
  const src = input(data);
  const key = hmac ? hmacKey(o.key) : undefined;
  if (!hmac && o.key !== undefined) throw argError('key', `\`key\` applies to hmac, not ${info.name}`);
  const dst = output(o.out, info.digestLength, undefined);
  return {
    param: makeParam(info.id, 0, key), src, srcLen: lengthOf(src), dst, dstLen: info.digestLength, aad: undefined, handle: 0,
    authDecrypt: false, label: `${hmac ? 'hmac' : 'digest'} ${info.name}`, done: plainDone,
  };
}
