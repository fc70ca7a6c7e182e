/**
 * @warpdrive/plugin-crypto: AES-GCM/CTR/CBC, SHA-1/SHA-2 and HMAC on the
 * queue, with sessions (key schedule prepared once in the engine), zero-copy
 * output and *Sync forms.
 */
export { crypto, crypto as default, ENGINE_LIBRARY, type CryptoMethods, type CryptoPluginOptions, type CipherSessionOptions, type HashSessionOptions, type CryptoEngineInfo } from './plugin.js';
export type { EncryptOptions, DecryptOptions, DigestOptions, HmacOptions, EncryptResult } from './oneshot.js';
export {
  CipherSession, HashSession,
  type SessionEncryptOptions, type SessionDecryptOptions, type EncryptBatchOptions, type EncryptBatchResult, type DecryptBatchOptions, type StreamStartOptions, type StreamFinalOptions, type StreamFinalResult,
} from './sessions.js';
export { CipherStream, type CipherStreamOptions } from './stream.js';
export { ALGORITHMS, GCM_TAG_LENGTHS, type CipherAlgorithm, type HashAlgorithm, type HmacAlgorithm } from './algorithms.js';
export { OP as CRYPTO_OPCODES, PARAM as CRYPTO_PARAM_LAYOUT } from './abi.js';
