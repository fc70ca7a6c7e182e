/**
 * Options validation and normalization to what the encoders need.
 *
 * Every options object is read once, as own properties only, through the
 * plugin kit's `ownOptions`: a field polluted onto `Object.prototype` is
 * never seen, a getter is called exactly once, and the checks below run on
 * that snapshot, which is the only thing used afterwards (a value checked
 * on one read and used on another would not be the value checked).
 *
 * One-shot options made only of primitive fields (format, level,
 * maxOutputLength, multiMember) are cached by their values
 * (options-cache.ts, which reads them by the same rules without building a
 * snapshot on a hit): each combination is validated once, and a caller
 * that writes a fresh `{ format: 'gzip' }` literal per request pays a
 * lookup. A gzip header or an `out` is never cached.
 */
import { constants as bufferConstants } from 'node:buffer';
import { types } from 'node:util';
import { WarpdriveError } from '@warpdrive/core';
import { argumentError, backingOf, describeValue, isResizable, ownOptions, typedArrayName, viewOf } from '@warpdrive/core/plugin-kit';
import { encodeGzipHeader, type HeaderFields } from './gzip-header.js';
import { ValueCache } from './options-cache.js';
import type { ZipFormat } from './types.js';

/** Largest maxOutputLength (and default): node's Buffer limit. */
export const MAX_OUTPUT = bufferConstants.MAX_LENGTH;
export const DEFAULT_CHUNK = 64 * 1024;
const MIN_CHUNK = 64;
const MAX_CHUNK = 64 * 1024 * 1024;
const MAX_EXTRA = 65535;
const MAX_MTIME = 0xffffffff;
const OS_UNIX = 3;

const COMPRESS_KEYS = ['format', 'level', 'gzip', 'out'] as const;
const COMPRESS_STREAM_KEYS = ['format', 'level', 'gzip', 'chunkSize'] as const;
const DECOMPRESS_KEYS = ['format', 'maxOutputLength', 'multiMember', 'out'] as const;
const DECOMPRESS_STREAM_KEYS = ['format', 'maxOutputLength', 'multiMember', 'chunkSize'] as const;
const GZIP_KEYS = ['name', 'comment', 'mtime', 'os', 'extra'] as const;

type Snapshot = Readonly<Record<string, unknown>>;

const LEVEL_NAMES = { fastest: 1, default: 6, best: 9 } as const;
const hasOwn = Object.prototype.hasOwnProperty;
// (captured: a Date's own or inherited getTime is caller code)
const dateGetTime = Date.prototype.getTime;

/** `` `path` must be <expected>, got <what it is> `` as ERR_INVALID_ARGUMENT. */
function invalid(path: string, expected: string, value: unknown): WarpdriveError {
  return argumentError(path, `\`${path}\` must be ${expected}, got ${describeValue(value)}`);
}

function isIntegerIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function integerIn(v: unknown, path: string, min: number, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (!isIntegerIn(v, min, max)) throw invalid(path, `an integer between ${min} and ${max}`, v);
  return v;
}

function compressFormat(v: unknown): ZipFormat {
  if (v === undefined) return 'gzip';
  if (v === 'deflate' || v === 'zlib' || v === 'gzip') return v;
  throw invalid('options.format', "one of 'deflate', 'zlib', 'gzip'", v);
}

function decompressFormat(v: unknown): ZipFormat | 'auto' {
  if (v === undefined) return 'auto';
  if (v === 'auto' || v === 'deflate' || v === 'zlib' || v === 'gzip') return v;
  throw invalid('options.format', "one of 'auto', 'deflate', 'zlib', 'gzip'", v);
}

function levelOf(v: unknown): number {
  if (v === undefined) return 6;
  if (isIntegerIn(v, 0, 9)) return v;
  // own keys only: 'toString' or '__proto__' are not level names
  if (typeof v === 'string' && hasOwn.call(LEVEL_NAMES, v)) return LEVEL_NAMES[v as keyof typeof LEVEL_NAMES];
  throw invalid('options.level', "an integer 0..9 or one of 'fastest', 'default', 'best'", v);
}

function latin1(v: unknown, path: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > MAX_EXTRA || /[\u0000\u0100-\uffff]/.test(v)) throw invalid(path, 'a Latin-1 string without NUL', v);
  return v;
}

function mtimeOf(v: unknown): number {
  if (v === undefined) return 0;
  if (isIntegerIn(v, 0, MAX_MTIME)) return v;
  if (types.isDate(v)) {
    const ms = dateGetTime.call(v);
    if (ms >= 0 && ms / 1000 <= MAX_MTIME) return Math.floor(ms / 1000);
  }
  throw invalid('options.gzip.mtime', 'a non-negative integer (seconds) below 2^32 or a valid Date', v);
}

function extraOf(v: unknown): Uint8Array | undefined {
  if (v === undefined) return undefined;
  const expected = `a Uint8Array of at most ${MAX_EXTRA} bytes`;
  if (typedArrayName(v) !== 'Uint8Array') throw invalid('options.gzip.extra', expected, v);
  return viewOf(v, 'options.gzip.extra', { maxLength: MAX_EXTRA, expected });
}

/** The gzip header option, read once and checked (FEXTRA at most 65535 bytes, names Latin-1 without NUL). */
function headerFields(value: unknown): HeaderFields {
  const g = ownOptions(value, 'options.gzip', GZIP_KEYS, { optional: false });
  return {
    name: latin1(g.name, 'options.gzip.name'),
    comment: latin1(g.comment, 'options.gzip.comment'),
    mtime: mtimeOf(g.mtime),
    os: integerIn(g.os, 'options.gzip.os', 0, 255, OS_UNIX),
    extra: extraOf(g.extra),
  };
}

/**
 * `options.out` as the kit's view of it. Core's pin rules are checked now on
 * every path (inline too): live, and not resizable (it could shrink while
 * the device writes).
 */
function outView(v: unknown): Uint8Array | undefined {
  if (v === undefined) return undefined;
  const view = viewOf(v, 'options.out');
  if (isResizable(backingOf(view))) {
    throw argumentError('options.out', '`options.out` is backed by a resizable ArrayBuffer, which could shrink while the device writes; use a fixed-length buffer');
  }
  return view;
}

/** Normalized compression options. */
export interface CompressParams {
  readonly format: ZipFormat;
  readonly level: number;
  /** The encoded gzip member header (options.gzip), if any. */
  readonly header: Buffer | undefined;
  readonly chunkSize: number;
  /** One-shot only: the caller's output memory (`options.out`), as the kit's view. */
  readonly out: Uint8Array | undefined;
}
/** Normalized decompression options. */
export interface DecompressParams {
  readonly format: ZipFormat | 'auto';
  readonly maxOutputLength: number;
  readonly multiMember: boolean;
  readonly chunkSize: number;
  /** One-shot only: the caller's output memory (`options.out`), as the kit's view. */
  readonly out: Uint8Array | undefined;
}

const DEFAULT_COMPRESS: CompressParams = Object.freeze({ format: 'gzip', level: 6, header: undefined, chunkSize: DEFAULT_CHUNK, out: undefined });
const DEFAULT_DECOMPRESS: DecompressParams = Object.freeze({ format: 'auto', maxOutputLength: MAX_OUTPUT, multiMember: true, chunkSize: DEFAULT_CHUNK, out: undefined });
const DEFAULT_DECOMPRESS_STREAM: DecompressParams = Object.freeze({ ...DEFAULT_DECOMPRESS, maxOutputLength: Infinity });
const compressCache = new ValueCache<CompressParams>(COMPRESS_KEYS, ['format', 'level']);
const decompressCache = new ValueCache<DecompressParams>(DECOMPRESS_KEYS, ['format', 'maxOutputLength', 'multiMember']);

function toCompress(o: Snapshot): CompressParams {
  const format = compressFormat(o.format);
  const level = levelOf(o.level);
  const gzip = o.gzip;
  if (gzip !== undefined && format !== 'gzip') {
    throw argumentError('options.gzip', "`options.gzip` is only allowed with format 'gzip'");
  }
  // encoded now, from the snapshot: nothing the caller does later changes it
  const header = gzip === undefined ? undefined : encodeGzipHeader(headerFields(gzip), level);
  const chunkSize = integerIn(o.chunkSize, 'options.chunkSize', MIN_CHUNK, MAX_CHUNK, DEFAULT_CHUNK);
  return Object.freeze({ format, level, header, chunkSize, out: outView(o.out) });
}

/**
 * Validate compression options.
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` naming the option, `ERR_BUFFER_DETACHED` (`options.out`, `options.gzip.extra`)
 */
export function compressParams(options: unknown, stream = false): CompressParams {
  if (options === undefined) return DEFAULT_COMPRESS;
  if (stream) return toCompress(ownOptions(options, 'options', COMPRESS_STREAM_KEYS));
  return compressCache.lookup(options, toCompress);
}

function toDecompress(o: Snapshot, stream: boolean): DecompressParams {
  const multiMember = o.multiMember;
  if (multiMember !== undefined && typeof multiMember !== 'boolean') throw invalid('options.multiMember', 'a boolean', multiMember);
  return Object.freeze({
    format: decompressFormat(o.format),
    // streams have no total cap unless asked (node:zlib's streams have none)
    maxOutputLength: integerIn(o.maxOutputLength, 'options.maxOutputLength', 1, MAX_OUTPUT, stream ? Infinity : MAX_OUTPUT),
    multiMember: multiMember ?? true,
    chunkSize: integerIn(o.chunkSize, 'options.chunkSize', MIN_CHUNK, MAX_CHUNK, DEFAULT_CHUNK),
    out: outView(o.out),
  });
}
const toDecompressOneShot = (o: Snapshot): DecompressParams => toDecompress(o, false);

/**
 * Validate decompression options.
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` naming the option, `ERR_BUFFER_DETACHED` (`options.out`)
 */
export function decompressParams(options: unknown, stream = false): DecompressParams {
  if (options === undefined) return stream ? DEFAULT_DECOMPRESS_STREAM : DEFAULT_DECOMPRESS;
  if (stream) return toDecompress(ownOptions(options, 'options', DECOMPRESS_STREAM_KEYS), true);
  return decompressCache.lookup(options, toDecompressOneShot);
}
