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

/** Engine limits. */
export const LIMITS = { TAG_MAX: 16, IV_MAX: 128, KEY_MAX: 1024 } as const;

/** Negative errno values the engine answers with. */
export const STATUS = { EBADF: -9, EBADMSG: -74 } as const;
