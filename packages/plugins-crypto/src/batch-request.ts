/**
 * The batch SQE (opcodes SESSION_BATCH and DIGEST_BATCH): many whole
 * messages in one descriptor. Its table of 64-byte entries (crypto_engine.h
 * `struct wdc_batch_entry`) is followed by the messages' IVs; the engine
 * writes each entry's status and byte count back into it. One descriptor,
 * one session lookup and one completion serve the whole batch, which is
 * where small messages spent most of their time.
 *
 * Messages are checked in JS before anything is encoded (the same checks
 * as single messages); the engine checks every field again.
 */
import type { Cqe, OperationCodec, PinFn, SqeWriter } from '@warpdrive/core';
import { lengthOf } from '@warpdrive/core/plugin-kit';
import { BATCH_MAX, ENTRY } from './abi.js';
import { prefix, stillHolds, wipe } from './args.js';
import { batchError } from './batch.js';
import { paramLength, releaseParam, setAad } from './codec.js';
import { cryptoError, statusError } from './errors.js';

const TWO_32 = 4294967296;
const WORDS = ENTRY.SIZE / 4;
const W = { SRC: 0, DST: 2, IV: 4, TAG: 6, SRC_LEN: 8, DST_LEN: 9, IV_LEN: 10, STATUS: 11, PRODUCED: 12 } as const;

/** Where the outputs of a batch go: one Buffer per message, or one packed Buffer. */
export type BatchOutputs =
  | { readonly kind: 'each'; readonly views: Uint8Array[]; readonly lengths: Int32Array }
  | { readonly kind: 'packed'; readonly out: Uint8Array; readonly stride: number };

/** One batch descriptor: entries `first … first + n - 1` of the caller's batch. */
export interface BatchRequest {
  readonly param: Buffer;
  readonly aad: Uint8Array | undefined;
  /** Cipher session handle; 0 for digests. */
  readonly handle: number | bigint;
  /** The entry table (n × 64 bytes) and then the IVs. */
  readonly table: Uint8Array;
  readonly words: Uint32Array;
  /** Table offset of each entry's IV (cipher batches). */
  readonly ivAt: Int32Array | undefined;
  readonly n: number;
  readonly first: number;
  readonly srcs: readonly Uint8Array[];
  readonly outputs: BatchOutputs;
  /** GCM tags: n × tagLength bytes, read to decrypt, written by encryption. */
  readonly tags: Uint8Array | undefined;
  readonly tagLen: number;
  readonly decrypt: boolean;
  /** GCM decryption: -EBADMSG is an authentication failure. */
  readonly aead: boolean;
  readonly label: string;
  /** Set once the codec's complete() ran (the parameter block is released there). */
  completed?: boolean;
}

/** How a batch runs: on the calling thread, or cut into `parts` queued descriptors. */
export interface BatchPlan {
  readonly inline: boolean;
  readonly parts: number;
}

// A queued batch is cut so each worker gets a share, but no part smaller
// than this: below it the queue round trip costs more than the work.
const PART_MIN_BYTES = 64 * 1024;
const PARTS_MAX = 8;
// Most bytes a batch runs on the calling thread (about 0.3 ms of AES-GCM
// or SHA-256 on this machine kind): the event loop is not held longer.
const INLINE_BATCH_MAX = 1 << 20;

/**
 * Like single messages, a batch whose messages are each at most
 * `inlineMax` bytes runs inline: one engine call on this thread beats a
 * queue round trip (measured: 64 × 4 KiB AES-GCM ran at 1.5× the rate
 * inline that it reached in 4 queued parts). A batch over
 * INLINE_BATCH_MAX bytes, or with larger messages, is queued in enough
 * parts to keep the device's workers busy. `inlineMax < 0`: no inline path.
 */
export function batchPlan(n: number, bytes: number, largest: number, inlineMax: number): BatchPlan {
  const byCount = Math.ceil(n / BATCH_MAX);
  if (inlineMax >= 0 && largest <= inlineMax && bytes <= INLINE_BATCH_MAX) return { inline: true, parts: byCount };
  return { inline: false, parts: Math.max(byCount, Math.min(PARTS_MAX, n, Math.floor(bytes / PART_MIN_BYTES))) };
}

/** `[first, count]` of `parts` runs of `n` entries (≤ n), sizes differing by at most one. */
export function partRanges(n: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let k = 0; k < parts; k++) {
    const first = Math.floor((k * n) / parts);
    ranges.push([first, Math.floor(((k + 1) * n) / parts) - first]);
  }
  return ranges;
}

/**
 * The zeroed tables of one batch's parts, carved from one ArrayBuffer: one
 * allocation, and one address lookup when the parts are pinned (views of one
 * backing store hit core's address cache).
 */
export class TableArena {
  private readonly buffer: ArrayBuffer;
  private used = 0;

  /** Room for `entries` entries in `parts` tables and `ivBytes` of IVs. */
  constructor(entries: number, parts: number, ivBytes: number) {
    this.buffer = new ArrayBuffer(entries * ENTRY.SIZE + ivBytes + 8 * parts);
  }

  /** The table of one part: `n` entries, then `ivBytes` of IVs (8-byte aligned, so it has a Uint32Array view). */
  take(n: number, ivBytes: number): { table: Uint8Array; words: Uint32Array } {
    const bytes = n * ENTRY.SIZE + ((ivBytes + 7) & ~7);
    const at = this.used;
    this.used += bytes;
    return { table: new Uint8Array(this.buffer, at, bytes), words: new Uint32Array(this.buffer, at, bytes / 4) };
  }
}

/**
 * Lengths of entry `i`; its IV, if any, is copied to table offset `ivAt`.
 * Addresses are written by prep, once the buffers are pinned.
 */
export function setEntry(words: Uint32Array, table: Uint8Array, i: number, srcLen: number, dstLen: number, iv?: Uint8Array, ivAt = 0): void {
  const w = i * WORDS;
  words[w + W.SRC_LEN] = srcLen;
  words[w + W.DST_LEN] = dstLen;
  if (iv !== undefined) {
    table.set(iv, ivAt);
    words[w + W.IV_LEN] = lengthOf(iv); // resv0 (high half) stays 0
  }
}

function put64(words: Uint32Array, at: number, value: number): void {
  words[at] = value >>> 0;
  words[at + 1] = Math.floor(value / TWO_32);
}

/** Zero every output of the request (a failed decryption releases no plaintext). */
export function wipeOutputs(r: BatchRequest): void {
  const o = r.outputs;
  if (o.kind === 'packed') {
    wipe(o.out, r.n * o.stride);
    return;
  }
  for (let i = 0; i < r.n; i++) wipe(o.views[i]!, o.lengths[i]!);
}

function prep(opcode: number) {
  return (sqe: SqeWriter, r: BatchRequest, pin: PinFn): void => {
    sqe.opcode(opcode);
    // pin() refuses a detached AAD; its length is read after that
    if (r.aad !== undefined) setAad(r.param, pin(r.aad, 'aad', 'read'), lengthOf(r.aad));
    sqe.paramAddr(pin(r.param, 'param')).paramLen(paramLength(r.param));
    if (r.handle !== 0) sqe.ctxAddr(r.handle);
    // On a device without SVA pin() returns data-region offsets and core
    // copies the pinned bytes in after prep returns, so the table may be
    // pinned before its addresses are written.
    const table = pin(r.table, 'batch table', 'readwrite');
    const words = r.words;
    const o = r.outputs;
    // Every buffer must still span the lengths its entry was written with: a
    // request that waited for a slot ran after caller code, which may have
    // detached (or shrunk) one since it was checked.
    let out = 0;
    if (o.kind === 'packed') {
      stillHolds(o.out, r.n * o.stride, 'out');
      out = pin(o.out, 'out', 'write');
    }
    let tags = 0;
    if (r.tags !== undefined) {
      stillHolds(r.tags, r.n * r.tagLen, 'options.tags');
      tags = pin(r.tags, 'tags', r.decrypt ? 'read' : 'write');
    }
    for (let i = 0, w = 0; i < r.n; i++, w += WORDS) {
      const srcLen = words[w + W.SRC_LEN]!;
      if (srcLen !== 0) {
        stillHolds(r.srcs[i]!, srcLen, 'messages');
        put64(words, w + W.SRC, pin(r.srcs[i]!, 'messages', 'read'));
      }
      const dstLen = words[w + W.DST_LEN]!;
      if (dstLen !== 0) {
        if (o.kind === 'each') stillHolds(o.views[i]!, dstLen, 'outs');
        put64(words, w + W.DST, o.kind === 'packed' ? out + i * o.stride : pin(o.views[i]!, 'outs', 'write'));
      }
      if (r.tags !== undefined) put64(words, w + W.TAG, tags + i * r.tagLen);
      if (r.ivAt !== undefined) put64(words, w + W.IV, table + r.ivAt[i]!);
    }
    sqe.srcAddr(table).srcLen(r.n);
  };
}

/** Outputs of a finished batch, or the first failing message's error (outputs of a failed decryption wiped). */
function complete(cqe: Cqe, r: BatchRequest): Buffer[] | Uint8Array {
  try {
    if (cqe.status !== 0) {
      if (r.decrypt) wipeOutputs(r);
      throw cryptoError(cqe, r.label, r.aead);
    }
    const words = r.words;
    if (cqe.auxLow !== 0) {
      if (r.decrypt) wipeOutputs(r);
      let i = 0;
      while (i < r.n - 1 && words[i * WORDS + W.STATUS] === 0) i++;
      // -EIO if the engine counted a failure it did not record
      throw batchError(statusError(words[i * WORDS + W.STATUS]! | 0 || -5, r.label, r.aead), r.first + i);
    }
    if (r.outputs.kind === 'packed') return r.outputs.out;
    const o = r.outputs;
    const results = new Array<Buffer>(r.n);
    // never past the room the entry offered, whatever the device reports
    for (let i = 0, w = W.PRODUCED; i < r.n; i++, w += WORDS) results[i] = prefix(o.views[i]!, Math.min(words[w]!, o.lengths[i]!), 'outs');
    return results;
  } finally {
    r.completed = true;
    releaseParam(r.param);
  }
}

/**
 * Release the parameter block of a request that will never complete (a
 * later part of a failed inline batch, or a queued part that was refused
 * or cancelled): its key is zeroed; see releaseParam.
 */
export function abandon(r: BatchRequest): void {
  if (r.completed) return;
  r.completed = true;
  releaseParam(r.param, false);
}

/**
 * Run a batch's parts: inline one after another (`runSync`), or queued all
 * at once (`run`, each part on whichever worker is free). Resolves with each
 * part's result in order. On a failure it rejects with the first failing
 * part's error (in part order, so in message order), and only once every
 * queued part is done with the caller's buffers. Before that:
 * - when decrypting, it zeroes the outputs of the parts that ran and
 *   succeeded (a failed part zeroed its own in complete());
 * - parts that never ran are left alone, since in place their outputs are
 *   still the caller's inputs;
 * - it abandons the parts that never completed.
 */
export function runParts<R>(requests: readonly BatchRequest[], inline: boolean, runSync: (r: BatchRequest) => R, run: (r: BatchRequest) => Promise<R>): Promise<R[]> {
  if (inline) {
    const results: R[] = [];
    for (let k = 0; k < requests.length; k++) {
      try {
        results.push(runSync(requests[k]!));
      } catch (err) {
        if (requests[k]!.decrypt) for (let j = 0; j < k; j++) wipeOutputs(requests[j]!);
        for (let j = k; j < requests.length; j++) abandon(requests[j]!);
        return Promise.reject(err);
      }
    }
    return Promise.resolve(results);
  }
  return Promise.allSettled(requests.map((r) => run(r).catch((err: unknown) => {
    abandon(r);
    throw err;
  }))).then((settled) => {
    const failed = settled.findIndex((x) => x.status === 'rejected');
    if (failed < 0) return settled.map((x) => (x as PromiseFulfilledResult<R>).value);
    settled.forEach((x, j) => x.status === 'fulfilled' && requests[j]!.decrypt && wipeOutputs(requests[j]!));
    throw (settled[failed] as PromiseRejectedResult).reason;
  });
}

/** The codec of a batch opcode. */
export function batchCodec(opcode: number): OperationCodec<BatchRequest, unknown> {
  return { handlesErrors: true, prep: prep(opcode), complete };
}
