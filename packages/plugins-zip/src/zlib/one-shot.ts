/**
 * gzip()/gzipSync() and friends: one implementation per mode, exposed in
 * node's three shapes (callback, sync, promise) like lib/zlib.js does.
 */
import { Buffer } from 'node:buffer';
import { isWarpdriveError } from '@warpdrive/core';
import type { ZipFormat } from '../index.js';
import { getDefaultContext } from './context.js';
import { bufferTooLarge, invalidArgType, toNodeError } from './errors.js';
import { resolveOptions, toInput, type Mode, type Resolved } from './options.js';

/** The output of a one-shot call, always a Buffer like node's. */
export type ZlibCallback = (error: Error | null, result: Buffer) => void;

function asBuffer(out: Uint8Array): Buffer {
  return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

function isGzipMember(input: Uint8Array): boolean {
  return input[0] === 0x1f && input[1] === 0x8b;
}

/**
 * node ignores bytes after a complete zlib/raw stream, and after a gzip
 * member when the next byte is 0x00 (padding); other bytes after a gzip
 * member are parsed as a new member (so garbage → Z_DATA_ERROR). The plugin
 * is stricter (trailing data is ERR_DATA_CORRUPT); this returns the prefix
 * node would have decoded, or undefined if node would fail too.
 */
function nodeDecodablePrefix(err: unknown, r: Resolved, input: Uint8Array): Uint8Array | undefined {
  if (!isWarpdriveError(err, 'ERR_DATA_CORRUPT' as never) || err.details?.reason !== 'trailing-data') return undefined;
  const end = err.details.consumed ?? err.details.offset;
  if (typeof end !== 'number' || end <= 0 || end >= input.length) return undefined;
  const gzip = r.format === 'gzip' || (r.format === 'auto' && isGzipMember(input));
  if (gzip && input[end] !== 0) return undefined;
  return input.subarray(0, end);
}

function checkCompressedSize(out: Uint8Array, r: Resolved): void {
  if (out.length > r.maxOutputLength) throw bufferTooLarge(r.maxOutputLength);
}

/** Runs one request synchronously on the calling thread; node-shaped errors. */
export function runSync(mode: Mode, buffer: unknown, options: unknown): Buffer {
  const input = toInput(buffer);
  const r = resolveOptions(mode, options, true);
  const ctx = getDefaultContext();
  try {
    if (r.compress) {
      const out = ctx.compressSync(input, { format: r.format as ZipFormat, level: r.level as never });
      checkCompressedSize(out, r);
      return asBuffer(out);
    }
    const opts = { format: r.format, maxOutputLength: r.maxOutputLength };
    try {
      return asBuffer(ctx.decompressSync(input, opts));
    } catch (err) {
      const prefix = nodeDecodablePrefix(err, r, input);
      if (prefix === undefined) throw err;
      return asBuffer(ctx.decompressSync(prefix, opts));
    }
  } catch (err) {
    throw toNodeError(err, r.maxOutputLength);
  }
}

/** Runs one request on the queue; rejects with node-shaped errors. */
export async function runAsync(mode: Mode, buffer: unknown, options: unknown): Promise<Buffer> {
  const input = toInput(buffer);
  const r = resolveOptions(mode, options, true);
  const ctx = getDefaultContext();
  try {
    if (r.compress) {
      const out = await ctx.compress(input, { format: r.format as ZipFormat, level: r.level as never });
      checkCompressedSize(out, r);
      return asBuffer(out);
    }
    const opts = { format: r.format, maxOutputLength: r.maxOutputLength };
    try {
      return asBuffer(await ctx.decompress(input, opts));
    } catch (err) {
      const prefix = nodeDecodablePrefix(err, r, input);
      if (prefix === undefined) throw err;
      return asBuffer(await ctx.decompress(prefix, opts));
    }
  } catch (err) {
    throw toNodeError(err, r.maxOutputLength);
  }
}

/**
 * node's callback convention: `(buffer, [options], callback)`. Argument and
 * option errors throw synchronously (as node's do); processing errors reach
 * the callback, always asynchronously.
 */
export function runCallback(mode: Mode, buffer: unknown, options: unknown, callback: unknown): void {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
  const cb = callback as ZlibCallback;
  // validate now so that bad arguments throw like node's, then run
  toInput(buffer);
  resolveOptions(mode, options, true);
  runAsync(mode, buffer, options).then(
    (out) => process.nextTick(cb, null, out),
    (err: Error) => process.nextTick(cb, err),
  );
}
