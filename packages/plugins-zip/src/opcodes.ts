/**
 * The zip engine's protocol on `wd_soft_v1`: opcodes (range 0x10–0x3f),
 * op_flags and `cqe.detail` values. Mirrors engine/zip_engine.h; change both
 * together.
 */

/** Opcodes of the zip family. */
export const ZIP_OP = {
  COMPRESS: 0x10,
  DECOMPRESS: 0x11,
  STREAM_INIT: 0x12,
  STREAM_DEFLATE: 0x13,
  STREAM_INFLATE: 0x14,
  STREAM_END: 0x15,
  INFO: 0x16,
} as const;

/** Format numbers of op_flags bits 0–1. */
export const ZIP_FMT = { deflate: 0, zlib: 1, gzip: 2, auto: 3 } as const;

export const ZIP_LEVEL_SHIFT = 4;
/** Decompress: decode concatenated gzip members. */
export const ZIP_F_MULTI_MEMBER = 1 << 8;
/** STREAM_INIT: an inflate stream. */
export const ZIP_F_DECOMPRESS = 1 << 9;

/** STREAM_DEFLATE op_flags: flush mode. */
export const ZIP_FLUSH = { none: 0, sync: 1, full: 2, finish: 3 } as const;
/** STREAM_INFLATE op_flags: no input follows. */
export const ZIP_F_FINISH = 1;
/** STREAM_INFLATE op_flags: stop at bytes after the end that start no new member (aux END) instead of failing. */
export const ZIP_F_STOP_AT_END = 2;
/** Stream ops' cqe.aux: the stream reached its end. */
export const ZIP_AUX_END = 1;

/** `cqe.detail` of a failed zip request. */
export const ZIP_DETAIL = {
  NONE: 0,
  HEADER: 1,
  STREAM: 2,
  CHECKSUM: 3,
  TRAILING: 4,
  TRUNCATED: 5,
  BAD_HANDLE: 6,
  BUSY: 7,
  BAD_PARAM: 8,
  DIRECTION: 9,
  ENDED: 10,
} as const;

/** `details.reason` of an `ERR_DATA_CORRUPT` error, per the API contract. */
export type CorruptReason = 'header' | 'stream' | 'checksum' | 'trailing-data';

export const CORRUPT_REASON: Readonly<Record<number, CorruptReason>> = {
  [ZIP_DETAIL.HEADER]: 'header',
  [ZIP_DETAIL.STREAM]: 'stream',
  [ZIP_DETAIL.CHECKSUM]: 'checksum',
  [ZIP_DETAIL.TRAILING]: 'trailing-data',
};

/** Operation names registered by the plugin. */
export const OP = {
  compress: 'zip.compress',
  decompress: 'zip.decompress',
  streamInit: 'zip.streamInit',
  streamDeflate: 'zip.streamDeflate',
  streamInflate: 'zip.streamInflate',
  streamEnd: 'zip.streamEnd',
  info: 'zip.info',
} as const;
