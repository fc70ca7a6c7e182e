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
import { F } from './abi.js';
import { outBound, type CipherAlgorithm, type CipherInfo, type HashInfo } from './algorithms.js';
import { cipherAad, cipherIv, cipherTag, input, optionsObject, output, prefix, tagLength } from './args.js';
import { makeParam, tagOf, type CryptoRequest } from './codec.js';
import { sessionClosed } from './errors.js';
import type { EncryptResult } from './oneshot.js';
import { OPS } from './ops.js';
import { dispatch } from './runner.js';

type Bytes = ArrayBufferView | ArrayBuffer;

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
const dropped = new FinalizationRegistry<{ host: PluginHost; handle: number | bigint; queued: boolean }>(({ host, handle, queued }) => {
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

  private readonly inlineMax: number;

  constructor(host: PluginHost, handle: number | bigint, inlineMax: number) {
    this.host = host;
    this.handle = handle;
    this.inlineMax = inlineMax;
    // inlineMax < 0: the plugin runs on a device without an inline path
    dropped.register(this, { host, handle, queued: inlineMax < 0 }, this);
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
    if ((request.src?.byteLength ?? 0) <= this.inlineMax) return dispatch(this.host, op, request, this.inlineMax);
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
      if ((request.src?.byteLength ?? 0) <= this.inlineMax) {
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
   * of any method throw `ERR_SESSION_CLOSED`.
   */
  close(): Promise<void> {
    if (this.closing === undefined) {
      dropped.unregister(this);
      this.closing = this.tail
        .then(() => (this.inflight === 0 ? undefined : new Promise<void>((resolve) => (this.idle = resolve))))
        .then(() => this.host.run<void>(OPS.sessionClose, closeRequest(this.handle)));
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
    this.host.runSync<void>(OPS.sessionClose, closeRequest(this.handle));
  }
}

function closeRequest(handle: number | bigint): CryptoRequest<void> {
  return {
    param: makeParam(0, 0), src: undefined, dst: undefined, dstLen: 0, aad: undefined, handle,
    authDecrypt: false, label: 'close session', done: () => undefined,
  };
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

  /** @internal */
  constructor(host: PluginHost, handle: number | bigint, info: CipherInfo, padding: boolean, inlineMax: number) {
    super(host, handle, inlineMax);
    this.info = info;
    this.alg = info.name;
    this.padding = padding;
  }

  private flags(decrypt: boolean): number {
    return (decrypt ? F.DECRYPT : 0) | (this.padding ? 0 : F.NOPAD);
  }

  private messageRequest(decrypt: boolean, data: unknown, options: unknown): CryptoRequest<any> {
    this.check();
    const o = optionsObject(options);
    const info = this.info;
    const src = input(data);
    const iv = cipherIv(o.iv, info);
    const aad = cipherAad(o.aad, info);
    let tag: Uint8Array | undefined;
    let tagLen: number;
    if (decrypt) {
      tag = cipherTag(o.tag, info);
      tagLen = tag?.byteLength ?? 0;
    } else {
      tagLen = tagLength(o.tagLength, info);
    }
    if (src.byteLength % 16 && info.mode === 'cbc' && (decrypt || !this.padding)) {
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`data\` must be a multiple of 16 bytes for ${info.name}${decrypt ? '' : ' without padding'}, got ${src.byteLength}`, {
        details: { argument: 'data' },
      });
    }
    const need = outBound(info, decrypt, this.padding, true, src.byteLength);
    const dst = output(o.out, need, src);
    return {
      param: makeParam(info.id, this.flags(decrypt) | F.INIT | F.FINAL, undefined, iv, tagLen, tag),
      src, dst, dstLen: need, aad, handle: this.handle, authDecrypt: decrypt && info.mode === 'gcm',
      label: `${decrypt ? 'decrypt' : 'encrypt'} ${info.name}`,
      done: decrypt
        ? (cqe: Cqe, r: CryptoRequest) => prefix(r.dst!, cqe.produced)
        : (cqe: Cqe, r: CryptoRequest): EncryptResult =>
            tagLen === 0
              ? { ciphertext: prefix(r.dst!, cqe.produced) }
              : { ciphertext: prefix(r.dst!, cqe.produced), tag: tagOf(r.param!, tagLen) },
    };
  }

  /**
   * Encrypt one message with this session's key.
   * @throws WarpdriveError (rejection) `ERR_SESSION_CLOSED`, `ERR_INVALID_ARGUMENT`
   *   (iv/aad/tagLength/out overlap), `ERR_BUFFER_TOO_SMALL` (`out`)
   */
  encrypt(data: Bytes, options: SessionEncryptOptions): Promise<EncryptResult> {
    return attempt(() => this.submit(OPS.sessionCipher, this.messageRequest(false, data, options)));
  }
  /**
   * Decrypt one message. GCM: a tag mismatch rejects with `ERR_AUTH_FAILED`
   * and `out` (if given) is zeroed.
   */
  decrypt(data: Bytes, options: SessionDecryptOptions): Promise<Buffer> {
    return attempt(() => this.submit(OPS.sessionCipher, this.messageRequest(true, data, options)));
  }
  /** {@link CipherSession.encrypt} on the calling thread. */
  encryptSync(data: Bytes, options: SessionEncryptOptions): EncryptResult {
    return this.host.runSync(OPS.sessionCipher, this.messageRequest(false, data, options));
  }
  /** {@link CipherSession.decrypt} on the calling thread. */
  decryptSync(data: Bytes, options: SessionDecryptOptions): Buffer {
    return this.host.runSync(OPS.sessionCipher, this.messageRequest(true, data, options));
  }

  /**
   * Start a stream (abandoning any unfinished one): the IV and AAD travel
   * with the first `update`/`final`. Streaming GCM decryption releases
   * plaintext before the tag is checked at `final`; use `decrypt` when no
   * unauthenticated plaintext may be released.
   */
  start(options: StreamStartOptions): void {
    this.check();
    const o = optionsObject(options);
    const decrypt = o.decrypt ?? false;
    if (typeof decrypt !== 'boolean') throw new WarpdriveError('ERR_INVALID_ARGUMENT', '`decrypt` must be a boolean', { details: { argument: 'decrypt' } });
    this.stream = { decrypt, iv: cipherIv(o.iv, this.info), aad: cipherAad(o.aad, this.info), pending: 0 };
  }

  // Not checked for close here: chained steps queued before close() still run.
  private streamRequest(data: Uint8Array, final: boolean, fo: Record<string, unknown>, outArg: unknown): CryptoRequest<any> {
    const s = this.stream;
    if (s === undefined) throw new WarpdriveError('ERR_INVALID_ARGUMENT', 'no stream started: call start({ iv }) first', { details: { argument: 'start' } });
    const info = this.info;
    let tag: Uint8Array | undefined;
    let tagLen = 0;
    if (final && info.mode === 'gcm') {
      if (s.decrypt) {
        tag = cipherTag(fo.tag, info);
        tagLen = tag!.byteLength;
      } else {
        tagLen = tagLength(fo.tagLength, info);
      }
    }
    const total = s.pending + data.byteLength;
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
      param, src: data, dst, dstLen: need, aad, handle: this.handle, authDecrypt: s.decrypt && info.mode === 'gcm',
      label: `${final ? 'final' : 'update'} ${info.name}`,
      done: (cqe: Cqe, r: CryptoRequest) => {
        const out = prefix(r.dst!, cqe.produced);
        if (final) {
          this.stream = undefined;
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
    return attempt(() => {
      this.check();
      const src = input(data);
      const o = optionsObject(options);
      return this.chain(OPS.sessionCipher, () => this.streamRequest(src, false, o, o.out), (ok) => this.failed(ok));
    });
  }
  /** Finish the stream: last output and (encrypting GCM) the tag; decrypting GCM checks `tag`. */
  final(options: StreamFinalOptions = {}): Promise<StreamFinalResult> {
    return attempt(() => {
      this.check();
      const o = optionsObject(options);
      return this.chain(OPS.sessionCipher, () => this.streamRequest(new Uint8Array(0), true, o, o.out), (ok) => this.failed(ok));
    });
  }
  /** {@link CipherSession.update} on the calling thread. */
  updateSync(data: Bytes, options: { readonly out?: Bytes } = {}): Buffer {
    const o = optionsObject(options);
    try {
      return this.sync(OPS.sessionCipher, () => this.streamRequest(input(data), false, o, o.out));
    } catch (err) {
      if ((err as WarpdriveError).code !== 'ERR_DEVICE_BUSY') this.failed(false);
      throw err;
    }
  }
  /** {@link CipherSession.final} on the calling thread. */
  finalSync(options: StreamFinalOptions = {}): StreamFinalResult {
    const o = optionsObject(options);
    try {
      return this.sync(OPS.sessionCipher, () => this.streamRequest(new Uint8Array(0), true, o, o.out));
    } catch (err) {
      if ((err as WarpdriveError).code !== 'ERR_DEVICE_BUSY') this.failed(false);
      throw err;
    }
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
  constructor(host: PluginHost, handle: number | bigint, info: HashInfo, inlineMax: number) {
    super(host, handle, inlineMax);
    this.info = info;
    this.alg = info.name;
  }

  private request(src: Uint8Array, final: boolean, out: unknown): CryptoRequest<any> {
    const n = final ? this.info.digestLength : 0;
    const dst = final ? output(out, n, undefined) : undefined;
    return {
      param: makeParam(this.info.id, final ? F.FINAL : 0), src, dst, dstLen: n, aad: undefined, handle: this.handle,
      authDecrypt: false, label: `${final ? 'digest' : 'update'} ${this.info.name}`,
      done: (cqe: Cqe, r: CryptoRequest) => (final ? prefix(r.dst!, cqe.produced) : undefined),
    };
  }

  /** Feed bytes. */
  update(data: Bytes): Promise<void> {
    return attempt(() => {
      this.check();
      const src = input(data);
      return this.chain(OPS.sessionHash, () => this.request(src, false, undefined), () => undefined);
    });
  }
  /** The digest of everything fed since the last digest; the session restarts. */
  digest(options: { readonly out?: Bytes } = {}): Promise<Buffer> {
    return attempt(() => {
      this.check();
      const o = optionsObject(options);
      return this.chain(OPS.sessionHash, () => this.request(new Uint8Array(0), true, o.out), () => undefined);
    });
  }
  /** {@link HashSession.update} on the calling thread. */
  updateSync(data: Bytes): void {
    this.sync(OPS.sessionHash, () => this.request(input(data), false, undefined));
  }
  /** {@link HashSession.digest} on the calling thread. */
  digestSync(options: { readonly out?: Bytes } = {}): Buffer {
    return this.sync(OPS.sessionHash, () => this.request(new Uint8Array(0), true, optionsObject(options).out));
  }
}
