/**
 * One-shot compress and decompress (async on the queue, sync inline).
 *
 * Output is allocated once: compress at the engine's worst-case bound,
 * decompress at the gzip ISIZE hint (or 8× the input up to 256 MiB, capped by
 * maxOutputLength), and the result is a subarray of that allocation (no
 * copy). If the decompressed data does not fit, the request is redone once
 * as an engine stream that fills geometrically growing chunks — linear in
 * the output, never a repeated re-decompression — with maxOutputLength
 * enforced per chunk, so a decompression bomb stops at the limit.
 */
import { WD_MAX_REQ_LEN, WarpdriveError, type BufferInput, type PluginHost } from '@warpdrive/core';
import { byteLength, type CompressRequest, type DecompressRequest, type StreamStepResult } from './codec.js';
import { outputLimitError } from './errors.js';
import { encodeGzipHeader } from './gzip-header.js';
import { OP, ZIP_F_DECOMPRESS, ZIP_F_FINISH, ZIP_F_MULTI_MEMBER, ZIP_FMT, ZIP_LEVEL_SHIFT } from './opcodes.js';
import { compressParams, decompressParams, type CompressParams, type DecompressParams } from './options.js';
import { OutputPool, SLAB_MAX } from './out-pool.js';
import { streamHost } from './queue-pin.js';
import { runAsync, runSync, type Steps } from './steps.js';

const TRAILER = { deflate: 0, zlib: 4, gzip: 8 } as const;
const DEFAULT_HEADER = { deflate: 0, zlib: 2, gzip: 10 } as const;
/** Deflate's best ratio is 1032:1; a larger ISIZE is not a single member's. */
const MAX_RATIO = 1032;
const FIRST_CHUNK = 64 * 1024;
/** Largest first guess without a size hint; bigger outputs continue in chunks. */
const MAX_GUESS = 256 * 1024 * 1024;
const MAX_CHUNK = 8 * 1024 * 1024;

/**
 * Worst-case raw deflate size of n bytes for every engine used (stored
 * blocks of ≤ 64 KiB, ISA-L's stored fallback, libdeflate's bound with its
 * minimum block length and end padding), with margin.
 */
export function rawBound(n: number): number {
  return n + 5 * (Math.ceil(n / 4000) + 1) + 64;
}

function toBytes(data: BufferInput): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

function outputBuffer(size: number, pool: OutputPool): Buffer {
  return size <= SLAB_MAX ? pool.take(OutputPool.aligned(size)) : Buffer.allocUnsafe(size);
}

/** Build the compress request for validated `data`. */
export function compressRequest(data: BufferInput, p: CompressParams, pool: OutputPool): CompressRequest {
  const n = byteLength(data, 'data');
  const header = p.gzip === undefined ? undefined : encodeGzipHeader(p.gzip, p.level);
  const size = (header?.length ?? DEFAULT_HEADER[p.format]) + rawBound(n) + TRAILER[p.format];
  if (size > WD_MAX_REQ_LEN) {
    throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`data\` is too large for one request (${n} bytes): use createCompressStream()`, {
      details: { argument: 'data' },
    });
  }
  return { src: data, dst: outputBuffer(size, pool), opFlags: ZIP_FMT[p.format] | (p.level << ZIP_LEVEL_SHIFT), header };
}

function decompressFlags(p: DecompressParams): number {
  return ZIP_FMT[p.format] | (p.multiMember ? ZIP_F_MULTI_MEMBER : 0);
}

/** First output size: ISIZE of the last gzip member, else 8× the input (≤ 256 MiB). */
function outputGuess(src: Uint8Array, p: DecompressParams): number {
  const n = src.byteLength;
  let guess = Math.min(n * 8 + 1024, MAX_GUESS);
  const gzip = p.format === 'gzip' || (p.format === 'auto' && src[0] === 0x1f);
  if (gzip && n >= 18) {
    const isize = (src[n - 4]! | (src[n - 3]! << 8) | (src[n - 2]! << 16) | (src[n - 1]! << 24)) >>> 0;
    if (isize <= n * MAX_RATIO) guess = isize;
  }
  return Math.max(1, Math.min(guess, p.maxOutputLength, WD_MAX_REQ_LEN));
}

/** Build the first decompress request. */
export function decompressRequest(data: BufferInput, p: DecompressParams, pool: OutputPool): DecompressRequest {
  byteLength(data, 'data');
  const src = toBytes(data);
  return { src, dst: outputBuffer(outputGuess(src, p), pool), opFlags: decompressFlags(p) };
}

/**
 * Decompress through an engine stream into growing chunks, reusing `first`
 * (the one-shot attempt's buffer) as the first chunk.
 */
function* streamDecompress(src: Uint8Array, p: DecompressParams, first: Buffer): Steps<Buffer> {
  const handle = (yield [OP.streamInit, { opFlags: decompressFlags(p) | ZIP_F_DECOMPRESS, header: undefined }]) as number;
  const chunks: Buffer[] = [];
  let total = 0;
  let offset = 0;
  let next = Math.max(first.length, FIRST_CHUNK);
  try {
    for (let dst: Buffer = first; ; ) {
      const room = p.maxOutputLength - total;
      // At the limit, a 1-byte probe tells "exactly at the limit" from "beyond".
      const out = room === 0 ? Buffer.allocUnsafe(1) : dst.length > room ? dst.subarray(0, room) : dst;
      const r = (yield [OP.streamInflate, { handle, src: src.subarray(offset), dst: out, opFlags: ZIP_F_FINISH }]) as StreamStepResult;
      offset += r.consumed;
      if (r.produced > 0 && room === 0) throw outputLimitError(p.maxOutputLength);
      if (r.produced > 0) chunks.push(out.subarray(0, r.produced));
      total += r.produced;
      if (r.end && offset === src.byteLength) break;
      if (!r.more && r.produced === 0 && r.consumed === 0) break; // engine made no progress: it reported truncation already
      if (r.more) {
        next = Math.min(next * 2, MAX_CHUNK);
        dst = Buffer.allocUnsafe(next);
      } else {
        dst = out.subarray(r.produced);
      }
    }
  } finally {
    yield [OP.streamEnd, { handle }];
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

function* decompressSteps(data: BufferInput, options: unknown, pool: OutputPool, sync: boolean): Steps<Buffer> {
  const p = decompressParams(options);
  const req = decompressRequest(data, p, pool);
  const produced = (yield [OP.decompress, req]) as number;
  if (sync) pool.trim(req.dst as Buffer, Math.max(produced, 0));
  if (produced >= 0) return (req.dst as Buffer).subarray(0, produced);
  if (req.dst.byteLength >= p.maxOutputLength) throw outputLimitError(p.maxOutputLength);
  // The slab region (if any) is not reused as a chunk: the stream may grow past it.
  return yield* streamDecompress(req.src as Uint8Array, p, req.dst.byteLength <= SLAB_MAX ? Buffer.allocUnsafe(req.dst.byteLength) : (req.dst as Buffer));
}

function compressInline(host: PluginHost, req: CompressRequest, pool: OutputPool): Buffer {
  const dst = req.dst as Buffer;
  let produced = 0;
  try {
    produced = host.runSync<number>(OP.compress, req);
    return dst.subarray(0, produced);
  } finally {
    pool.trim(dst, produced);
  }
}

/** Async compress on the queue (or inline below `inlineBelow` bytes). */
export async function compress(host: PluginHost, data: BufferInput, options: unknown, inlineBelow: number, pool: OutputPool): Promise<Buffer> {
  const req = compressRequest(data, compressParams(options), pool);
  if (req.src.byteLength < inlineBelow) return compressInline(host, req, pool);
  return (req.dst as Buffer).subarray(0, await host.run<number>(OP.compress, req));
}

/** Sync compress on the inline path. */
export function compressSync(host: PluginHost, data: BufferInput, options: unknown, pool: OutputPool): Buffer {
  return compressInline(host, compressRequest(data, compressParams(options), pool), pool);
}

/** Async decompress. */
export function decompress(host: PluginHost, data: BufferInput, options: unknown, inlineBelow: number, pool: OutputPool): Promise<Buffer> {
  try {
    const inline = ArrayBuffer.isView(data) && data.byteLength < inlineBelow;
    const steps = decompressSteps(data, options, pool, inline);
    // A fallback stream must stay on one kernel queue: pin the whole operation.
    return inline ? Promise.resolve(runSync(host, steps)) : runAsync(streamHost(host), steps);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Sync decompress on the inline path. */
export function decompressSync(host: PluginHost, data: BufferInput, options: unknown, pool: OutputPool): Buffer {
  return runSync(host, decompressSteps(data, options, pool, true));
}
