/**
 * gzip()/gzipSync() and friends: one implementation per mode, exposed in
 * node's three shapes (callback, sync, promise) like lib/zlib.js does.
 */
import { Buffer } from 'node:buffer';
import { bufferOf, lengthOf } from '@warpdrive/core/plugin-kit';
import type { CompressOptions, DecompressOptions } from '../index.js';
import { getDefaultContext } from './context.js';
import { bufferTooLarge, invalidArgType, toNodeError } from './errors.js';
import { resolveOptions, toInput, type Mode, type Resolved } from './options.js';
import { decodeLikeNode } from './trailing.js';

/** The output of a one-shot call, always a Buffer like node's. */
export type ZlibCallback = (error: Error | null, result: Buffer) => void;

function asBuffer(out: Uint8Array): Buffer {
  return Buffer.isBuffer(out) ? out : bufferOf(out, 0, lengthOf(out));
}

function isGzipInput(r: Resolved, input: Uint8Array): boolean {
  return r.format === 'gzip' || (r.format === 'auto' && input[0] === 0x1f && input[1] === 0x8b);
}

// The plugin caches the parse of an options object by identity, so the
// same frozen object is passed for the same settings (bounded: a caller
// varying maxOutputLength per call just gets fresh objects past the cap).
const optionObjects = new Map<string, Readonly<Record<string, unknown>>>();
function pluginOptions(r: Resolved): Readonly<Record<string, unknown>> {
  const key = r.compress ? `c:${r.format}:${r.level}` : `d:${r.format}:${r.maxOutputLength}`;
  let o = optionObjects.get(key);
  if (o === undefined) {
    o = Object.freeze(r.compress ? { format: r.format, level: r.level } : { format: r.format, maxOutputLength: r.maxOutputLength });
    if (optionObjects.size < 64) optionObjects.set(key, o);
  }
  return o;
}

function checkCompressedSize(out: Uint8Array, r: Resolved): void {
  if (lengthOf(out) > r.maxOutputLength) throw bufferTooLarge(r.maxOutputLength);
}

/** Runs one request synchronously on the calling thread; node-shaped errors. */
export function runSync(mode: Mode, buffer: unknown, options: unknown): Buffer {
  const input = toInput(buffer);
  const r = resolveOptions(mode, options, true);
  const ctx = getDefaultContext();
  try {
    if (r.compress) {
      const out = ctx.compressSync(input, pluginOptions(r) as CompressOptions);
      checkCompressedSize(out, r);
      return asBuffer(out);
    }
    const opts = pluginOptions(r) as DecompressOptions;
    try {
      return asBuffer(ctx.decompressSync(input, opts));
    } catch (err) {
      const out = decodeLikeNode(err, input, isGzipInput(r, input), (b) => ctx.decompressSync(b, opts));
      if (out === undefined) throw err;
      return asBuffer(out);
    }
  } catch (err) {
    throw toNodeError(err, r.maxOutputLength);
  }
}

/** Runs one request on the queue; rejects with node-shaped errors. */
export async function runAsync(mode: Mode, buffer: unknown, options: unknown): Promise<Buffer> {
  return execAsync(toInput(buffer), resolveOptions(mode, options, true));
}

async function execAsync(input: Uint8Array, r: Resolved): Promise<Buffer> {
  const ctx = getDefaultContext();
  try {
    if (r.compress) {
      const out = await ctx.compress(input, pluginOptions(r) as CompressOptions);
      checkCompressedSize(out, r);
      return asBuffer(out);
    }
    const opts = pluginOptions(r) as DecompressOptions;
    try {
      return asBuffer(await ctx.decompress(input, opts));
    } catch (err) {
      const out = decodeLikeNode(err, input, isGzipInput(r, input), (b) => ctx.decompressSync(b, opts));
      if (out === undefined) throw err;
      return asBuffer(out);
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
  // validate now, so that bad arguments throw like node's; then run
  const input = toInput(buffer);
  const r = resolveOptions(mode, options, true);
  execAsync(input, r).then(
    (out) => process.nextTick(cb, null, out),
    (err: Error) => process.nextTick(cb, err),
  );
}
