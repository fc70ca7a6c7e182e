/**
 * Plain digests on the inline path without an allocation per call but the
 * result: one reused request and parameter block per context (the same
 * scheme as a cipher session's inline messages). A call nested in user
 * code reached while the scratch is in use (a getter of `options`) falls
 * back to a fresh request.
 */
import type { Cqe, PluginHost } from '@warpdrive/core';
import { hashInfo, input, optionsObject, output, prefix } from './args.js';
import { batchError } from './batch.js';
import { fillParam, makeParam, sessionParam, type CryptoRequest } from './codec.js';
import { argError } from './errors.js';
import { digestRequest } from './oneshot.js';
import { OPS } from './ops.js';

class DigestRequest implements CryptoRequest<Buffer> {
  readonly param = sessionParam();
  src: Uint8Array | undefined = undefined;
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
    if (this.busy) return this.host.runSync(OPS.digest, digestRequest(data, options, false));
    const r = this.scratch;
    this.busy = true;
    try {
      const o = optionsObject(options);
      const info = hashInfo(o.alg, false);
      const src = input(data);
      if (o.key !== undefined) throw argError('key', `\`key\` applies to hmac, not ${info.name}`);
      r.dst = output(o.out, info.digestLength, undefined);
      r.src = src;
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
      optionsObject(options); // the same first check as the other paths
      const src = input(data);
      if (src.byteLength <= this.inlineMax) return Promise.resolve(this.sync(src, options));
      return this.host.run<Buffer>(OPS.digest, digestRequest(data, options, false));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Many digests in one call: message i's digest goes to
   * `out[i × digestLength …]`. Inputs are checked first, then the messages
   * run back to back (inline when all are small, else on queues) and one
   * promise settles.
   */
  batch(messages: unknown, options: unknown): Promise<Buffer> {
    try {
      const o = optionsObject(options);
      const info = hashInfo(o.alg, false);
      if (o.key !== undefined) throw argError('key', `\`key\` applies to hmac, not ${info.name}`);
      if (!Array.isArray(messages)) throw argError('messages', `\`messages\` must be an array, got ${messages === null ? 'null' : typeof messages}`);
      const n = messages.length, len = info.digestLength;
      const out = prefix(output(o.out, n * len, undefined), n * len);
      const srcs = new Array<Uint8Array>(n);
      let small = true;
      for (let i = 0; i < n; i++) {
        let src: Uint8Array;
        try {
          src = input(messages[i], 'messages');
        } catch (err) {
          throw batchError(err, i);
        }
        // A digest written over a later message would change that message.
        if (src.buffer === out.buffer && src.byteLength > 0 && src.byteOffset < out.byteOffset + out.byteLength && out.byteOffset < src.byteOffset + src.byteLength) {
          throw batchError(argError('out', '`out` overlaps a message of the batch'), i);
        }
        if (src.byteLength > this.inlineMax) small = false;
        srcs[i] = src;
      }
      if (!small) {
        return Promise.all(srcs.map((src, i) => {
          const dst = out.subarray(i * len, (i + 1) * len);
          const r: CryptoRequest<Buffer> = {
            param: makeParam(info.id, 0), src, dst, dstLen: len, aad: undefined, handle: 0,
            authDecrypt: false, label: `digest ${info.name}`, done: () => dst,
          };
          return this.host.run<Buffer>(OPS.digest, r).catch((err: unknown) => Promise.reject(batchError(err, i)));
        })).then(() => out);
      }
      const r = this.busy ? new DigestRequest() : this.scratch;
      const owned = r === this.scratch;
      this.busy = true;
      try {
        fillParam(r.param, info.id, 0, undefined, undefined, 0, undefined);
        r.dstLen = len;
        r.label = `digest ${info.name}`;
        r.bare = true;
        for (let i = 0; i < n; i++) {
          r.src = srcs[i];
          r.dst = new Uint8Array(out.buffer, out.byteOffset + i * len, len);
          try {
            this.host.runSync<Buffer>(OPS.digest, r);
          } catch (err) {
            throw batchError(err, i);
          }
        }
      } finally {
        r.src = r.dst = undefined;
        if (owned) this.busy = false;
      }
      return Promise.resolve(out);
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
