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
import { WD_MAX_REQ_LEN, WarpdriveError, type PluginHost } from '@warpdrive/core';
import { bufferOf, lengthOf, pinToOneQueue, runsInline, viewOf } from '@warpdrive/core/plugin-kit';
import type { CompressRequest, DecompressRequest, StreamStepResult } from './codec.js';
import { outputLimitError } from './errors.js';
import type { LiveStreams } from './live-streams.js';
import { OP, ZIP_F_DECOMPRESS, ZIP_F_FINISH, ZIP_F_MULTI_MEMBER, ZIP_F_STOP_AT_END, ZIP_FMT, ZIP_LEVEL_SHIFT } from './opcodes.js';
import { compressParams, decompressParams, type CompressParams, type DecompressParams } from './options.js';
import { callerOutput, outTooSmall, outView, type CallerOuts } from './out-memory.js';
import { OutputPool, SLAB_MAX } from './out-pool.js';
import { ScratchPool } from './scratch-pool.js';
import { runAsync, runSync, type Steps } from './steps.js';

const TRAILER = { deflate: 0, zlib: 4, gzip: 8 } as const;
const DEFAULT_HEADER = { deflate: 0, zlib: 2, gzip: 10 } as const;
/** Deflate's best ratio is 1032:1; a larger ISIZE is not a single member's. */
const MAX_RATIO = 1032;
const DEFAULT_RATIO = 8;
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


function outputBuffer(size: number, pool: OutputPool): Buffer {
  return size <= SLAB_MAX ? pool.take(size) : Buffer.allocUnsafe(size);
}

/** The caller's `data` as the kit's view: checked once, and nothing it says about itself is read again. */
function inputView(data: unknown): Uint8Array {
  return viewOf(data, 'data', { maxLength: WD_MAX_REQ_LEN });
}

/** Build the compress request for the caller's `data`. */
export function compressRequest(data: unknown, p: CompressParams, pool: OutputPool): CompressRequest {
  const src = inputView(data);
  const n = lengthOf(src);
  const header = p.header;
  if (p.out !== undefined) {
    const opFlags = ZIP_FMT[p.format] | (p.level << ZIP_LEVEL_SHIFT);
    return { src, dst: callerOutput(p.out, src, WD_MAX_REQ_LEN), opFlags, header, callerOut: true };
  }
  const size = (header === undefined ? DEFAULT_HEADER[p.format] : lengthOf(header)) + rawBound(n) + TRAILER[p.format];
  if (size > WD_MAX_REQ_LEN) {
    throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`data\` is too large for one request (${n} bytes): use createCompressStream()`, {
      details: { argument: 'data' },
    });
  }
  const opFlags = ZIP_FMT[p.format] | (p.level << ZIP_LEVEL_SHIFT);
  if (size > SLAB_MAX && ScratchPool.covers(size)) {
    const scratch = pool.large.take(size);
    return { src, dst: scratch.subarray(0, size), opFlags, header, scratch };
  }
  return { src, dst: outputBuffer(size, pool), opFlags, header };
}

function decompressFlags(p: DecompressParams): number {
  return ZIP_FMT[p.format] | (p.multiMember ? ZIP_F_MULTI_MEMBER : 0);
}

/**
 * First output size: ISIZE of the last gzip member, else the input times
 * the context's ratio hint (8×, raised after data that did not fit), ≤ 256 MiB.
 */
function outputGuess(src: Uint8Array, p: DecompressParams, ratio: number): number {
  const n = lengthOf(src);
  let guess = Math.min(n * ratio + 1024, MAX_GUESS);
  const gzip = p.format === 'gzip' || (p.format === 'auto' && src[0] === 0x1f);
  if (gzip && n >= 18) {
    const isize = (src[n - 4]! | (src[n - 3]! << 8) | (src[n - 2]! << 16) | (src[n - 1]! << 24)) >>> 0;
    if (isize <= n * MAX_RATIO) guess = isize;
  }
  return Math.max(1, Math.min(guess, p.maxOutputLength, WD_MAX_REQ_LEN));
}

/** Bytes after the end of the data, which ends at `validLength` (as the one-shot engine reports it). */
function trailingError(validLength: number): WarpdriveError {
  return new WarpdriveError('ERR_DATA_CORRUPT', 'decompress: corrupt input: unexpected data after the end of the compressed stream', {
    details: { reason: 'trailing-data', validLength },
  });
}

/** Build the first decompress request for the caller's `data`. */
export function decompressRequest(data: unknown, p: DecompressParams, pool: OutputPool): DecompressRequest {
  const src = inputView(data);
  if (p.out !== undefined) return { src, dst: callerOutput(p.out, src, Math.min(p.maxOutputLength, WD_MAX_REQ_LEN)), opFlags: decompressFlags(p), callerOut: true };
  return { src, dst: outputBuffer(outputGuess(src, p, pool.ratioHint), pool), opFlags: decompressFlags(p) };
}

/** The data did not fit in the caller's `options.out` (of `room` usable bytes). */
function decompressOutTooSmall(p: DecompressParams, room: number): WarpdriveError {
  return room >= p.maxOutputLength ? outputLimitError(p.maxOutputLength) : outTooSmall(room, 'decompressed');
}

/**
 * Adapt the ratio hint to a result of `produced` bytes from `consumed`
 * input that was first tried in `tried` bytes: raised past a ratio that
 * did not fit (so a run of such inputs is not decompressed twice each),
 * halved back toward the default when a guess was 4× too big.
 */
function learnRatio(pool: OutputPool, consumed: number, produced: number, tried: number): void {
  if (consumed === 0) return;
  if (produced > tried) pool.ratioHint = Math.min(MAX_RATIO, Math.max(pool.ratioHint, Math.ceil((produced / consumed) * 1.25)));
  else if (pool.ratioHint > DEFAULT_RATIO && produced * 4 < tried) pool.ratioHint = Math.max(DEFAULT_RATIO, pool.ratioHint >> 1);
}

/**
 * Decompress through an engine stream into growing chunks, reusing `first`
 * (the one-shot attempt's buffer) as the first chunk.
 */
function* streamDecompress(live: LiveStreams, pool: OutputPool, src: Uint8Array, p: DecompressParams, first: Buffer): Steps<Buffer> {
  const handle = (yield [OP.streamInit, { opFlags: decompressFlags(p) | ZIP_F_DECOMPRESS, header: undefined }]) as number;
  live.add(handle);
  const chunks: Buffer[] = [];
  let total = 0;
  let offset = 0;
  const srcLength = lengthOf(src);
  let next = Math.max(lengthOf(first), FIRST_CHUNK);
  try {
    for (let dst: Buffer = first; ; ) {
      const room = p.maxOutputLength - total;
      // At the limit, a 1-byte probe tells "exactly at the limit" from "beyond".
      const out = room === 0 ? Buffer.allocUnsafe(1) : lengthOf(dst) > room ? dst.subarray(0, room) : dst;
      // (bufferOf, not subarray: the caller may have detached `data` since the last step)
      const rest = bufferOf(src, offset, srcLength, 'data');
      const r = (yield [OP.streamInflate, { handle, src: rest, dst: out, opFlags: ZIP_F_FINISH | ZIP_F_STOP_AT_END }]) as StreamStepResult;
      offset += r.consumed;
      if (r.produced > 0 && room === 0) throw outputLimitError(p.maxOutputLength);
      if (r.produced > 0) chunks.push(out.subarray(0, r.produced));
      total += r.produced;
      if (r.end && offset === srcLength) break;
      if (r.end) throw trailingError(offset);
      if (!r.more && r.produced === 0 && r.consumed === 0) break; // engine made no progress: it reported truncation already
      if (r.more) {
        next = Math.min(next * 2, MAX_CHUNK);
        dst = Buffer.allocUnsafe(next);
      } else {
        dst = out.subarray(r.produced);
      }
    }
  } finally {
    try {
      yield [OP.streamEnd, { handle }];
      live.forget(handle);
    } catch {
      // the context is closing: its close hook ends the handle
    }
  }
  learnRatio(pool, srcLength, total, lengthOf(first));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/** The first attempt's output did not fit: redo it as an engine stream. */
function* redoAsStream(live: LiveStreams, pool: OutputPool, req: DecompressRequest, p: DecompressParams): Steps<Buffer> {
  const size = lengthOf(req.dst);
  if (size >= p.maxOutputLength) throw outputLimitError(p.maxOutputLength);
  // The slab region (if any) is not reused as a chunk: the stream may grow past it.
  return yield* streamDecompress(live, pool, req.src, p, size <= SLAB_MAX ? Buffer.allocUnsafe(size) : (req.dst as Buffer));
}

/** A first attempt that fit: its result, and what it teaches the ratio hint. */
function fitted(pool: OutputPool, req: DecompressRequest, p: DecompressParams, produced: number): Buffer {
  const dst = req.dst;
  if (p.out !== undefined) return outView(dst, produced);
  learnRatio(pool, lengthOf(req.src), produced, lengthOf(dst));
  return (dst as Buffer).subarray(0, produced);
}

/** A first attempt that did not fit: an error with the caller's `out`, else the stream redo. */
function* overflowed(live: LiveStreams, pool: OutputPool, req: DecompressRequest, p: DecompressParams): Steps<Buffer> {
  if (p.out !== undefined) throw decompressOutTooSmall(p, lengthOf(req.dst));
  return yield* redoAsStream(live, pool, req, p);
}

function* decompressSteps(live: LiveStreams, req: DecompressRequest, p: DecompressParams, pool: OutputPool, sync: boolean): Steps<Buffer> {
  const produced = (yield [OP.decompress, req]) as number;
  // (never a caller's out: it may be an earlier result, i.e. a view of the slab)
  if (sync && p.out === undefined) pool.trim(req.dst as Buffer, Math.max(produced, 0));
  if (produced >= 0) return fitted(pool, req, p, produced);
  return yield* overflowed(live, pool, req, p);
}

/** The output did not fit: only a caller's `out` can be short (the plugin's own outputs hold the worst-case bound). */
function compressOverflow(req: CompressRequest): WarpdriveError {
  if (req.callerOut) return outTooSmall(lengthOf(req.dst), 'compressed');
  return new WarpdriveError('ERR_OUTPUT_TOO_SMALL', 'compress: the engine needed more than the worst-case output bound (an engine bug: please report it)');
}

/** A completed compress request's result (`produced` < 0: it did not fit). */
function compressed(req: CompressRequest, produced: number, pool: OutputPool): Buffer {
  if (produced < 0) throw compressOverflow(req);
  if (req.scratch !== undefined) return pool.large.finish(req.scratch, produced);
  return req.callerOut ? outView(req.dst, produced) : (req.dst as Buffer).subarray(0, produced);
}

function compressInline(host: PluginHost, req: CompressRequest, pool: OutputPool): Buffer {
  let produced = -1;
  try {
    produced = host.runSync<number>(OP.compress, req);
  } catch (err) {
    if (req.scratch !== undefined) pool.large.give(req.scratch); // the inline call is over: nothing else uses it
    throw err;
  } finally {
    // (never a caller's out: it may be an earlier result, i.e. a view of the slab)
    if (req.scratch === undefined && !req.callerOut) pool.trim(req.dst as Buffer, Math.max(produced, 0));
  }
  return compressed(req, produced, pool);
}

/** Async compress on the queue (or inline below `inlineBelow` bytes). */
export function compress(host: PluginHost, data: unknown, options: unknown, inlineBelow: number, pool: OutputPool, outs: CallerOuts): Promise<Buffer> {
  try {
    const req = compressRequest(data, compressParams(options), pool);
    if (runsInline(host, lengthOf(req.src), inlineBelow)) return Promise.resolve(compressInline(host, req, pool));
    // A failed request's scratch is dropped, not reused: the rejection may
    // come from a closing queue, and only a completion proves the device done.
    const run = host.run<number>(OP.compress, req);
    return (req.callerOut ? outs.track(run) : run).then((produced) => compressed(req, produced, pool));
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Sync compress on the inline path. */
export function compressSync(host: PluginHost, data: unknown, options: unknown, pool: OutputPool): Buffer {
  return compressInline(host, compressRequest(data, compressParams(options), pool), pool);
}

/** Async decompress. */
export function decompress(host: PluginHost, live: LiveStreams, data: unknown, options: unknown, inlineBelow: number, pool: OutputPool, outs: CallerOuts): Promise<Buffer> {
  try {
    const p = decompressParams(options);
    const req = decompressRequest(data, p, pool);
    if (runsInline(host, lengthOf(req.src), inlineBelow)) return Promise.resolve(runSync(host, decompressSteps(live, req, p, pool, true)));
    // The common case without a generator: one request whose output fits.
    // A fallback stream must stay on one kernel queue: pin the redo to one.
    const run = host.run<number>(OP.decompress, req);
    return (req.callerOut ? outs.track(run) : run).then((produced) => (produced >= 0 ? fitted(pool, req, p, produced) : runAsync(pinToOneQueue(host), overflowed(live, pool, req, p))));
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Sync decompress on the inline path. */
export function decompressSync(host: PluginHost, live: LiveStreams, data: unknown, options: unknown, pool: OutputPool): Buffer {
  const p = decompressParams(options);
  return runSync(host, decompressSteps(live, decompressRequest(data, p, pool), p, pool, true));
}
