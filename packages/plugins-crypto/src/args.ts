/**
 * Per-operation argument checks, by hand (zod runs once per session or
 * options shape, not per message: see options.ts). Every message names the
 * argument and what was expected.
 *
 * Everything a caller hands in goes through core's plugin kit once: options
 * objects become own-property snapshots ({@link options}), buffers become
 * fresh views core built from the engine's internal slots (`viewOf`), and
 * every length is read with `lengthOf`. A caller's `byteLength`, `buffer`,
 * getters or prototype are never consulted again, so what was checked is
 * what the engine is told.
 */
import { WarpdriveError } from '@warpdrive/core';
import {
  argumentError, backingOf, bufferOf, describeValue, detachedError, isDetached, lengthOf, overlapOf, ownOptions, requireLength, viewOf,
} from '@warpdrive/core/plugin-kit';
import { CIPHERS, GCM_TAG_LENGTHS, HASHES, type CipherInfo, type HashInfo } from './algorithms.js';
import { LIMITS } from './abi.js';
import { argError } from './errors.js';

/** Input the plugin accepts as bytes. */
export type Bytes = ArrayBufferView | ArrayBuffer;

/** A snapshot of an options object (own properties only, each read once). */
export type Snapshot<K extends string> = Readonly<Record<K, unknown>>;

/** Option names of each call (an unknown own key is refused). */
export const KEYS = {
  encrypt: ['alg', 'key', 'iv', 'aad', 'tagLength', 'padding', 'out'],
  // `tagLength` too, so one options object serves encrypt and decrypt
  decrypt: ['alg', 'key', 'iv', 'aad', 'tag', 'tagLength', 'padding', 'out'],
  // `key` is known so that a digest given one says why it is refused
  digest: ['alg', 'key', 'out'],
  sessionEncrypt: ['iv', 'aad', 'tagLength', 'out'],
  sessionDecrypt: ['iv', 'aad', 'tag', 'out'],
  batch: ['ivs', 'outs', 'aad', 'tagLength', 'tags'],
  start: ['iv', 'aad', 'decrypt'],
  final: ['tag', 'tagLength', 'out'],
  out: ['out'],
} as const;

/**
 * The options object of a call as a null-prototype snapshot of its own
 * properties `keys`: `Object.prototype.out` and friends are invisible, a
 * getter runs once.
 * @param optional - accept `undefined` as no options (default false)
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` (not an object, unknown own key)
 */
export function options<K extends string>(value: unknown, keys: readonly K[], optional = false, name = 'options'): Snapshot<K> {
  return ownOptions(value, name, keys, optional ? OPTIONAL : REQUIRED);
}
// constants: no options object per call (this runs for every message)
const OPTIONAL = { optional: true } as const;
const REQUIRED = { optional: false } as const;

/** `alg` for a message: a string as JSON, anything else described (JSON.stringify throws on a BigInt, runs toJSON). */
function algText(alg: unknown): string {
  return typeof alg === 'string' ? JSON.stringify(alg) : describeValue(alg);
}

/** A cipher by name. */
export function cipherInfo(alg: unknown): CipherInfo {
  // Exact names first: lower-casing allocates a string on every call.
  const info = typeof alg === 'string' ? (CIPHERS.get(alg) ?? CIPHERS.get(alg.toLowerCase())) : undefined;
  if (info === undefined) {
    throw new WarpdriveError('ERR_UNSUPPORTED_OPERATION', `\`alg\` must be one of ${[...CIPHERS.keys()].join(', ')}, got ${algText(alg)}`, {
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
    throw new WarpdriveError('ERR_UNSUPPORTED_OPERATION', `\`alg\` must be one of ${names.join(', ')}, got ${algText(alg)}`, {
      details: { argument: 'alg' },
    });
  }
  return info;
}

/** The AES key for `info` (its true length, whatever the value claims). */
export function cipherKey(value: unknown, info: CipherInfo): Uint8Array {
  const key = viewOf(value, 'key');
  const n = lengthOf(key);
  if (n !== info.keyLength) throw argError('key', `\`key\` must be ${info.keyLength} bytes for ${info.name}, got ${n}`);
  return key;
}

/** An HMAC key (any length up to the engine's limit). */
export function hmacKey(value: unknown): Uint8Array {
  const key = viewOf(value, 'key');
  const n = lengthOf(key);
  if (n > LIMITS.KEY_MAX) throw argError('key', `\`key\` must be at most ${LIMITS.KEY_MAX} bytes, got ${n}`);
  return key;
}

/** The IV for `info`: 16 bytes for CTR/CBC, 1..128 for GCM. */
export function cipherIv(value: unknown, info: CipherInfo, name = 'iv'): Uint8Array {
  if (value === undefined) throw argError(name, `\`${name}\` is required for ${info.name}`);
  const iv = viewOf(value, name);
  const n = lengthOf(iv);
  const ok = info.mode === 'gcm' ? n >= 1 && n <= LIMITS.IV_MAX : n === 16;
  if (!ok) {
    const want = info.mode === 'gcm' ? `1 to ${LIMITS.IV_MAX} bytes (12 recommended)` : '16 bytes';
    throw argError(name, `\`${name}\` must be ${want} for ${info.name}, got ${n}`);
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
    throw argError(name, `\`${name}\` must be one of ${GCM_TAG_LENGTHS.join(', ')} for ${info.name}, got ${describeValue(value)}`);
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
  const tag = viewOf(value, 'tag');
  const n = lengthOf(tag);
  if (!GCM_TAG_LENGTHS.includes(n)) {
    throw argError('tag', `\`tag\` must be ${GCM_TAG_LENGTHS.join(', ')} bytes long for ${info.name}, got ${n}`);
  }
  return tag;
}

/** GCM additional authenticated data (undefined when empty). */
export function cipherAad(value: unknown, info: CipherInfo, name = 'aad'): Uint8Array | undefined {
  if (value === undefined) return undefined;
  if (info.mode !== 'gcm') throw argError(name, `\`${name}\` applies to GCM only, not ${info.name}`);
  const aad = viewOf(value, name);
  const n = lengthOf(aad);
  if (n > 0xffffffff) throw argError(name, `\`${name}\` must be at most 4 GiB - 1 bytes`);
  return n === 0 ? undefined : aad;
}

/** CBC padding flag (true = PKCS#7, the default). */
export function padding(value: unknown, info: CipherInfo): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw argError('padding', `\`padding\` must be a boolean, got ${describeValue(value)}`);
  if (!value && info.mode !== 'cbc') throw argError('padding', `\`padding\` applies to CBC only, not ${info.name}`);
  return value;
}

/** Input data, with the 32-bit descriptor length limit. */
export function input(value: unknown, name = 'data'): Uint8Array {
  const data = viewOf(value, name);
  const n = lengthOf(data);
  if (n > 0xffffffff) throw argError(name, `\`${name}\` must be at most 4 GiB - 1 bytes, got ${n}`);
  return data;
}

/**
 * The output buffer: the caller's `out` (checked: large enough, and either
 * disjoint from `src` or starting at the same address — in place) or a new
 * uninitialised Buffer of `need` bytes (only the produced prefix is returned).
 */
export function output(value: unknown, need: number, src: Uint8Array | undefined, name = 'out'): Uint8Array {
  if (value === undefined) return Buffer.allocUnsafe(need);
  const out = viewOf(value, name);
  requireLength(out, need, name);
  if (src !== undefined && overlapOf(src, out) === 'partial') {
    throw argError(name, `\`${name}\` overlaps the input without starting at the same address (only exact in-place operation is allowed)`);
  }
  return out;
}

/**
 * A Buffer over the first `n` bytes of `view` (no copy). A result this
 * plugin allocated is returned as is; one in a caller's buffer goes through
 * `bufferOf`, so a buffer detached (or shrunk) while the request was in
 * flight is `ERR_BUFFER_DETACHED`, not a TypeError or a short result.
 */
export function prefix(view: Uint8Array, n: number, name = 'out'): Buffer {
  // Only the plugin's own outputs are Buffers: viewOf returns plain Uint8Arrays.
  if (Buffer.isBuffer(view) && n === lengthOf(view)) return view;
  if (n === 0 && isDetached(backingOf(view))) throw detachedError(name); // bufferOf would construct over it
  return bufferOf(view, 0, n, name);
}

/** `ERR_BUFFER_DETACHED` for a view that no longer spans the `need` bytes it was checked with. */
export function gone(view: Uint8Array, need: number, name: string): WarpdriveError {
  if (isDetached(backingOf(view))) return detachedError(name);
  return argumentError(name, `\`${name}\` no longer holds the ${need} bytes it was checked with (its buffer shrank)`, 'ERR_BUFFER_DETACHED');
}

/** Throw unless `view` still spans `need` bytes (it was checked before caller code could run). */
export function stillHolds(view: Uint8Array, need: number, name: string): void {
  if (need > 0 && lengthOf(view) < need) throw gone(view, need, name);
}

/** Zero the first `n` bytes of `view`, or as many as it still has (none once detached). */
export function wipe(view: Uint8Array, n: number): void {
  const end = Math.min(n, lengthOf(view));
  if (end > 0) view.fill(0, 0, end);
}

/** A copy of `view` that the caller cannot change or detach afterwards. */
export function copyOf(view: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafe(lengthOf(view));
  copy.set(view);
  return copy;
}
