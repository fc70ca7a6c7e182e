/**
 * Gzip member header (RFC 1952) bytes from checked header fields. The
 * engine validates the block with the same parser it uses on decompression
 * and writes it verbatim (one-shot) or through zlib's deflateSetHeader
 * (streams).
 */
import { lengthOf } from '@warpdrive/core/plugin-kit';

const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

/** Header fields as options.ts checked them (a snapshot: each read once). */
export interface HeaderFields {
  /** Latin-1 without NUL. */
  readonly name: string | undefined;
  /** Latin-1 without NUL. */
  readonly comment: string | undefined;
  /** Seconds, < 2^32 (0 = none). */
  readonly mtime: number;
  /** 0..255. */
  readonly os: number;
  /** The kit's view of the caller's FEXTRA payload (≤ 65535 bytes). */
  readonly extra: Uint8Array | undefined;
}

/** XFL as zlib writes it: 2 = best compression, 4 = fastest. */
function xfl(level: number): number {
  return level === 9 ? 2 : level < 2 ? 4 : 0;
}

/** Encode a header; `extra`'s bytes are copied now. */
export function encodeGzipHeader(h: HeaderFields, level: number): Buffer {
  const name = h.name === undefined ? undefined : Buffer.from(h.name, 'latin1');
  const comment = h.comment === undefined ? undefined : Buffer.from(h.comment, 'latin1');
  const extra = h.extra;
  const extraLength = extra === undefined ? 0 : lengthOf(extra);
  const nameLength = name === undefined ? 0 : lengthOf(name);
  const commentLength = comment === undefined ? 0 : lengthOf(comment);
  const size = 10 + (extra ? 2 + extraLength : 0) + (name ? nameLength + 1 : 0) + (comment ? commentLength + 1 : 0);
  const out = Buffer.alloc(size);
  out[0] = 0x1f;
  out[1] = 0x8b;
  out[2] = 8;
  out[3] = (extra ? FEXTRA : 0) | (name ? FNAME : 0) | (comment ? FCOMMENT : 0);
  out.writeUInt32LE(h.mtime, 4);
  out[8] = xfl(level);
  out[9] = h.os;
  let pos = 10;
  if (extra) {
    out.writeUInt16LE(extraLength, pos);
    out.set(extra, pos + 2); // (the kit's view: its length is the true one)
    pos += 2 + extraLength;
  }
  if (name) pos += name.copy(out, pos) + 1;
  if (comment) comment.copy(out, pos);
  return out;
}
