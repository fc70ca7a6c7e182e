/**
 * TypeScript mirror of engine/crypto_engine.h: opcodes, algorithm ids, flags
 * and the parameter block layout (little-endian). The engine rejects any
 * disagreement with -EINVAL; test/abi.test.ts would fail first.
 */

/** Opcodes of the crypto range (0x40–0x7f of wd_soft.h). */
export const OP = {
  CIPHER: 0x40,
  DIGEST: 0x41,
  SESSION_OPEN: 0x42,
  SESSION_CLOSE: 0x43,
  SESSION_CIPHER: 0x44,
  SESSION_HASH: 0x45,
  INFO: 0x46,
  SESSION_BATCH: 0x47,
  DIGEST_BATCH: 0x48,
} as const;

/** `wdc_param.flags`. */
export const F = { DECRYPT: 1, NOPAD: 2, INIT: 4, FINAL: 8 } as const;

/** `struct wdc_param` field offsets; the IV follows the header, the key follows the IV. */
export const PARAM = {
  ALG: 0,
  FLAGS: 4,
  KEY_LEN: 8,
  IV_LEN: 10,
  TAG_LEN: 12,
  RESV0: 14,
  AAD_ADDR: 16,
  AAD_LEN: 24,
  RESV1: 28,
  TAG: 32,
  HEADER: 48,
} as const;

/** `struct wdc_batch_entry` field offsets (64 bytes an entry; see crypto_engine.h). */
export const ENTRY = {
  SRC_ADDR: 0,
  DST_ADDR: 8,
  IV_ADDR: 16,
  TAG_ADDR: 24,
  SRC_LEN: 32,
  DST_LEN: 36,
  IV_LEN: 40,
  RESV0: 42,
  STATUS: 44,
  PRODUCED: 48,
  RESV1: 52,
  RESV2: 56,
  SIZE: 64,
} as const;

/** Most entries one batch SQE may carry. */
export const BATCH_MAX = 1024;

/** Engine limits. */
export const LIMITS = { TAG_MAX: 16, IV_MAX: 128, KEY_MAX: 1024 } as const;

/** Negative errno values the engine answers with. */
export const STATUS = { EBADF: -9, EBADMSG: -74 } as const;
