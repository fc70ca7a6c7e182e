/**
 * The algorithm table: names as node:crypto spells them, the engine id, and
 * the sizes every argument check needs.
 */

/** AES modes. */
export type CipherAlgorithm =
  | 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm'
  | 'aes-128-ctr' | 'aes-192-ctr' | 'aes-256-ctr'
  | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';
/** Hashes. */
export type HashAlgorithm = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
/** HMACs (`ctx.hmac` also accepts the bare hash name, e.g. `sha256`). */
export type HmacAlgorithm = 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512';

/** What the plugin knows about one cipher. */
export interface CipherInfo {
  readonly name: CipherAlgorithm;
  readonly id: number;
  readonly mode: 'gcm' | 'ctr' | 'cbc';
  readonly keyLength: number;
}

/** What the plugin knows about one hash or HMAC. */
export interface HashInfo {
  readonly name: HashAlgorithm | HmacAlgorithm;
  readonly id: number;
  readonly hmac: boolean;
  readonly digestLength: number;
}

const MODES = ['gcm', 'ctr', 'cbc'] as const;
const KEYS = [128, 192, 256] as const;

/** Ciphers by name. */
export const CIPHERS: ReadonlyMap<string, CipherInfo> = new Map(
  MODES.flatMap((mode, m) =>
    KEYS.map((bits, k) => {
      const name = `aes-${bits}-${mode}` as CipherAlgorithm;
      return [name, { name, id: 1 + m * 3 + k, mode, keyLength: bits / 8 }] as const;
    }),
  ),
);

/** Hashes and HMACs by name. */
export const HASHES: ReadonlyMap<string, HashInfo> = new Map(
  (
    [
      ['sha1', 16, false, 20], ['sha224', 17, false, 28], ['sha256', 18, false, 32], ['sha384', 19, false, 48],
      ['sha512', 20, false, 64], ['hmac-sha256', 32, true, 32], ['hmac-sha384', 33, true, 48], ['hmac-sha512', 34, true, 64],
    ] as const
  ).map(([name, id, hmac, digestLength]) => [name, { name, id, hmac, digestLength }] as const),
);

/** Every algorithm name the plugin registers. */
export const ALGORITHMS: readonly string[] = [...CIPHERS.keys(), ...HASHES.keys()];

/** GCM tag lengths SP 800-38D allows. */
export const GCM_TAG_LENGTHS: readonly number[] = [4, 8, 12, 13, 14, 15, 16];

/**
 * Largest output of a cipher step that sees `total` bytes (mirrors
 * wdc_cipher_out_bound): exact for GCM/CTR and CBC encryption, an upper
 * bound for CBC decryption (padding is removed afterwards).
 */
export function outBound(info: CipherInfo, decrypt: boolean, padding: boolean, final: boolean, total: number): number {
  if (info.mode !== 'cbc') return total;
  const blocks = Math.floor(total / 16) * 16;
  if (decrypt) return final ? total : blocks;
  return blocks + (final && padding ? 16 : 0);
}
