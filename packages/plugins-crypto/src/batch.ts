/**
 * Argument checks of the cipher session batch methods (`encryptBatch`,
 * `decryptBatch`): many whole messages in one call, encoded back to back in
 * one tick, one promise for all. Each message keeps its own IV, AAD-less or
 * with one shared AAD, and its own output.
 */
import { isWarpdriveError, WarpdriveError } from '@warpdrive/core';
import { lengthOf, snapshotArray, viewOf } from '@warpdrive/core/plugin-kit';
import { argError } from './errors.js';

/**
 * The columns of a batch: copies of the caller's arrays, each length and
 * element read exactly once (per-message values are converted and checked
 * from these copies, then used from the converted views).
 */
export interface BatchColumns {
  readonly messages: readonly unknown[];
  readonly ivs: readonly unknown[];
  readonly outs: readonly unknown[] | undefined;
}

/**
 * Most messages one batch call takes (1024 descriptors of BATCH_MAX). The
 * arrays are copied before any element is checked, and a sparse array
 * claims any length for free: without a bound, `[].length = 2 ** 32 - 1`
 * would hold the thread for minutes.
 */
export const BATCH_MESSAGES_MAX = 1 << 20;

function column(value: unknown, name: string, n: number): readonly unknown[] {
  const list = snapshotArray(value, name, BATCH_MESSAGES_MAX);
  if (list.length !== n) throw argError(name, `\`${name}\` must have one entry per message (${n}), got ${list.length}`);
  return list;
}

/** Snapshot the arrays of a batch: `messages`, `options.ivs`, optional `options.outs`. */
export function batchColumns(messages: unknown, o: { readonly ivs: unknown; readonly outs: unknown }): BatchColumns {
  const list = snapshotArray(messages, 'messages', BATCH_MESSAGES_MAX);
  const n = list.length;
  return { messages: list, ivs: column(o.ivs, 'options.ivs', n), outs: o.outs === undefined ? undefined : column(o.outs, 'options.outs', n) };
}

/**
 * Refuse an IV used twice in one encryption batch: under one key a
 * repeated GCM or CTR IV repeats the keystream (and for GCM exposes the
 * authentication key). Only the batch itself is checked; IVs across calls
 * are the caller's to keep unique. `ivs` are the converted views the batch
 * will send: what is checked here is what the engine reads.
 */
export function checkUniqueIvs(ivs: readonly Uint8Array[]): void {
  const n = ivs.length;
  if (n < 2) return;
  // Open addressing on FNV-1a hashes (slot = index + 1); a hash hit compares
  // the bytes. No string or Map entry per IV: this runs for every message.
  let size = 4;
  while (size < 2 * n) size <<= 1;
  const table = new Int32Array(size);
  const hashes = new Int32Array(size);
  for (let i = 0; i < n; i++) {
    const iv = ivs[i]!;
    let h = 0x811c9dc5;
    const len = lengthOf(iv); // hoisted: a getter in the loop condition costs 5× the loop
    for (let j = 0; j < len; j++) h = Math.imul(h ^ iv[j]!, 0x01000193);
    let slot = h & (size - 1);
    for (let at = table[slot]!; at !== 0; at = table[slot]!) {
      if (hashes[slot] === h && Buffer.compare(iv, ivs[at - 1]!) === 0) {
        throw argError(`options.ivs[${i}]`, `\`options.ivs[${i}]\` repeats options.ivs[${at - 1}]; each message of a batch needs its own IV`);
      }
      slot = (slot + 1) & (size - 1);
    }
    table[slot] = i + 1;
    hashes[slot] = h;
  }
}

/** The tag column: caller's `tags` (n × tagLength bytes, its true length) or a new Buffer. */
export function tagColumn(value: unknown, n: number, tagLength: number, decrypt: boolean): Uint8Array {
  const need = n * tagLength;
  if (value === undefined) {
    if (decrypt && n > 0) throw argError('options.tags', '`options.tags` is required to decrypt a GCM batch');
    return Buffer.allocUnsafe(need);
  }
  const tags = viewOf(value, 'options.tags');
  const have = lengthOf(tags);
  if (have < need) {
    throw argError('options.tags', `\`options.tags\` must hold ${n} × ${tagLength} bytes (${need}), got ${have}`, 'ERR_BUFFER_TOO_SMALL');
  }
  return tags;
}

/** The error of message `index`, naming it (same code, the original as cause). */
export function batchError(err: unknown, index: number): unknown {
  if (!isWarpdriveError(err)) return err;
  return new WarpdriveError(err.code, `message ${index} of the batch: ${err.message}`, { cause: err, details: { ...err.details, index } });
}
