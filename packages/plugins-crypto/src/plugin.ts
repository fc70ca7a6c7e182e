/**
 * The plugin factory: `createContext({ plugins: [crypto()] })` adds
 * encrypt/decrypt/digest/hmac, their *Sync forms and sessions to a context.
 */
import { definePlugin, type Cqe, type Plugin, type PluginHost } from '@warpdrive/core';
import { ENGINE_PATH, engineLibrary } from './engine-path.js';
import { OP } from './abi.js';
import { ALGORITHMS } from './algorithms.js';
import { cipherInfo, cipherKey, hashInfo, hmacKey, options as opts, padding as paddingArg } from './args.js';
import { cryptoCodec, handleOf, makeParam, type CryptoRequest } from './codec.js';
import { batchCodec } from './batch-request.js';
import { argError } from './errors.js';
import {
  decryptRequest, digestRequest, encryptRequest,
  type DecryptOptions, type DigestOptions, type EncryptOptions, type EncryptResult, type HmacOptions,
} from './oneshot.js';
import { InlineDigest } from './digest-inline.js';
import { OPS } from './ops.js';
import { hasInlinePath, pinToOneQueue } from '@warpdrive/core/plugin-kit';
import { DEFAULT_INLINE_MAX, dispatch } from './runner.js';
import { cipherSessionSchema, hashSessionSchema, parse, pluginOptionsSchema } from './options.js';
import { CipherSession, closeRequest, HashSession } from './sessions.js';
import { SessionTable } from './table.js';

type Bytes = ArrayBufferView | ArrayBuffer;

/** Options of `ctx.createCipherSession`. */
export interface CipherSessionOptions {
  /** e.g. `aes-256-gcm`. */
  readonly alg: string;
  /** The key; expanded once, in the engine, and zeroized on close. */
  readonly key: Bytes;
  /** CBC: PKCS#7 padding (default true). */
  readonly padding?: boolean;
}

/** Options of `ctx.createHashSession`. */
export interface HashSessionOptions {
  /** `sha1`…`sha512`, or `hmac-sha256`/`hmac-sha384`/`hmac-sha512` (then `key` is required). */
  readonly alg: string;
  readonly key?: Bytes;
}

/** Which OpenSSL the engine runs (see README "OpenSSL"). */
export interface CryptoEngineInfo {
  /** `OpenSSL_version(OPENSSL_VERSION)` as the engine sees it. */
  readonly openssl: string;
  /** The shared object that holds the engine's `EVP_EncryptInit_ex` (dladdr). */
  readonly library: string;
  /** Sessions whose state the engine holds (all contexts of the process). */
  readonly sessions: number;
}

/** Methods the crypto plugin adds to a context. */
export interface CryptoMethods {
  /**
   * Encrypt `data` (AES-GCM/CTR/CBC). With `out` the ciphertext is written
   * there (zero-copy; `out` may be `data` itself for in-place operation).
   * @throws WarpdriveError (rejection) `ERR_UNSUPPORTED_OPERATION` (alg),
   *   `ERR_INVALID_ARGUMENT` (key/iv/aad/tagLength/padding, `out` overlapping
   *   `data` other than exactly), `ERR_BUFFER_TOO_SMALL` (`out`), `ERR_CONTEXT_CLOSED`
   */
  encrypt(data: Bytes, options: EncryptOptions): Promise<EncryptResult>;
  /**
   * Decrypt `data`. GCM: `tag` is required; a mismatch rejects with
   * `ERR_AUTH_FAILED`, no plaintext is returned and `out` is zeroed.
   * CBC: bad padding is `ERR_DATA_CORRUPT`.
   */
  decrypt(data: Bytes, options: DecryptOptions): Promise<Buffer>;
  /** SHA-1/SHA-2 digest of `data`. */
  digest(data: Bytes, options: DigestOptions): Promise<Buffer>;
  /** HMAC-SHA-256/384/512 of `data`. */
  hmac(data: Bytes, options: HmacOptions): Promise<Buffer>;
  /** {@link CryptoMethods.encrypt} on the calling thread (errors thrown). */
  encryptSync(data: Bytes, options: EncryptOptions): EncryptResult;
  /** {@link CryptoMethods.decrypt} on the calling thread. */
  decryptSync(data: Bytes, options: DecryptOptions): Buffer;
  /**
   * Digests of many messages in one call and one promise: message i's
   * digest is at `i × digestLength` of the result (a view of `out` when
   * given; `out` must hold n × digestLength bytes and overlap no message).
   * @throws WarpdriveError (rejection) as {@link CryptoMethods.digest}, a
   *   message's error carrying `details.index`
   */
  digestBatch(messages: readonly Bytes[], options: DigestOptions): Promise<Buffer>;
  /**
   * HMACs of many messages under one key, in one call: the key is prepared
   * once for the batch; message i's MAC is at `i × macLength` of the result
   * (`out` as for {@link CryptoMethods.digestBatch}).
   * @throws WarpdriveError (rejection) as {@link CryptoMethods.hmac}, a
   *   message's error carrying `details.index`
   */
  hmacBatch(messages: readonly Bytes[], options: HmacOptions): Promise<Buffer>;
  /** {@link CryptoMethods.digest} on the calling thread. */
  digestSync(data: Bytes, options: DigestOptions): Buffer;
  /** {@link CryptoMethods.hmac} on the calling thread. */
  hmacSync(data: Bytes, options: HmacOptions): Buffer;
  /**
   * A cipher session: the key schedule is prepared once in the engine.
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` (options, key length), `ERR_UNSUPPORTED_OPERATION` (alg)
   */
  createCipherSession(options: CipherSessionOptions): Promise<CipherSession>;
  /** {@link CryptoMethods.createCipherSession} on the calling thread. */
  createCipherSessionSync(options: CipherSessionOptions): CipherSession;
  /** A hash/HMAC session with streaming update/digest. */
  createHashSession(options: HashSessionOptions): Promise<HashSession>;
  /** {@link CryptoMethods.createHashSession} on the calling thread. */
  createHashSessionSync(options: HashSessionOptions): HashSession;
  /** Which OpenSSL the engine runs, as the engine itself reports it. */
  cryptoEngineInfo(): CryptoEngineInfo;
}

function openRequest(id: number, key: Uint8Array | undefined): CryptoRequest<number | bigint> {
  return {
    param: makeParam(id, 0, key), src: undefined, srcLen: 0, dst: undefined, dstLen: 0, aad: undefined, handle: 0,
    authDecrypt: false, label: 'open session', done: (cqe: Cqe) => handleOf(cqe),
  };
}

// Session and plugin options: an own-property snapshot first (zod reads
// inherited properties too, so Object.prototype.key would be seen), then zod.
function cipherOpen(options: unknown) {
  const o = parse(cipherSessionSchema, opts(options, ['alg', 'key', 'padding']), 'options');
  const info = cipherInfo(o.alg);
  return { info, key: cipherKey(o.key, info), padding: paddingArg(o.padding, info) };
}

function hashOpen(options: unknown) {
  const o = parse(hashSessionSchema, opts(options, ['alg', 'key']), 'options');
  const hmac = typeof o.alg === 'string' && o.alg.toLowerCase().startsWith('hmac-');
  const info = hashInfo(o.alg, hmac);
  if (hmac && o.key === undefined) throw argError('options.key', `\`options.key\` is required for ${info.name}`);
  if (!hmac && o.key !== undefined) throw argError('options.key', `\`options.key\` applies to HMAC, not ${info.name}`);
  return { info, key: hmac ? hmacKey(o.key) : undefined };
}

function attempt<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err);
  }
}

function methods(ctx: PluginHost, inlineMax: number): CryptoMethods {
  const table = new SessionTable(ctx, (host, handle) =>
    host.hasInline ? Promise.resolve(host.runSync<void>(OPS.sessionClose, closeRequest(handle))) : host.run<void>(OPS.sessionClose, closeRequest(handle)));
  const digests = new InlineDigest(ctx, inlineMax);
  // No closure per call: these run for every one-shot message.
  const later = <R>(op: string, build: (data: unknown, o: unknown, hmac: boolean) => CryptoRequest<R>, data: unknown, o: unknown, hmac: boolean): Promise<R> => {
    try {
      return dispatch(ctx, op, build(data, o, hmac), inlineMax);
    } catch (err) {
      return Promise.reject(err);
    }
  };
  return {
    encrypt: (data, o) => later(OPS.cipher, encryptRequest, data, o, false),
    decrypt: (data, o) => later(OPS.cipher, decryptRequest, data, o, false),
    digest: (data, o) => digests.async(data, o),
    hmac: (data, o) => later(OPS.digest, digestRequest, data, o, true),
    encryptSync: (data, o) => ctx.runSync(OPS.cipher, encryptRequest(data, o)),
    decryptSync: (data, o) => ctx.runSync(OPS.cipher, decryptRequest(data, o)),
    digestSync: (data, o) => digests.sync(data, o),
    digestBatch: (messages, o) => digests.batch(messages, o, false),
    hmacBatch: (messages, o) => digests.batch(messages, o, true),
    hmacSync: (data, o) => ctx.runSync(OPS.digest, digestRequest(data, o, true)),
    createCipherSession: (options) =>
      attempt(async () => {
        const { info, key, padding } = cipherOpen(options);
        const host = pinToOneQueue(ctx);
        return new CipherSession(host, await host.run(OPS.sessionOpen, openRequest(info.id, key)), info, padding, inlineMax, table);
      }),
    createCipherSessionSync: (options) => {
      const { info, key, padding } = cipherOpen(options);
      return new CipherSession(ctx, ctx.runSync(OPS.sessionOpen, openRequest(info.id, key)), info, padding, inlineMax, table);
    },
    createHashSession: (options) =>
      attempt(async () => {
        const { info, key } = hashOpen(options);
        const host = pinToOneQueue(ctx);
        return new HashSession(host, await host.run(OPS.sessionOpen, openRequest(info.id, key)), info, inlineMax, table);
      }),
    createHashSessionSync: (options) => {
      const { info, key } = hashOpen(options);
      return new HashSession(ctx, ctx.runSync(OPS.sessionOpen, openRequest(info.id, key)), info, inlineMax, table);
    },
    cryptoEngineInfo: () => {
      const INFO_MAX = 512;
      const dst = Buffer.alloc(INFO_MAX);
      const { text, sessions } = ctx.runSync<{ text: string; sessions: number }>(OPS.info, {
        param: undefined, src: undefined, srcLen: 0, dst, dstLen: INFO_MAX, aad: undefined, handle: 0,
        authDecrypt: false, label: 'engine info', done: (cqe: Cqe) => ({ text: dst.toString('utf8', 0, cqe.produced), sessions: cqe.auxLow }),
      } satisfies CryptoRequest<{ text: string; sessions: number }>);
      const [openssl = '', library = ''] = text.split('\n');
      return { openssl, library, sessions };
    },
  };
}

/** Path of the engine library: the local build, else the platform package (see ./engine-path.ts). */
export const ENGINE_LIBRARY: string = ENGINE_PATH;

/** Options of the {@link crypto} factory. */
export interface CryptoPluginOptions {
  /**
   * Async requests whose input is at most this many bytes run on the
   * inline path (the calling thread) instead of a queue round trip, which
   * costs more than the AES work itself for small messages. 0 sends every
   * request through a queue. Default 16384.
   */
  readonly inlineMaxBytes?: number;
}

/**
 * The crypto plugin factory.
 *
 * @example
 * const ctx = await createContext({ plugins: [crypto()] });
 * const { ciphertext, tag } = await ctx.encrypt(data, { alg: 'aes-256-gcm', key, iv });
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` (options)
 */
export function crypto(options: CryptoPluginOptions = {}): Plugin<CryptoMethods> {
  const o = parse(pluginOptionsSchema, opts(options, ['inlineMaxBytes'], true), 'options');
  const inlineMax = o.inlineMaxBytes ?? DEFAULT_INLINE_MAX;
  const op = (opcode: number) => ({ opcode, api: { wd_soft_v1: cryptoCodec(opcode) } });
  return definePlugin<CryptoMethods>({
    name: 'crypto',
    algorithms: ALGORITHMS,
    operations: {
      [OPS.cipher]: op(OP.CIPHER),
      [OPS.digest]: op(OP.DIGEST),
      [OPS.sessionOpen]: op(OP.SESSION_OPEN),
      [OPS.sessionClose]: op(OP.SESSION_CLOSE),
      [OPS.sessionCipher]: op(OP.SESSION_CIPHER),
      [OPS.sessionHash]: op(OP.SESSION_HASH),
      [OPS.info]: op(OP.INFO),
      [OPS.sessionBatch]: { opcode: OP.SESSION_BATCH, api: { wd_soft_v1: batchCodec(OP.SESSION_BATCH) } },
      [OPS.digestBatch]: { opcode: OP.DIGEST_BATCH, api: { wd_soft_v1: batchCodec(OP.DIGEST_BATCH) } },
    },
    softEngines: [{ library: engineLibrary(), symbol: 'crypto_engine_get' }],
    // A kernel device has no inline path: there every request is queued.
    extend: (ctx) => methods(ctx, hasInlinePath(ctx) ? inlineMax : -1),
  });
}
