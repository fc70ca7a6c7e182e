/**
 * Gzip member header (RFC 1952) bytes from {@link GzipHeader} fields. The
 * engine validates the block with the same parser it uses on decompression
 * and writes it verbatim (one-shot) or through zlib's deflateSetHeader
 * (streams).
 */
import type { GzipHeader } from './types.js';

const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const OS_UNIX = 3;

function mtimeSeconds(mtime: number | Date | undefined): number {
  if (mtime === undefined) return 0;
  return mtime instanceof Date ? Math.floor(mtime.getTime() / 1000) : mtime;
}

/** XFL as zlib writes it: 2 = best compression, 4 = fastest. */
function xfl(level: number): number {
  return level === 9 ? 2 : level < 2 ? 4 : 0;
}

/**
 * Encode a header. Fields were validated by the options schema (Latin-1
 * without NUL, extra ≤ 65535 bytes, mtime < 2^32, os 0..255).
 */
export function encodeGzipHeader(h: GzipHeader, level: number): Buffer {
  const name = h.name === undefined ? undefined : Buffer.from(h.name, 'latin1');
  const comment = h.comment === undefined ? undefined : Buffer.from(h.comment, 'latin1');
  const extra = h.extra;
  const size = 10 + (extra ? 2 + extra.byteLength : 0) + (name ? name.length + 1 : 0) + (comment ? comment.length + 1 : 0);
  const out = Buffer.alloc(size);
  out[0] = 0x1f;
  out[1] = 0x8b;
  out[2] = 8;
  out[3] = (extra ? FEXTRA : 0) | (name ? FNAME : 0) | (comment ? FCOMMENT : 0);
  out.writeUInt32LE(mtimeSeconds(h.mtime), 4);
  out[8] = xfl(level);
  out[9] = h.os ?? OS_UNIX;
  let pos = 10;
  if (extra) {
    out.writeUInt16LE(extra.byteLength, pos);
    out.set(extra, pos + 2);
    pos += 2 + extra.byteLength;
  }
  if (name) pos += name.copy(out, pos) + 1;
  if (comment) comment.copy(out, pos);
  return out;
}
