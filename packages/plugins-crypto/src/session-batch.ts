/**
 * `encryptBatch`/`decryptBatch` of a cipher session as batch descriptors:
 * every message is checked (as a single message would be), then the batch
 * is cut into parts (see {@link batchPlan}) and each part becomes one
 * SESSION_BATCH request. Results and failures come back in message order.
 */
import { WarpdriveError } from '@warpdrive/core';
import { lengthOf } from '@warpdrive/core/plugin-kit';
import { F } from './abi.js';
import { outBound, type CipherInfo } from './algorithms.js';
import { cipherAad, cipherIv, input, KEYS, output, tagLength, type Snapshot } from './args.js';
import { batchColumns, batchError, checkUniqueIvs, tagColumn } from './batch.js';
import { batchPlan, partRanges, setEntry, TableArena, type BatchPlan, type BatchRequest } from './batch-request.js';
import { makeParam } from './codec.js';
import { argError } from './errors.js';

/** A checked cipher batch, cut into descriptors. */
export interface CipherBatch {
  readonly requests: BatchRequest[];
  readonly plan: BatchPlan;
  readonly tags: Uint8Array | undefined;
  readonly tagLen: number;
  readonly n: number;
}

/** The session a batch belongs to, as the builder needs it. */
export interface CipherBatchSession {
  readonly info: CipherInfo;
  readonly padding: boolean;
  readonly handle: number | bigint;
  readonly inlineMax: number;
  readonly label: string;
}

/** The options snapshot of a batch. */
export type BatchSnapshot = Snapshot<(typeof KEYS.batch)[number]>;

/**
 * Check every message of an encrypt or decrypt batch and build its
 * descriptors. Throws the first bad argument (a message's error names its
 * index); nothing is submitted then.
 *
 * Order matters: first every caller value is read once (the options
 * snapshot, then copies of the arrays), then each is converted to a view
 * once, then the views are checked (IV uniqueness included) and only they
 * are used. A getter that answers differently on a second read is never
 * read a second time.
 */
export function cipherBatch(s: CipherBatchSession, decrypt: boolean, messages: unknown, o: BatchSnapshot): CipherBatch {
  const { messages: list, ivs, outs } = batchColumns(messages, o);
  const n = list.length;
  const info = s.info;
  const ivList = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) {
    try {
      ivList[i] = cipherIv(ivs[i], info);
    } catch (err) {
      throw batchError(err, i);
    }
  }
  if (!decrypt) checkUniqueIvs(ivList);
  const tagLen = tagLength(o.tagLength, info, 'options.tagLength');
  let tags: Uint8Array | undefined;
  if (info.mode === 'gcm') tags = tagColumn(o.tags, n, tagLen, decrypt);
  else if (o.tags !== undefined) throw argError('options.tags', `\`options.tags\` applies to GCM only, not ${info.name}`);
  const aad = cipherAad(o.aad, info);
  const srcs = new Array<Uint8Array>(n);
  const dsts = new Array<Uint8Array>(n);
  const need = new Int32Array(n);
  const srcLens = new Int32Array(n);
  let bytes = 0, largest = 0, ivTotal = 0;
  for (let i = 0; i < n; i++) {
    try {
      const src = input(list[i], 'messages');
      const len = lengthOf(src);
      if (info.mode === 'cbc' && len % 16 && (decrypt || !s.padding)) {
        throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`data\` must be a multiple of 16 bytes for ${info.name}${decrypt ? '' : ' without padding'}, got ${len}`, {
          details: { argument: 'data' },
        });
      }
      need[i] = outBound(info, decrypt, s.padding, true, len);
      dsts[i] = output(outs?.[i], need[i]!, src);
      srcs[i] = src;
      srcLens[i] = len;
      bytes += len;
      if (len > largest) largest = len;
      ivTotal += lengthOf(ivList[i]!);
    } catch (err) {
      throw batchError(err, i);
    }
  }
  const plan = batchPlan(n, bytes, largest, s.inlineMax);
  const flags = (decrypt ? F.DECRYPT : 0) | (s.padding ? 0 : F.NOPAD);
  const ranges = partRanges(n, plan.parts);
  const arena = new TableArena(n, ranges.length, ivTotal);
  const requests = ranges.map(([first, count]) => {
    let ivBytes = 0;
    for (let i = first; i < first + count; i++) ivBytes += lengthOf(ivList[i]!);
    const { table, words } = arena.take(count, ivBytes);
    const ivAt = new Int32Array(count);
    let at = count * 64;
    for (let j = 0; j < count; j++) {
      const i = first + j;
      ivAt[j] = at;
      setEntry(words, table, j, srcLens[i]!, need[i]!, ivList[i], at);
      at += lengthOf(ivList[i]!);
    }
    return {
      param: makeParam(info.id, flags, undefined, undefined, tags === undefined ? 0 : tagLen),
      aad, handle: s.handle, table, words, ivAt, n: count, first,
      srcs: srcs.slice(first, first + count),
      outputs: { kind: 'each', views: dsts.slice(first, first + count), lengths: need.subarray(first, first + count) },
      tags: tags?.subarray(first * tagLen, (first + count) * tagLen), tagLen,
      decrypt, aead: decrypt && info.mode === 'gcm', label: s.label,
    } satisfies BatchRequest;
  });
  return { requests, plan, tags, tagLen, n };
}
