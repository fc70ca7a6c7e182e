/**
 * Plain digests on the inline path without an allocation per call but the
 * result: one reused request and parameter block per context (the same
 * scheme as a cipher session's inline messages). A call nested in user
 * code reached while the scratch is in use (a getter of `options`) falls
 * back to a fresh request.
 */
import type { Cqe, PluginHost } from '@warpdrive/core';
import { lengthOf, overlapOf, snapshotArray } from '@warpdrive/core/plugin-kit';
import { hashInfo, hmacKey, input, output, prefix } from './args.js';
import { BATCH_MESSAGES_MAX, batchError } from './batch.js';
import { batchPlan, partRanges, runParts, setEntry, TableArena, type BatchRequest } from './batch-request.js';
import { fillParam, makeParam, sessionParam, type CryptoRequest } from './codec.js';
import { argError } from './errors.js';
import { digestOptions, digestRequestOf, type DigestSnapshot } from './oneshot.js';
import { OPS } from './ops.js';

class DigestRequest implements CryptoRequest<Buffer> {
  readonly param = sessionParam();
  src: Uint8Array | undefined = undefined;
  srcLen = 0;
  dst: Uint8Array | undefined = undefined;
  dstLen = 0;
  readonly aad = undefined;
  readonly handle = 0;
  readonly authDecrypt = false;
  label = '';
  /** Batch member: the digest stays in the batch's buffer, no result object. */
  bare = false;

  // Called as a method (r.done(cqe, r)), so `this` is the request.
  done(cqe: Cqe): Buffer {
    return this.bare ? (undefined as unknown as Buffer) : prefix(this.dst!, cqe.produced);
  }
}

/** `ctx.digest`/`digestSync` of one context. */
export class InlineDigest {
  private readonly scratch = new DigestRequest();
  private busy = false;

  constructor(private readonly host: PluginHost, private readonly inlineMax: number) {}

  /** The digest on the calling thread. */
  sync(data: unknown, options: unknown): Buffer {
    return this.syncOf(data, digestOptions(options));
  }

  /**
   * {@link InlineDigest.sync} of an options snapshot: from here on no
   * caller code runs (the snapshot read every getter), so the checked
   * views are what the engine reads.
   */
  private syncOf(data: unknown, o: DigestSnapshot): Buffer {
    if (this.busy) return this.host.runSync(OPS.digest, digestRequestOf(data, o, false));
    const r = this.scratch;
    this.busy = true;
    try {
      const info = hashInfo(o.alg, false);
      const src = input(data);
      if (o.key !== undefined) throw argError('key', `\`key\` applies to hmac, not ${info.name}`);
      r.dst = output(o.out, info.digestLength, undefined);
      r.src = src;
      r.srcLen = lengthOf(src);
      r.dstLen = info.digestLength;
      r.label = `digest ${info.name}`;
      r.bare = false;
      fillParam(r.param, info.id, 0, undefined, undefined, 0, undefined);
      return this.host.runSync<Buffer>(OPS.digest, r);
    } finally {
      r.src = r.dst = undefined; // hold no caller buffer past the call
      this.busy = false;
    }
  }

  /** The digest as a promise: inline up to `inlineMax` bytes, else on a queue. */
  async(data: unknown, options: unknown): Promise<Buffer> {
    try {
      const o = digestOptions(options); // read once: both paths use this snapshot
      const src = input(data);
      if (lengthOf(src) <= this.inlineMax) return Promise.resolve(this.syncOf(src, o));
      return this.host.run<Buffer>(OPS.digest, digestRequestOf(src, o, false));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Many digests (or HMACs) in one call: message i's digest goes to
   * `out[i × digestLength …]`. Inputs are checked first; then the batch
   * runs as DIGEST_BATCH descriptors (inline when small, else queued in
   * parts) and one promise settles.
   */
  batch(messages: unknown, options: unknown, hmac: boolean): Promise<Buffer> {
    try {
      const o = digestOptions(options);
      const info = hashInfo(o.alg, hmac);
      // every element read once, before any buffer is converted (a getter may detach one)
      const list = snapshotArray(messages, 'messages', BATCH_MESSAGES_MAX);
      const key = hmac ? hmacKey(o.key) : undefined;
      if (!hmac && o.key !== undefined) throw argError('key', `\`key\` applies to hmac, not ${info.name}`);
      const n = list.length, len = info.digestLength;
      const outView = output(o.out, n * len, undefined).subarray(0, n * len); // one view of the digests' bytes
      const srcs = new Array<Uint8Array>(n);
      let bytes = 0, largest = 0;
      for (let i = 0; i < n; i++) {
        let src: Uint8Array;
        try {
          src = input(list[i], 'messages');
        } catch (err) {
          throw batchError(err, i);
        }
        // A digest written over a later message would change that message.
        if (overlapOf(src, outView) !== 'disjoint') {
          throw batchError(argError('out', '`out` overlaps a message of the batch'), i);
        }
        srcs[i] = src;
        const m = lengthOf(src);
        bytes += m;
        if (m > largest) largest = m;
      }
      if (n === 0) return Promise.resolve(prefix(outView, 0));
      const plan = batchPlan(n, bytes, largest, this.inlineMax);
      const label = `${hmac ? 'hmac' : 'digest'} ${info.name} batch`;
      const ranges = partRanges(n, plan.parts);
      const arena = new TableArena(n, ranges.length, 0);
      const requests = ranges.map(([first, count]): BatchRequest => {
        const { table, words } = arena.take(count, 0);
        for (let j = 0; j < count; j++) setEntry(words, table, j, lengthOf(srcs[first + j]!), len);
        return {
          param: makeParam(info.id, 0, key), aad: undefined, handle: 0, table, words, ivAt: undefined, n: count, first,
          srcs: srcs.slice(first, first + count), outputs: { kind: 'packed', out: outView.subarray(first * len, (first + count) * len), stride: len },
          tags: undefined, tagLen: 0, decrypt: false, aead: false, label,
        };
      });
      // settles only once every part is done with `out`; a failed part abandons the rest (zeroing an HMAC key).
      // The result is made then: `out` may have been detached while the batch was in flight.
      return runParts(requests, plan.inline, (r) => this.host.runSync(OPS.digestBatch, r), (r) => this.host.run(OPS.digestBatch, r)).then(() => prefix(outView, n * len));
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
