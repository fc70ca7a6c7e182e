/**
 * Per-operation argument checks, by hand (zod runs once per session or
 * options shape, not per message: see options.ts). Every message names the
 * argument and what was expected.
 */
import { types } from 'node:util';
import { isDetached, WarpdriveError } from '@warpdrive/core';
import { CIPHERS, GCM_TAG_LENGTHS, HASHES, type CipherInfo, type HashInfo } from './algorithms.js';
import { LIMITS } from './abi.js';
import { argError } from './errors.js';

/** Input the plugin accepts as bytes. */
export type Bytes = ArrayBufferView | ArrayBuffer;

/** A Uint8Array over the same memory as `value` (no copy). */
export function bytes(value: unknown, name: string): Uint8Array {
  let view: Uint8Array;
  if (value instanceof Uint8Array) view = value;
  else if (types.isArrayBufferView(value)) view = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  else if (types.isAnyArrayBuffer(value)) view = new Uint8Array(value);
  else throw argError(name, `\`${name}\` must be a Buffer, TypedArray, DataView or ArrayBuffer, got ${describe(value)}`);
  if (view.byteLength === 0 && types.isArrayBuffer(view.buffer) && isDetached(view.buffer)) {
    throw new WarpdriveError('ERR_BUFFER_DETACHED', `\`${name}\` is backed by a detached ArrayBuffer`, { details: { argument: name } });
  }
  return view;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** The options object of a call. */
export function optionsObject(value: unknown, name = 'options'): Record<string, unknown> {
  if (value === null || typeof value !== 'object') throw argError(name, `\`${name}\` must be an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

/** A cipher by name. */
export function cipherInfo(alg: unknown): CipherInfo {
  // Exact names first: lower-casing allocates a string on every call.
  const info = typeof alg === 'string' ? (CIPHERS.get(alg) ?? CIPHERS.get(alg.toLowerCase())) : undefined;
  if (info === undefined) {
    throw new WarpdriveError('ERR_UNSUPPORTED_OPERATION', `\`alg\` must be one of ${[...CIPHERS.keys()].join(', ')}, got ${JSON.stringify(alg)}`, {
      details: { argument: 'alg' },
    });
  }
  return info;
}

/** A hash (hmac=false) or HMAC (hmac=true; 'sha256' also names hmac-sha256). */
export function hashInfo(alg: unknown, hmac: boolean): HashInfo {
  let info = typeof alg === 'string' ? (HASHES.get(alg) ?? HASHES.get(alg.toLowerCase())) : undefined;
  if (hmac && info !== undefined && !info.hmac) info = HASHES.get(`hmac-${info.name}`);
  if (info === undefined || info.hmac !== hmac) {
    const names = [...HASHES.values()].filter((h) => h.hmac === hmac).map((h) => h.name);
    throw new WarpdriveError('ERR_UNSUPPORTED_OPERATION', `\`alg\` must be one of ${names.join(', ')}, got ${JSON.stringify(alg)}`, {
      details: { argument: 'alg' },
    });
  }
  return info;
}

/** The AES key for `info`. */
export function cipherKey(value: unknown, info: CipherInfo): Uint8Array {
  const key = bytes(value, 'key');
  if (key.byteLength !== info.keyLength) {
    throw argError('key', `\`key\` must be ${info.keyLength} bytes for ${info.name}, got ${key.byteLength}`);
  }
  return key;
}

/** An HMAC key (any length up to the engine's limit). */
export function hmacKey(value: unknown): Uint8Array {
  const key = bytes(value, 'key');
  if (key.byteLength > LIMITS.KEY_MAX) throw argError('key', `\`key\` must be at most ${LIMITS.KEY_MAX} bytes, got ${key.byteLength}`);
  return key;
}

/** The IV for `info`: 16 bytes for CTR/CBC, 1..128 for GCM. */
export function cipherIv(value: unknown, info: CipherInfo): Uint8Array {
  if (value === undefined) throw argError('iv', `\`iv\` is required for ${info.name}`);
  const iv = bytes(value, 'iv');
  const ok = info.mode === 'gcm' ? iv.byteLength >= 1 && iv.byteLength <= LIMITS.IV_MAX : iv.byteLength === 16;
  if (!ok) {
    const want = info.mode === 'gcm' ? `1 to ${LIMITS.IV_MAX} bytes (12 recommended)` : '16 bytes';
    throw argError('iv', `\`iv\` must be ${want} for ${info.name}, got ${iv.byteLength}`);
  }
  return iv;
}

/** A GCM tag length (4, 8, 12..16). */
export function tagLength(value: unknown, info: CipherInfo, name = 'tagLength'): number {
  if (info.mode !== 'gcm') {
    if (value !== undefined) throw argError(name, `\`${name}\` applies to GCM only, not ${info.name}`);
    return 0;
  }
  const n = value ?? 16;
  if (typeof n !== 'number' || !GCM_TAG_LENGTHS.includes(n)) {
    throw argError(name, `\`${name}\` must be one of ${GCM_TAG_LENGTHS.join(', ')} for ${info.name}, got ${String(value)}`);
  }
  return n;
}

/** The expected tag of a GCM decryption. */
export function cipherTag(value: unknown, info: CipherInfo): Uint8Array | undefined {
  if (info.mode !== 'gcm') {
    if (value !== undefined) throw argError('tag', `\`tag\` applies to GCM only, not ${info.name}`);
    return undefined;
  }
  if (value === undefined) throw argError('tag', `\`tag\` is required to decrypt ${info.name}`);
  const tag = bytes(value, 'tag');
  if (!GCM_TAG_LENGTHS.includes(tag.byteLength)) {
    throw argError('tag', `\`tag\` must be ${GCM_TAG_LENGTHS.join(', ')} bytes long for ${info.name}, got ${tag.byteLength}`);
  }
  return tag;
}

/** GCM additional authenticated data. */
export function cipherAad(value: unknown, info: CipherInfo): Uint8Array | undefined {
  if (value === undefined) return undefined;
  if (info.mode !== 'gcm') throw argError('aad', `\`aad\` applies to GCM only, not ${info.name}`);
  const aad = bytes(value, 'aad');
  if (aad.byteLength > 0xffffffff) throw argError('aad', '`aad` must be at most 4 GiB - 1 bytes');
  return aad.byteLength === 0 ? undefined : aad;
}

/** CBC padding flag (true = PKCS#7, the default). */
export function padding(value: unknown, info: CipherInfo): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw argError('padding', `\`padding\` must be a boolean, got ${describe(value)}`);
  if (!value && info.mode !== 'cbc') throw argError('padding', `\`padding\` applies to CBC only, not ${info.name}`);
  return value;
}

/** Input data, with the 32-bit descriptor length limit. */
export function input(value: unknown, name = 'data'): Uint8Array {
  const data = bytes(value, name);
  if (data.byteLength > 0xffffffff) throw argError(name, `\`${name}\` must be at most 4 GiB - 1 bytes, got ${data.byteLength}`);
  return data;
}

/**
 * The output buffer: the caller's `out` (checked: large enough, and either
 * disjoint from `src` or starting at the same address — in place) or a new
 * uninitialised Buffer of `need` bytes (only the produced prefix is returned).
 */
export function output(value: unknown, need: number, src: Uint8Array | undefined): Uint8Array {
  if (value === undefined) return Buffer.allocUnsafe(need);
  const out = bytes(value, 'out');
  if (out.byteLength < need) throw argError('out', `\`out\` must be at least ${need} bytes, got ${out.byteLength}`, 'ERR_BUFFER_TOO_SMALL');
  // Views of different ArrayBuffers cannot overlap (V8 never aliases backing
  // stores we did not map ourselves); views of one ArrayBuffer share its
  // base address, so their offsets compare like addresses. (Small Buffers
  // often share Node's pool slab: this runs for many messages.)
  if (src !== undefined && src.buffer === out.buffer && src.byteLength > 0 && out.byteLength > 0) {
    const a = src.byteOffset;
    const b = out.byteOffset;
    if (a !== b && a < b + out.byteLength && b < a + src.byteLength) {
      throw argError('out', '`out` overlaps the input without starting at the same address (only exact in-place operation is allowed)');
    }
  }
  return out;
}

/** A Buffer over the first `n` bytes of `view` (no copy). */
export function prefix(view: Uint8Array, n: number): Buffer {
  if (n === view.byteLength && Buffer.isBuffer(view)) return view;
  return Buffer.from(view.buffer, view.byteOffset, n);
}
