/**
 * Validates node:zlib options the way node does (same names, ranges, error
 * codes) and translates them to the plugin's options. Options node accepts
 * but the engines cannot honour (a non-default windowBits, memLevel,
 * strategy, a dictionary...) are rejected with ERR_INVALID_ARG_VALUE rather
 * than silently ignored.
 */
import { Buffer, kMaxLength } from 'node:buffer';
import { constants } from 'node:zlib';
import { isAnyArrayBuffer } from 'node:util/types';
import { guardRead, isBufferInput, ownOptions, viewOf } from '@warpdrive/core/plugin-kit';
import type { ZipFormat } from '../index.js';
import { invalidArgType, outOfRange, unsupportedValue } from './errors.js';

/** The seven node:zlib deflate-family modes. */
export type Mode = 'gzip' | 'gunzip' | 'deflate' | 'inflate' | 'deflateRaw' | 'inflateRaw' | 'unzip';

/** node:zlib's `ZlibOptions`, as far as the facade understands them. */
export interface ZlibOptions {
  /** Per-write flush kind (streams); Z_NO_FLUSH, or Z_SYNC_FLUSH/Z_FULL_FLUSH when decompressing. */
  flush?: number;
  /** Flush at end of input; only Z_FINISH (node's default). */
  finishFlush?: number;
  /** Output chunk size in bytes (≥ 64); unset: the plugin's default (64 KiB, fewer engine calls than node's 16 KiB). */
  chunkSize?: number;
  /** Only the default (15; 0 also accepted when decompressing). */
  windowBits?: number;
  /** -1 (default = 6) or 0..9. */
  level?: number;
  /** Only the default (8). */
  memLevel?: number;
  /** Only the default (Z_DEFAULT_STRATEGY). */
  strategy?: number;
  /** Not supported: any dictionary is rejected. */
  dictionary?: NodeJS.ArrayBufferView | ArrayBuffer;
  /** Not supported: `info: true` is rejected. */
  info?: boolean;
  /** Limit of the output size for one-shot calls (1..buffer.kMaxLength). */
  maxOutputLength?: number;
}

/** What the facade needs to run one request or stream. */
export interface Resolved {
  readonly compress: boolean;
  readonly format: ZipFormat | 'auto';
  readonly level: number;
  /** undefined when the caller did not set it. */
  readonly chunkSize: number | undefined;
  readonly maxOutputLength: number;
  readonly flush: number;
  readonly finishFlush: number;
}

const MODES: Record<Mode, { compress: boolean; format: ZipFormat | 'auto' }> = {
  gzip: { compress: true, format: 'gzip' },
  gunzip: { compress: false, format: 'gzip' },
  deflate: { compress: true, format: 'zlib' },
  inflate: { compress: false, format: 'zlib' },
  deflateRaw: { compress: true, format: 'deflate' },
  inflateRaw: { compress: false, format: 'deflate' },
  unzip: { compress: false, format: 'auto' },
};

/** node's checkRangesOrGetDefault: undefined/NaN → default, wrong type → TypeError, out of range → RangeError. */
function ranged(value: unknown, name: string, lower: number, upper: number, def: number): number {
  if (value === undefined || Number.isNaN(value)) return def;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isFinite(value) || value < lower || value > upper) throw outOfRange(name, `>= ${lower} and <= ${upper}`, value);
  return value;
}

const KEYS = ['flush', 'finishFlush', 'chunkSize', 'windowBits', 'level', 'memLevel', 'strategy', 'dictionary', 'info', 'maxOutputLength'] as const;
const NO_OPTIONS = ownOptions(undefined, 'options', KEYS);

/**
 * `options` as own properties, each read once. node reads whatever it is
 * given, inherited fields included; here a field polluted onto
 * `Object.prototype` is not an option, and a getter cannot answer the
 * check and the use differently. Other keys are ignored, as node does; a
 * non-object (or an array or buffer) means "no options".
 */
function snapshot(options: unknown): Readonly<Record<(typeof KEYS)[number], unknown>> {
  if (options === null || typeof options !== 'object') return NO_OPTIONS;
  return guardRead('options', () => (Array.isArray(options) || ArrayBuffer.isView(options) ? NO_OPTIONS : ownOptions(options, 'options', KEYS, { strict: false })));
}

/**
 * Validates `options` for `mode` and resolves the defaults.
 *
 * @param oneShot - true for gzip()/gzipSync() etc., false for create*() streams
 * @throws TypeError ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE, RangeError ERR_OUT_OF_RANGE
 */
export function resolveOptions(mode: Mode, options: unknown, oneShot: boolean): Resolved {
  const o = snapshot(options);
  const { compress, format } = MODES[mode];

  let chunkSize: number | undefined;
  const cs = o.chunkSize;
  if (cs !== undefined && !Number.isNaN(cs)) {
    if (typeof cs !== 'number') throw invalidArgType('options.chunkSize', 'of type number', cs);
    if (!Number.isFinite(cs) || cs < constants.Z_MIN_CHUNK) throw outOfRange('options.chunkSize', `>= ${constants.Z_MIN_CHUNK}`, cs);
    chunkSize = Math.floor(cs);
  }
  const flush = ranged(o.flush, 'options.flush', constants.Z_NO_FLUSH, constants.Z_BLOCK, constants.Z_NO_FLUSH);
  const finishFlush = ranged(o.finishFlush, 'options.finishFlush', constants.Z_NO_FLUSH, constants.Z_BLOCK, constants.Z_FINISH);
  const maxOutputLength = ranged(o.maxOutputLength, 'options.maxOutputLength', 1, kMaxLength, kMaxLength);
  const windowBits = ranged(o.windowBits, 'options.windowBits', compress ? constants.Z_MIN_WINDOWBITS : 0, constants.Z_MAX_WINDOWBITS, constants.Z_DEFAULT_WINDOWBITS);
  if (!compress && windowBits !== 0 && windowBits < constants.Z_MIN_WINDOWBITS) {
    throw outOfRange('options.windowBits', `>= ${constants.Z_MIN_WINDOWBITS} and <= ${constants.Z_MAX_WINDOWBITS}`, windowBits);
  }
  let level = ranged(o.level, 'options.level', constants.Z_MIN_LEVEL, constants.Z_MAX_LEVEL, constants.Z_DEFAULT_COMPRESSION);
  if (level === constants.Z_DEFAULT_COMPRESSION) level = 6;
  const memLevel = ranged(o.memLevel, 'options.memLevel', constants.Z_MIN_MEMLEVEL, constants.Z_MAX_MEMLEVEL, constants.Z_DEFAULT_MEMLEVEL);
  const strategy = ranged(o.strategy, 'options.strategy', constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_DEFAULT_STRATEGY);
  if (o.dictionary !== undefined && !ArrayBuffer.isView(o.dictionary) && !isAnyArrayBuffer(o.dictionary)) {
    throw invalidArgType('options.dictionary', 'an instance of Buffer, TypedArray, DataView, or ArrayBuffer', o.dictionary);
  }

  // Valid for node, but not implemented by the engines: refuse loudly.
  if (windowBits !== constants.Z_DEFAULT_WINDOWBITS && !(windowBits === 0 && !compress)) {
    throw unsupportedValue('options.windowBits', windowBits, 'is not supported by @warpdrive/plugin-zip/zlib (only 15)');
  }
  if (memLevel !== constants.Z_DEFAULT_MEMLEVEL) {
    throw unsupportedValue('options.memLevel', memLevel, 'is not supported by @warpdrive/plugin-zip/zlib (only 8)');
  }
  if (strategy !== constants.Z_DEFAULT_STRATEGY) {
    throw unsupportedValue('options.strategy', strategy, 'is not supported by @warpdrive/plugin-zip/zlib (only Z_DEFAULT_STRATEGY)');
  }
  if (o.dictionary !== undefined) {
    throw unsupportedValue('options.dictionary', '<buffer>', 'is not supported by @warpdrive/plugin-zip/zlib');
  }
  if (o.info) throw unsupportedValue('options.info', o.info, 'is not supported by @warpdrive/plugin-zip/zlib');
  const lenientFlush = !compress && !oneShot;
  if (flush !== constants.Z_NO_FLUSH && !(lenientFlush && (flush === constants.Z_SYNC_FLUSH || flush === constants.Z_FULL_FLUSH))) {
    throw unsupportedValue('options.flush', flush, 'is not supported here (use stream.flush() instead)');
  }
  if (finishFlush !== constants.Z_FINISH) {
    // Z_SYNC_FLUSH here means "return what decodes from a truncated input": not implemented
    throw unsupportedValue('options.finishFlush', finishFlush, 'is not supported by @warpdrive/plugin-zip/zlib (only Z_FINISH)');
  }
  return { compress, format, level, chunkSize, maxOutputLength, flush, finishFlush };
}

/**
 * The input of a one-shot call as node accepts it: string (UTF-8),
 * ArrayBuffer/SharedArrayBuffer, or any ArrayBufferView — as the plugin
 * kit's view of exactly its bytes (whatever its `byteLength`, `byteOffset`
 * or `buffer` properties say, and with no method of the caller's object
 * called later).
 *
 * @throws TypeError ERR_INVALID_ARG_TYPE otherwise (a Proxy too, as node);
 *   WarpdriveError ERR_BUFFER_DETACHED for a detached buffer
 */
export function toInput(buffer: unknown): Uint8Array {
  if (typeof buffer === 'string') return Buffer.from(buffer);
  if (isBufferInput(buffer)) return viewOf(buffer, 'buffer');
  throw invalidArgType('buffer', 'of type string or an instance of Buffer, TypedArray, DataView, or ArrayBuffer', buffer);
}
