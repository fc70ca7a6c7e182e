/**
 * Plain digests on the inline path without an allocation per call but the
 * result: one reused request and parameter block per context (the same
 * scheme as a cipher session's inline messages). A call nested in user
 * code reached while the scratch is in use (a getter of `options`) falls
 * back to a fresh request.
 */
import type { Cqe, PluginHost } from '@warpdrive/core';
import { hashInfo, input, optionsObject, output, prefix } from './args.js';
import { fillParam, sessionParam, type CryptoRequest } from './codec.js';
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

  // Called as a method (r.done(cqe, r)), so `this` is the request.
  done(cqe: Cqe): Buffer {
    return prefix(this.dst!, cqe.produced);
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
}
