/**
 * Cipher and hash sessions: the key schedule (or HMAC pads, or hash state)
 * lives in the engine behind a validated handle; JS holds only the handle.
 *
 * Whole messages (`encrypt`/`decrypt`) of one session may be in flight at
 * once: the engine keeps a small pool of prepared contexts per session.
 * Stream steps (`start`/`update`/`final`, hash `update`/`digest`) share one
 * state, so the session chains them: each runs after the previous settled.
 */
import { WarpdriveError, type Cqe, type PluginHost } from '@warpdrive/core';
import { isPinnedToQueue, lengthOf } from '@warpdrive/core/plugin-kit';
import { F } from './abi.js';
import { outBound, type CipherAlgorithm, type CipherInfo, type HashInfo } from './algorithms.js';
import {
  cipherAad, cipherIv, cipherTag, copyOf, input, KEYS, options as opts, output, prefix, stillHolds, tagLength, type Snapshot,
} from './args.js';
import { fillParam, makeParam, sessionParam, srcLength, tagOf, type CryptoRequest } from './codec.js';
import { argError, sessionClosed } from './errors.js';
import { CipherStream, type CipherStreamOptions } from './stream.js';
import { runParts, type BatchRequest } from './batch-request.js';
import { cipherBatch, type CipherBatchSession } from './session-batch.js';
import type { EncryptResult } from './oneshot.js';
import { OPS } from './ops.js';
import { dispatch } from './runner.js';
import type { SessionTable } from './table.js';

type Bytes = ArrayBufferView | ArrayBuffer;

/** The input of a final step (never pinned: its length is 0). */
const EMPTY = new Uint8Array(0);

/** Per-message options of a cipher session. */
export interface SessionEncryptOptions {
  readonly iv: Bytes;
  readonly aad?: Bytes;
  readonly tagLength?: number;
  readonly out?: Bytes;
}
/** Per-message options of a cipher session's decrypt. */
export interface SessionDecryptOptions {
  readonly iv: Bytes;
  readonly aad?: Bytes;
  readonly tag?: Bytes;
  readonly out?: Bytes;
}
/** Options of `CipherSession.encryptBatch`. */
export interface EncryptBatchOptions {
  /** One IV per message; an IV repeated within the batch is refused. */
  readonly ivs: readonly Bytes[];
  /** One output per message (zero-copy); default new Buffers. */
  readonly outs?: readonly Bytes[];
  /** GCM: additional authenticated data shared by every message. */
  readonly aad?: Bytes;
  /** GCM tag length (default 16). */
  readonly tagLength?: number;
  /** GCM: where the tags go, message i's at i × tagLength (default a new Buffer). */
  readonly tags?: Bytes;
}
/** Result of `CipherSession.encryptBatch`. */
export interface EncryptBatchResult {
  /** Message i's ciphertext (a view of `outs[i]` when given). */
  readonly ciphertexts: Buffer[];
  /** GCM: the tags, message i's at i × tagLength (a view of `options.tags` when given). */
  readonly tags?: Buffer;
}
/** Options of `CipherSession.decryptBatch`. */
export interface DecryptBatchOptions {
  readonly ivs: readonly Bytes[];
  readonly outs?: readonly Bytes[];
  /** GCM: additional authenticated data shared by every message. */
  readonly aad?: Bytes;
  /** GCM: the expected tags, message i's at i × tagLength; required. */
  readonly tags?: Bytes;
  /** GCM tag length of every message (default 16). */
  readonly tagLength?: number;
}

/** Options of `CipherSession.start` (a stream). */
export interface StreamStartOptions {
  readonly iv: Bytes;
  readonly aad?: Bytes;
  /** Decrypt (default false: encrypt). */
  readonly decrypt?: boolean;
}
/** Options of `CipherSession.final`. */
export interface StreamFinalOptions {
  /** Decrypting GCM: the expected tag. */
  readonly tag?: Bytes;
  /** Encrypting GCM: tag length (default 16). */
  readonly tagLength?: number;
  readonly out?: Bytes;
}
/** Result of `CipherSession.final`. */
export interface StreamFinalResult {
  /** Last bytes of output (CBC: the final block(s); GCM/CTR: empty). */
  readonly output: Buffer;
  /** Encrypting GCM: the tag. */
  readonly tag?: Buffer;
}

/**
 * Sessions dropped without close(): once collected, their engine state is
 * closed (zeroized and freed) on the inline path, or through the session's
 * queue on a kernel device (no inline path there), if the context is still
 * open. A context that is already closed cannot run the close; its
 * sessions are freed at process exit, or on a kernel device with the queue
 * (README "Limits").
 */
const dropped = new FinalizationRegistry<{ host: PluginHost; handle: number | bigint; table: SessionTable; queued: boolean }>(({ host, handle, table, queued }) => {
  table.delete(handle, undefined);
  if (table.closing !== undefined) return; // the context's close hook frees it
  try {
    if (queued) host.run<void>(OPS.sessionClose, closeRequest(handle)).catch(() => undefined);
    else host.runSync<void>(OPS.sessionClose, closeRequest(handle));
  } catch {
    // context closed, or already closed through another path: nothing to free from here
  }
});

function attempt<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err);
  }
}

function busy(): WarpdriveError {
  return new WarpdriveError('ERR_DEVICE_BUSY', 'the session has asynchronous stream steps in flight; await them before a *Sync step');
}

/** Shared lifecycle: handle, in-flight tracking, the stream chain, close. */
abstract class Session {
  protected readonly host: PluginHost;
  protected readonly handle: number | bigint;
  private inflight = 0;
  private idle: (() => void) | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private chained = 0;
  private closing: Promise<void> | undefined;

  protected readonly inlineMax: number;
  private readonly table: SessionTable;

  constructor(host: PluginHost, handle: number | bigint, inlineMax: number, table: SessionTable) {
    this.host = host;
    this.handle = handle;
    this.inlineMax = inlineMax;
    this.table = table;
    table.add(handle, this);
    // inlineMax < 0: the plugin runs on a device without an inline path
    dropped.register(this, { host, handle, table, queued: inlineMax < 0 }, this);
  }

  /** True once `close()`/`closeSync()` was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  protected abstract readonly kind: string;

  protected check(): void {
    if (this.closing !== undefined) throw sessionClosed(this.kind);
  }

  /** Run a request now (whole messages). */
  protected submit<R>(op: string, request: CryptoRequest<R>): Promise<R> {
    if (srcLength(request) <= this.inlineMax) return dispatch(this.host, op, request, this.inlineMax);
    return this.submitQueued(op, request);
  }

  /** Queue a request; close() waits for it. */
  protected submitQueued<R>(op: string, request: unknown): Promise<R> {
    this.inflight++;
    return this.host.run<R>(op, request).finally(() => {
      if (--this.inflight === 0 && this.idle !== undefined) this.idle();
    });
  }

  /** Run `build()`'s request after every earlier stream step settled. */
  protected chain<R>(op: string, build: () => CryptoRequest<R>, after: (ok: boolean) => void): Promise<R> {
    if (this.chained === 0) {
      // Nothing queued: a small step may run inline right away, in order.
      const request = build();
      if (srcLength(request) <= this.inlineMax) {
        try {
          const value = this.host.runSync<R>(op, request);
          after(true);
          return Promise.resolve(value);
        } catch (err) {
          after(false);
          return Promise.reject(err);
        }
      }
      this.chained++;
      return this.settleStep(this.submit(op, request), after);
    }
    this.chained++;
    // Checked at call time: steps queued before close() still run.
    return this.settleStep(this.tail.then(() => this.submit(op, build())), after);
  }

  /**
   * Bookkeeping of one chained step: runs before the caller's continuation
   * sees the result, and makes the step the new tail of the chain.
   */
  private settleStep<R>(step: Promise<R>, after: (ok: boolean) => void): Promise<R> {
    const p = step.then(
      (value) => {
        this.chained--;
        after(true);
        return value;
      },
      (err: unknown) => {
        this.chained--;
        after(false);
        throw err;
      },
    );
    this.tail = p.catch(() => undefined);
    return p;
  }

  /** Run a stream step synchronously. */
  protected sync<R>(op: string, request: () => CryptoRequest<R>): R {
    this.check();
    if (this.chained > 0) throw busy();
    return this.host.runSync<R>(op, request());
  }

  /**
   * Close the session: waits for its in-flight requests, then the engine
   * zeroizes the key schedule and frees the state. Idempotent. Later calls
   * of any method throw `ERR_SESSION_CLOSED`. Closing the context closes
   * its open sessions the same way.
   */
  close(): Promise<void> {
    if (this.closing === undefined) {
      dropped.unregister(this);
      this.closing = this.tail
        .then(() => (this.inflight === 0 ? undefined : new Promise<void>((resolve) => (this.idle = resolve))))
        // Once the context is closing only its close hook's host submits,
        // or the session's own kernel queue (where its handle is valid).
        .then(() => (isPinnedToQueue(this.host) ? this.host : this.table.closing ?? this.host).run<void>(OPS.sessionClose, closeRequest(this.handle)))
        .finally(() => this.table.delete(this.handle, this));
    }
    return this.closing;
  }

  /**
   * {@link Session.close} on the calling thread.
   * @throws WarpdriveError `ERR_DEVICE_BUSY` if requests are still in flight
   */
  closeSync(): void {
    if (this.closing !== undefined) return;
    if (this.inflight > 0 || this.chained > 0) throw busy();
    dropped.unregister(this);
    this.closing = Promise.resolve();
    this.table.delete(this.handle, this);
    this.host.runSync<void>(OPS.sessionClose, closeRequest(this.handle));
  }
}

/** The SESSION_CLOSE request of `handle`. */
export function closeRequest(handle: number | bigint): CryptoRequest<void> {
  return {
    param: makeParam(0, 0), src: undefined, srcLen: 0, dst: undefined, dstLen: 0, aad: undefined, handle,
    authDecrypt: false, label: 'close session', done: () => undefined,
  };
}

/** The per-message arguments of a cipher session: a snapshot of its options. */
type MessageArgs = Partial<Snapshot<'iv' | 'aad' | 'tag' | 'tagLength' | 'out'>>;

/** A whole-message request; each cipher session reuses one for its inline messages. */
class MessageRequest implements CryptoRequest<any> {
  param: Buffer | undefined = undefined;
  src: Uint8Array | undefined = undefined;
  srcLen = 0;
  dst: Uint8Array | undefined = undefined;
  dstLen = 0;
  aad: Uint8Array | undefined = undefined;
  authDecrypt = false;
  label = '';
  decrypt = false;
  tagLen = 0;
  constructor(readonly handle: number | bigint) {}

  // Called as a method (r.done(cqe, r)), so `this` is the request.
  done(cqe: Cqe): any {
    const out = prefix(this.dst!, cqe.produced);
    if (this.decrypt) return out;
    return this.tagLen === 0 ? { ciphertext: out } : { ciphertext: out, tag: tagOf(this.param!, this.tagLen) };
  }
}

interface StreamState {
  decrypt: boolean;
  iv: Uint8Array | undefined; // pending INIT (cleared once sent)
  aad: Uint8Array | undefined;
  pending: number; // bytes the engine holds back (CBC)
}

/**
 * A cipher session: the key is expanded once, in the engine; each message
 * brings its IV. Create with `ctx.createCipherSession`.
 */
export class CipherSession extends Session {
  /** The algorithm. */
  readonly alg: CipherAlgorithm;
  protected readonly kind = 'cipher';
  private readonly info: CipherInfo;
  private readonly padding: boolean;
  private stream: StreamState | undefined;
  private readonly labels: readonly [string, string];
  private readonly scratch: MessageRequest;
  private readonly scratchParam = sessionParam();
  private scratchBusy = false;
  private owner: object | undefined;

  /** @internal */
  constructor(host: PluginHost, handle: number | bigint, info: CipherInfo, padding: boolean, inlineMax: number, table: SessionTable) {
    super(host, handle, inlineMax, table);
    this.info = info;
    this.alg = info.name;
    this.padding = padding;
    this.labels = [`encrypt ${info.name}`, `decrypt ${info.name}`];
    this.scratch = new MessageRequest(handle);
  }

  private flags(decrypt: boolean): number {
    return (decrypt ? F.DECRYPT : 0) | (this.padding ? 0 : F.NOPAD);
  }

  /**
   * Validate one whole message and write its request into `r`. `scratch`
   * is the session's own parameter block (inline use), else a pooled block
   * is taken (queued use: the block must live until the completion).
   */
  private fill(r: MessageRequest, decrypt: boolean, src: Uint8Array, o: MessageArgs, scratch: Buffer | undefined): void {
    const info = this.info;
    const iv = cipherIv(o.iv, info);
    const aad = cipherAad(o.aad, info);
    let tag: Uint8Array | undefined;
    let tagLen: number;
    if (decrypt) {
      tag = cipherTag(o.tag, info);
      tagLen = tag === undefined ? 0 : lengthOf(tag);
    } else {
      tagLen = tagLength(o.tagLength, info);
    }
    const srcLen = lengthOf(src);
    if (info.mode === 'cbc' && srcLen % 16 && (decrypt || !this.padding)) {
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`data\` must be a multiple of 16 bytes for ${info.name}${decrypt ? '' : ' without padding'}, got ${srcLen}`, {
        details: { argument: 'data' },
      });
    }
    const need = outBound(info, decrypt, this.padding, true, srcLen);
    const dst = output(o.out, need, src);
    const flags = this.flags(decrypt) | F.INIT | F.FINAL;
    r.param = scratch === undefined ? makeParam(info.id, flags, undefined, iv, tagLen, tag) : fillParam(scratch, info.id, flags, undefined, iv, tagLen, tag);
    r.src = src;
    r.srcLen = srcLen;
    r.dst = dst;
    r.dstLen = need;
    r.aad = aad;
    r.decrypt = decrypt;
    r.authDecrypt = decrypt && info.mode === 'gcm';
    r.tagLen = tagLen;
    r.label = decrypt ? this.labels[1] : this.labels[0];
  }

  /**
   * One message on the calling thread. The common case reuses the
   * session's request and parameter block (no allocation but the result);
   * a nested call (e.g. from a getter of `options`) gets fresh ones.
   */
  private inline(decrypt: boolean, src: Uint8Array, o: MessageArgs): any {
    if (this.scratchBusy) {
      const r = new MessageRequest(this.handle);
      this.fill(r, decrypt, src, o, undefined);
      return this.host.runSync(OPS.sessionCipher, r);
    }
    const r = this.scratch;
    this.scratchBusy = true;
    try {
      this.fill(r, decrypt, src, o, this.scratchParam);
      return this.host.runSync(OPS.sessionCipher, r);
    } finally {
      r.src = r.dst = r.aad = undefined; // hold no caller buffer past the call
      this.scratchBusy = false;
    }
  }

  private message(decrypt: boolean, data: unknown, options: unknown): Promise<any> {
    try {
      this.check();
      // options first: their getters run before any buffer is converted
      const o = this.messageOptions(decrypt, options);
      const src = input(data);
      if (lengthOf(src) <= this.inlineMax) return Promise.resolve(this.inline(decrypt, src, o));
      const r = new MessageRequest(this.handle);
      this.fill(r, decrypt, src, o, undefined);
      return this.submit(OPS.sessionCipher, r);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private messageOptions(decrypt: boolean, options: unknown): MessageArgs {
    return opts(options, decrypt ? KEYS.sessionDecrypt : KEYS.sessionEncrypt);
  }

  /**
   * Encrypt one message with this session's key.
   * @throws WarpdriveError (rejection) `ERR_SESSION_CLOSED`, `ERR_INVALID_ARGUMENT`
   *   (iv/aad/tagLength/out overlap), `ERR_BUFFER_TOO_SMALL` (`out`)
   */
  encrypt(data: Bytes, options: SessionEncryptOptions): Promise<EncryptResult> {
    return this.message(false, data, options);
  }
  /**
   * Decrypt one message. GCM: a tag mismatch rejects with `ERR_AUTH_FAILED`
   * and `out` (if given) is zeroed.
   */
  decrypt(data: Bytes, options: SessionDecryptOptions): Promise<Buffer> {
    return this.message(true, data, options);
  }
  /** {@link CipherSession.encrypt} on the calling thread. */
  encryptSync(data: Bytes, options: SessionEncryptOptions): EncryptResult {
    this.check();
    const o = this.messageOptions(false, options);
    return this.inline(false, input(data), o);
  }
  /** {@link CipherSession.decrypt} on the calling thread. */
  decryptSync(data: Bytes, options: SessionDecryptOptions): Buffer {
    this.check();
    const o = this.messageOptions(true, options);
    return this.inline(true, input(data), o);
  }

  /**
   * Encrypt many messages in one call: each with its own IV (`options.ivs[i]`;
   * an IV repeated within the batch is refused before anything runs) and,
   * if given, its own output `options.outs[i]`. They are encoded back to
   * back in one tick and settle as one promise; small messages run inline,
   * so a batch costs one promise instead of one per message. GCM tags go to
   * `options.tags` (message i's at i × tagLength) or to a new Buffer.
   * @throws WarpdriveError (rejection) as {@link CipherSession.encrypt}, the
   *   message's error carrying `details.index`; `ERR_INVALID_ARGUMENT` for
   *   column lengths and repeated IVs, `ERR_BUFFER_TOO_SMALL` for `tags`
   */
  encryptBatch(messages: readonly Bytes[], options: EncryptBatchOptions): Promise<EncryptBatchResult> {
    try {
      this.check();
      const batch = cipherBatch(this.batchSession(false), false, messages, opts(options, KEYS.batch));
      const tags = batch.tags;
      // the tags Buffer is made once the batch is done: `tags` may have been detached meanwhile
      return this.runBatch(batch.requests, batch.plan.inline).then((ciphertexts) =>
        tags === undefined ? { ciphertexts } : { ciphertexts, tags: prefix(tags, batch.n * batch.tagLen, 'options.tags') });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Decrypt many messages in one call (see {@link CipherSession.encryptBatch}):
   * `options.ivs[i]`, GCM tags from `options.tags` (message i's at
   * i × tagLength, tagLength default 16). If any message fails (GCM tag
   * mismatch, CBC padding) the batch rejects with that message's error
   * (`details.index`) and every output the batch wrote is zeroed: no
   * plaintext of a failed batch is released.
   */
  decryptBatch(messages: readonly Bytes[], options: DecryptBatchOptions): Promise<Buffer[]> {
    try {
      this.check();
      const batch = cipherBatch(this.batchSession(true), true, messages, opts(options, KEYS.batch));
      return this.runBatch(batch.requests, batch.plan.inline);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private batchSession(decrypt: boolean): CipherBatchSession {
    return { info: this.info, padding: this.padding, handle: this.handle, inlineMax: this.inlineMax, label: `${this.labels[decrypt ? 1 : 0]} batch` };
  }

  /** Run a batch's descriptors (see runParts); close() waits for the queued ones. */
  private runBatch(requests: BatchRequest[], inline: boolean): Promise<Buffer[]> {
    return runParts(requests, inline, (r) => this.host.runSync<Buffer[]>(OPS.sessionBatch, r), (r) => this.submitQueued<Buffer[]>(OPS.sessionBatch, r))
      .then((parts) => parts.flat());
  }

  /**
   * Start a stream (abandoning any unfinished one): the IV and AAD travel
   * with the first `update`/`final`. Streaming GCM decryption releases
   * plaintext before the tag is checked at `final`; use `decrypt` when no
   * unauthenticated plaintext may be released.
   */
  start(options: StreamStartOptions): void {
    this.startAs(undefined, options);
  }

  /**
   * @internal {@link CipherSession.start} for `owner` (a CipherStream, or
   * undefined for direct calls); the stream then belongs to it until
   * {@link CipherSession.releaseAs}.
   */
  startAs(owner: object | undefined, options: unknown): void {
    this.check();
    this.owned(owner);
    const o = opts(options, KEYS.start);
    const decrypt = o.decrypt ?? false;
    if (typeof decrypt !== 'boolean') throw new WarpdriveError('ERR_INVALID_ARGUMENT', '`decrypt` must be a boolean', { details: { argument: 'decrypt' } });
    // Copies: they are sent with the first step, after caller code ran (which could change or detach the originals).
    const iv = copyOf(cipherIv(o.iv, this.info));
    const aad = cipherAad(o.aad, this.info);
    this.stream = { decrypt, iv, aad: aad === undefined ? undefined : copyOf(aad), pending: 0 };
    this.owner = owner;
  }

  /** @internal `owner` is done with the stream (ended, failed or destroyed). */
  releaseAs(owner: object): void {
    if (this.owner === owner) this.owner = undefined;
  }

  private owned(owner: object | undefined): void {
    if (this.owner !== undefined && this.owner !== owner) {
      throw new WarpdriveError('ERR_DEVICE_BUSY', 'the session\'s stream belongs to a CipherStream (createEncryptStream/createDecryptStream) until that ends');
    }
  }

  // Not checked for close here: chained steps queued before close() still run.
  private streamRequest(data: Uint8Array, dataLen: number, final: boolean, fo: Partial<Snapshot<'tag' | 'tagLength'>>, outArg: unknown): CryptoRequest<any> {
    const s = this.stream;
    if (s === undefined) throw new WarpdriveError('ERR_INVALID_ARGUMENT', 'no stream started: call start({ iv }) first', { details: { argument: 'start' } });
    const info = this.info;
    let tag: Uint8Array | undefined;
    let tagLen = 0;
    if (final && info.mode === 'gcm') {
      if (s.decrypt) {
        tag = cipherTag(fo.tag, info);
        tagLen = lengthOf(tag!);
      } else {
        tagLen = tagLength(fo.tagLength, info);
      }
    }
    // a step chained behind others is built after caller code ran: `data` must still be what was checked
    stillHolds(data, dataLen, 'data');
    const total = s.pending + dataLen;
    if (final && info.mode === 'cbc' && total % 16 && (s.decrypt || !this.padding)) {
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', `the stream must total a multiple of 16 bytes for ${info.name}${s.decrypt ? '' : ' without padding'}, got ${total}`, {
        details: { argument: 'data' },
      });
    }
    const need = outBound(info, s.decrypt, this.padding, final, total);
    const dst = output(outArg, need, data);
    const init = s.iv !== undefined;
    const flags = this.flags(s.decrypt) | (init ? F.INIT : 0) | (final ? F.FINAL : 0);
    const param = makeParam(info.id, flags, undefined, s.iv, tagLen, tag);
    const aad = init ? s.aad : undefined;
    return {
      param, src: data, srcLen: dataLen, dst, dstLen: need, aad, handle: this.handle, authDecrypt: s.decrypt && info.mode === 'gcm',
      label: `${final ? 'final' : 'update'} ${info.name}`,
      done: (cqe: Cqe, r: CryptoRequest) => {
        const out = prefix(r.dst!, cqe.produced);
        if (final) {
          if (this.stream === s) this.stream = undefined;
          return tagLen && !s.decrypt ? { output: out, tag: tagOf(r.param!, tagLen) } : { output: out };
        }
        s.iv = undefined;
        s.aad = undefined;
        s.pending = total - cqe.produced;
        return out;
      },
    };
  }

  private failed(ok: boolean): void {
    if (!ok) this.stream = undefined; // the engine ended the stream too
  }

  /** Process the next chunk of the stream; returns the output it produced. */
  update(data: Bytes, options: { readonly out?: Bytes } = {}): Promise<Buffer> {
    return this.updateAs(undefined, data, options);
  }
  /** @internal {@link CipherSession.update} for the stream's owner. */
  updateAs(owner: object | undefined, data: unknown, options: unknown): Promise<Buffer> {
    return attempt(() => {
      this.check();
      this.owned(owner);
      const o = opts(options, KEYS.out, true);
      const src = input(data);
      const len = lengthOf(src);
      return this.chain(OPS.sessionCipher, () => this.streamRequest(src, len, false, {}, o.out), (ok) => this.failed(ok));
    });
  }
  /** Finish the stream: last output and (encrypting GCM) the tag; decrypting GCM checks `tag`. */
  final(options: StreamFinalOptions = {}): Promise<StreamFinalResult> {
    return this.finalAs(undefined, options);
  }
  /** @internal {@link CipherSession.final} for the stream's owner. */
  finalAs(owner: object | undefined, options: unknown): Promise<StreamFinalResult> {
    return attempt(() => {
      this.check();
      this.owned(owner);
      const o = opts(options, KEYS.final, true);
      return this.chain(OPS.sessionCipher, () => this.streamRequest(EMPTY, 0, true, o, o.out), (ok) => this.failed(ok));
    });
  }
  /** {@link CipherSession.update} on the calling thread. */
  updateSync(data: Bytes, options: { readonly out?: Bytes } = {}): Buffer {
    this.owned(undefined);
    const o = opts(options, KEYS.out, true);
    try {
      return this.sync(OPS.sessionCipher, () => {
        const src = input(data);
        return this.streamRequest(src, lengthOf(src), false, {}, o.out);
      });
    } catch (err) {
      if ((err as WarpdriveError).code !== 'ERR_DEVICE_BUSY') this.failed(false);
      throw err;
    }
  }
  /** {@link CipherSession.final} on the calling thread. */
  finalSync(options: StreamFinalOptions = {}): StreamFinalResult {
    this.owned(undefined);
    const o = opts(options, KEYS.final, true);
    try {
      return this.sync(OPS.sessionCipher, () => this.streamRequest(EMPTY, 0, true, o, o.out));
    } catch (err) {
      if ((err as WarpdriveError).code !== 'ERR_DEVICE_BUSY') this.failed(false);
      throw err;
    }
  }

  /**
   * A Transform stream that encrypts what is written to it with this
   * session's key (one message: `iv`, optional `aad`). Encrypting GCM, the
   * tag is `stream.getAuthTag()` once the stream ended ('end'). The session
   * serves one stream (or start/update/final sequence) at a time; whole
   * messages (`encrypt`/`decrypt`) may run alongside.
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` (iv/aad/tagLength),
   *   `ERR_SESSION_CLOSED`, `ERR_DEVICE_BUSY` (a stream is still running)
   */
  createEncryptStream(options: CipherStreamOptions): CipherStream {
    return new CipherStream(this, this.info, false, options);
  }

  /**
   * A Transform stream that decrypts what is written to it. GCM: the
   * expected tag comes with `options.tag` or `stream.setAuthTag(tag)` before
   * the input ends; a mismatch fails the stream with `ERR_AUTH_FAILED`.
   * Like every streaming GCM decryption, by default the plaintext is
   * released as it is produced, before the tag is checked: a consumer must
   * discard it on error. With `verifiedOnly: true` nothing is released until
   * the tag verified (the plaintext is held in memory, and zeroed on a
   * mismatch): for messages that fit in memory; larger ones decrypt to a
   * temporary file that is renamed only after the stream ended (the CLI
   * does this).
   */
  createDecryptStream(options: CipherStreamOptions): CipherStream {
    return new CipherStream(this, this.info, true, options);
  }
}

/**
 * A hash or HMAC session: streaming `update`, then `digest` (which also
 * restarts it, keeping an HMAC key). Create with `ctx.createHashSession`.
 */
export class HashSession extends Session {
  /** The algorithm. */
  readonly alg: string;
  protected readonly kind = 'hash';
  private readonly info: HashInfo;

  /** @internal */
  constructor(host: PluginHost, handle: number | bigint, info: HashInfo, inlineMax: number, table: SessionTable) {
    super(host, handle, inlineMax, table);
    this.info = info;
    this.alg = info.name;
  }

  private request(src: Uint8Array, srcLen: number, final: boolean, out: unknown): CryptoRequest<any> {
    // a step chained behind others is built after caller code ran: `data` must still be what was checked
    stillHolds(src, srcLen, 'data');
    const n = final ? this.info.digestLength : 0;
    const dst = final ? output(out, n, undefined) : undefined;
    return {
      param: makeParam(this.info.id, final ? F.FINAL : 0), src, srcLen, dst, dstLen: n, aad: undefined, handle: this.handle,
      authDecrypt: false, label: `${final ? 'digest' : 'update'} ${this.info.name}`,
      done: (cqe: Cqe, r: CryptoRequest) => (final ? prefix(r.dst!, cqe.produced) : undefined),
    };
  }

  /** Feed bytes. */
  update(data: Bytes): Promise<void> {
    return attempt(() => {
      this.check();
      const src = input(data);
      const len = lengthOf(src);
      return this.chain(OPS.sessionHash, () => this.request(src, len, false, undefined), () => undefined);
    });
  }
  /** The digest of everything fed since the last digest; the session restarts. */
  digest(options: { readonly out?: Bytes } = {}): Promise<Buffer> {
    return attempt(() => {
      this.check();
      const o = opts(options, KEYS.out, true);
      return this.chain(OPS.sessionHash, () => this.request(EMPTY, 0, true, o.out), () => undefined);
    });
  }
  /** {@link HashSession.update} on the calling thread. */
  updateSync(data: Bytes): void {
    this.sync(OPS.sessionHash, () => {
      const src = input(data);
      return this.request(src, lengthOf(src), false, undefined);
    });
  }
  /** {@link HashSession.digest} on the calling thread. */
  digestSync(options: { readonly out?: Bytes } = {}): Buffer {
    const o = opts(options, KEYS.out, true);
    return this.sync(OPS.sessionHash, () => this.request(EMPTY, 0, true, o.out));
  }
}
