/**
 * Node Transform streams over a cipher session's stream steps
 * (`session.createEncryptStream` / `createDecryptStream`). One update runs
 * at a time: the next chunk is accepted once the previous step settled, so
 * Node's backpressure (highWaterMark) bounds the data in flight.
 */
import type { TransformCallback } from 'node:stream';
import { TrustedTransform, bufferOf, isTypedArray, lengthOf, viewOf } from '@warpdrive/core/plugin-kit';
import type { CipherInfo } from './algorithms.js';
import { cipherTag, copyOf, options as opts, tagLength } from './args.js';
import { argError } from './errors.js';
import type { CipherSession, StreamFinalResult } from './sessions.js';

type Bytes = ArrayBufferView | ArrayBuffer;

/** Options of `createEncryptStream` / `createDecryptStream`. */
export interface CipherStreamOptions {
  /** The message's IV. */
  readonly iv: Bytes;
  /** GCM additional authenticated data. */
  readonly aad?: Bytes;
  /** Encrypting GCM: tag length (default 16). */
  readonly tagLength?: number;
  /** Decrypting GCM: the expected tag (or call `setAuthTag` before the input ends). */
  readonly tag?: Bytes;
  /**
   * Decrypting: release no plaintext before the GCM tag verified. The
   * plaintext is held in memory until then and zeroed on a mismatch.
   * Default false (released as produced, like node:crypto's decipher).
   */
  readonly verifiedOnly?: boolean;
  /** The streams' highWaterMark in bytes (Node's default otherwise). */
  readonly highWaterMark?: number;
}

const KEYS = ['iv', 'aad', 'tagLength', 'tag', 'verifiedOnly', 'highWaterMark'] as const;

/** A cipher Transform stream of one session message. */
export class CipherStream extends TrustedTransform {
  private readonly session: CipherSession;
  private readonly info: CipherInfo;
  private readonly decrypt: boolean;
  private readonly tagLen: number;
  private expected: Uint8Array | undefined;
  private tag: Buffer | undefined;
  private held: Buffer[] | undefined;
  private released = false;

  /** @internal use `session.createEncryptStream` / `createDecryptStream` */
  constructor(session: CipherSession, info: CipherInfo, decrypt: boolean, options: unknown) {
    const o = opts(options, KEYS); // own properties, each read once; unknown keys refused
    const hwm = o.highWaterMark;
    if (hwm !== undefined && (typeof hwm !== 'number' || !Number.isInteger(hwm) || hwm < 1)) {
      throw argError('options.highWaterMark', '`options.highWaterMark` must be a positive integer');
    }
    super(hwm === undefined ? {} : { highWaterMark: hwm });
    this.session = session;
    this.info = info;
    this.decrypt = decrypt;
    if (decrypt) {
      if (o.tagLength !== undefined) throw argError('options.tagLength', '`options.tagLength` applies to encryption; a decrypt stream takes its length from the tag');
      if (o.tag !== undefined) this.expected = copyOf(cipherTag(o.tag, info)!); // a copy: the caller may reuse theirs
      this.tagLen = 0;
      const v = o.verifiedOnly ?? false;
      if (typeof v !== 'boolean') throw argError('options.verifiedOnly', '`options.verifiedOnly` must be a boolean');
      if (v) this.held = [];
    } else {
      if (o.tag !== undefined || o.verifiedOnly !== undefined) {
        throw argError(o.tag !== undefined ? 'options.tag' : 'options.verifiedOnly', '`options.tag` and `options.verifiedOnly` apply to decryption');
      }
      this.tagLen = tagLength(o.tagLength, info, 'options.tagLength');
    }
    session.startAs(this, { iv: o.iv, aad: o.aad, decrypt });
  }

  /**
   * Encrypting GCM: the tag, once the stream ended.
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` before the end, or for CTR/CBC
   */
  getAuthTag(): Buffer {
    if (this.decrypt || this.info.mode !== 'gcm') throw argError('getAuthTag', `getAuthTag() applies to a GCM encrypt stream, not ${this.decrypt ? 'a decrypt stream' : this.info.name}`);
    if (this.tag === undefined) throw argError('getAuthTag', 'the tag is known once the stream ended (after \'end\')');
    return this.tag;
  }

  /**
   * Decrypting GCM: the expected tag, if not given at creation. Must be set
   * before the input ends.
   */
  setAuthTag(tag: Bytes): this {
    if (!this.decrypt) throw argError('setAuthTag', 'setAuthTag() applies to a decrypt stream');
    if (this.writableEnded) throw argError('setAuthTag', 'setAuthTag() must be called before the input ends');
    this.expected = copyOf(cipherTag(tag, this.info)!);
    return this;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.session.updateAs(this, chunk, {}).then(
      (out) => {
        if (lengthOf(out) > 0) this.emitOutput(out);
        callback();
      },
      (err: unknown) => callback(err as Error),
    );
  }

  override _flush(callback: TransformCallback): void {
    if (this.decrypt && this.info.mode === 'gcm' && this.expected === undefined) {
      this.discard();
      callback(argError('tag', 'decrypting GCM needs the expected tag: pass options.tag or call setAuthTag() before the input ends'));
      return;
    }
    const options = this.decrypt ? (this.expected === undefined ? {} : { tag: this.expected }) : this.tagLen === 0 ? {} : { tagLength: this.tagLen };
    this.session.finalAs(this, options).then(
      (r: StreamFinalResult) => {
        this.tag = r.tag;
        const held = this.held;
        this.held = undefined;
        this.discard(); // nothing held any more: only hands the session back
        if (held !== undefined) for (const part of held) this.push(part);
        if (lengthOf(r.output) > 0) this.push(r.output);
        callback();
      },
      (err: unknown) => {
        this.discard();
        callback(err as Error);
      },
    );
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.discard();
    callback(err);
  }

  private emitOutput(out: Buffer): void {
    if (this.held !== undefined) this.held.push(out);
    else this.push(out);
  }

  /** Zero plaintext never released and hand the session's stream back. */
  private discard(): void {
    if (this.held !== undefined) for (const part of this.held) part.fill(0);
    this.held = undefined;
    if (!this.released) {
      this.released = true;
      this.session.releaseAs(this);
    }
  }
}
