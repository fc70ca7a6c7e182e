/**
 * Options validation (zod) and normalization to what the encoders need.
 *
 * One-shot options made only of primitive fields (format, level,
 * maxOutputLength, multiMember) are cached by their values
 * (options-cache.ts): zod validates each combination once, and a caller
 * that writes a fresh `{ format: 'gzip' }` literal per request pays a
 * lookup, not a parse. A gzip header or an `out` is never cached.
 */
import { constants as bufferConstants } from 'node:buffer';
import { types } from 'node:util';
import { z } from 'zod';
import { WarpdriveError, pinnableAddress, type BufferInput } from '@warpdrive/core';
import { bytesOf } from './lengths.js';
import { ValueCache } from './options-cache.js';
import type { GzipHeader, OneShotCompressOptions, OneShotDecompressOptions, StreamOptions, ZipFormat } from './types.js';

/** Largest maxOutputLength (and default): node's Buffer limit. */
export const MAX_OUTPUT = bufferConstants.MAX_LENGTH;
export const DEFAULT_CHUNK = 64 * 1024;
const MIN_CHUNK = 64;
const MAX_CHUNK = 64 * 1024 * 1024;

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : ((value as object).constructor?.name ?? 'an object');
}

function check<T>(expected: string, test: (v: unknown) => boolean) {
  return z.custom<T>(test, { error: (iss) => `must be ${expected}, got ${show(iss.input)}` });
}

const LEVEL_NAMES = { fastest: 1, default: 6, best: 9 } as const;
const isLevel = (v: unknown): boolean =>
  (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 9) || (typeof v === 'string' && Object.hasOwn(LEVEL_NAMES, v));
const isLatin1NoNul = (v: unknown): boolean => typeof v === 'string' && !/[\u0000\u0100-\uffff]/.test(v) && v.length <= 65535;

const formatSchema = check<ZipFormat>("one of 'deflate', 'zlib', 'gzip'", (v) => v === 'deflate' || v === 'zlib' || v === 'gzip');
const levelSchema = check<number | string>("an integer 0..9 or one of 'fastest', 'default', 'best'", isLevel);
const chunkSchema = check<number>(`an integer between ${MIN_CHUNK} and ${MAX_CHUNK}`, (v) => Number.isInteger(v) && (v as number) >= MIN_CHUNK && (v as number) <= MAX_CHUNK);

const strict = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z.strictObject(shape, { error: (iss) => (iss.code === 'invalid_type' ? `must be an object, got ${show(iss.input)}` : undefined) });

const gzipSchema = strict({
  name: check<string>('a Latin-1 string without NUL', isLatin1NoNul).optional(),
  comment: check<string>('a Latin-1 string without NUL', isLatin1NoNul).optional(),
  mtime: check<number | Date>('a non-negative integer (seconds) below 2^32 or a valid Date', (v) =>
    (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff) ||
    (v instanceof Date && !Number.isNaN(v.getTime()) && v.getTime() >= 0 && v.getTime() / 1000 <= 0xffffffff)).optional(),
  os: check<number>('an integer 0..255', (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255).optional(),
  extra: check<Uint8Array>('a Uint8Array of at most 65535 bytes', (v) => v instanceof Uint8Array && v.byteLength <= 65535).optional(),
});

const compressShape = { format: formatSchema.optional(), level: levelSchema.optional(), gzip: gzipSchema.optional() };
const decompressShape = {
  format: check<ZipFormat | 'auto'>("one of 'auto', 'deflate', 'zlib', 'gzip'", (v) => v === 'auto' || v === 'deflate' || v === 'zlib' || v === 'gzip').optional(),
  maxOutputLength: check<number>(`an integer between 1 and ${MAX_OUTPUT}`, (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_OUTPUT).optional(),
  multiMember: check<boolean>('a boolean', (v) => typeof v === 'boolean').optional(),
};
// (util.types, not instanceof: an ArrayBuffer of another realm is one, an object made from ArrayBuffer.prototype is not)
const isBytes = (v: unknown): boolean => types.isArrayBufferView(v) || types.isAnyArrayBuffer(v);
const outSchema = check<ArrayBufferView | ArrayBuffer>('a Buffer, TypedArray, DataView or ArrayBuffer', isBytes).optional();
const compressSchema = strict({ ...compressShape, out: outSchema });
const decompressSchema = strict({ ...decompressShape, out: outSchema });
const compressStreamSchema = strict({ ...compressShape, chunkSize: chunkSchema.optional() });
const decompressStreamSchema = strict({ ...decompressShape, chunkSize: chunkSchema.optional() });

/** Normalized compression options. */
export interface CompressParams {
  readonly format: ZipFormat;
  readonly level: number;
  readonly gzip: GzipHeader | undefined;
  readonly chunkSize: number;
  /** One-shot only: the caller's output memory (`options.out`), as plain bytes. */
  readonly out: Uint8Array | undefined;
}
/** Normalized decompression options. */
export interface DecompressParams {
  readonly format: ZipFormat | 'auto';
  readonly maxOutputLength: number;
  readonly multiMember: boolean;
  readonly chunkSize: number;
  /** One-shot only: the caller's output memory (`options.out`), as plain bytes. */
  readonly out: Uint8Array | undefined;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  // an unknown key is named itself (as core's validate.ts does): `options.lvl`
  const keys = issue.code === 'unrecognized_keys' ? [issue.keys[0]!] : [];
  const path = ['options', ...issue.path.map(String), ...keys].join('.');
  throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`${path}\` ${issue.message}`, { details: { argument: path } });
}

const DEFAULT_COMPRESS: CompressParams = Object.freeze({ format: 'gzip', level: 6, gzip: undefined, chunkSize: DEFAULT_CHUNK, out: undefined });
const DEFAULT_DECOMPRESS: DecompressParams = Object.freeze({ format: 'auto', maxOutputLength: MAX_OUTPUT, multiMember: true, chunkSize: DEFAULT_CHUNK, out: undefined });
const DEFAULT_DECOMPRESS_STREAM: DecompressParams = Object.freeze({ ...DEFAULT_DECOMPRESS, maxOutputLength: Infinity });
const compressCache = new ValueCache<CompressParams>(['format', 'level']);
const decompressCache = new ValueCache<DecompressParams>(['format', 'maxOutputLength', 'multiMember']);

/** `options.out` as plain bytes; a detached one is refused here (no view of it can be made). */
function outBytes(out: BufferInput): Uint8Array {
  // core's pin rules, checked now on every path (inline too): live, and not
  // resizable (it could shrink while the device writes)
  pinnableAddress(out, 'options.out');
  return bytesOf(out);
}

function toCompress(o: OneShotCompressOptions & StreamOptions): CompressParams {
  const format = o.format ?? 'gzip';
  if (o.gzip !== undefined && format !== 'gzip') {
    throw new WarpdriveError('ERR_INVALID_ARGUMENT', "`options.gzip` is only allowed with format 'gzip'", { details: { argument: 'options.gzip' } });
  }
  const level = typeof o.level === 'string' ? LEVEL_NAMES[o.level] : (o.level ?? 6);
  const out = o.out === undefined ? undefined : outBytes(o.out as BufferInput);
  return Object.freeze({ format, level, gzip: o.gzip, chunkSize: o.chunkSize ?? DEFAULT_CHUNK, out });
}

/**
 * Validate compression options.
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` naming the option
 */
export function compressParams(options: unknown, stream = false): CompressParams {
  if (options === undefined) return DEFAULT_COMPRESS;
  if (stream) return toCompress(parse(compressStreamSchema, options) as OneShotCompressOptions & StreamOptions);
  return compressCache.lookup(options, (value) => toCompress(parse(compressSchema, value) as OneShotCompressOptions));
}

function toDecompress(o: OneShotDecompressOptions & StreamOptions, stream: boolean): DecompressParams {
  return Object.freeze({
    format: o.format ?? 'auto',
    // streams have no total cap unless asked (node:zlib's streams have none)
    maxOutputLength: o.maxOutputLength ?? (stream ? Infinity : MAX_OUTPUT),
    multiMember: o.multiMember ?? true,
    chunkSize: o.chunkSize ?? DEFAULT_CHUNK,
    out: o.out === undefined ? undefined : outBytes(o.out as BufferInput),
  });
}

/**
 * Validate decompression options.
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` naming the option
 */
export function decompressParams(options: unknown, stream = false): DecompressParams {
  if (options === undefined) return stream ? DEFAULT_DECOMPRESS_STREAM : DEFAULT_DECOMPRESS;
  if (stream) return toDecompress(parse(decompressStreamSchema, options) as OneShotDecompressOptions & StreamOptions, true);
  return decompressCache.lookup(options, (value) => toDecompress(parse(decompressSchema, value) as OneShotDecompressOptions, false));
}
