/**
 * node:zlib's treatment of bytes after the compressed data, on top of the
 * plugin's stricter decoder (which reports them as ERR_DATA_CORRUPT,
 * reason 'trailing-data', without saying where the valid data ends):
 *  - inflate / inflateRaw / unzip of zlib data: trailing bytes are ignored;
 *  - gunzip / unzip of gzip data: after a member, a 0x00 byte starts padding
 *    that is ignored; anything else is parsed as another member (so garbage
 *    stays a Z_DATA_ERROR).
 * Only error paths come here. A one-shot decompression reports where its
 * valid data ends (`details.validLength`); for other errors a prefix
 * search runs on the calling thread.
 */
import { isWarpdriveError } from '@warpdrive/core';
import { bufferOf, lengthOf } from '@warpdrive/core/plugin-kit';

type Verdict = 'ok' | 'short' | 'bad';

/**
 * The first `end` bytes of `input` (the kit's view of the caller's buffer):
 * ERR_BUFFER_DETACHED if the caller detached it while an async call ran.
 */
function prefix(input: Uint8Array, end: number): Uint8Array {
  return bufferOf(input, 0, end, 'buffer');
}

function verdict(decode: (input: Uint8Array) => unknown, input: Uint8Array): Verdict {
  try {
    decode(input);
    return 'ok';
  } catch (err) {
    if (isWarpdriveError(err, 'ERR_DATA_TRUNCATED')) return 'short';
    if (isWarpdriveError(err, 'ERR_DATA_CORRUPT')) return 'bad';
    throw err;
  }
}

/**
 * The end of the valid data: the longest prefix that decodes or is merely
 * truncated. Every longer prefix contains the offending bytes, so the
 * verdicts are monotonic and a binary search finds it in log2(n) decodes.
 */
function validEnd(decode: (input: Uint8Array) => unknown, input: Uint8Array): number {
  let lo = 0; // prefix lo: ok or short
  let hi = lengthOf(input); // prefix hi: bad
  while (hi - lo > 1) {
    const mid = lo + ((hi - lo) >>> 1);
    if (verdict(decode, prefix(input, mid)) === 'bad') hi = mid;
    else lo = mid;
  }
  return lo;
}

/**
 * What node would have decoded from `input` after the plugin failed with
 * `err`, or undefined when node fails too (then `err` stands).
 *
 * @param gzip - the input is gzip (gunzip, or unzip of a gzip header)
 * @param decode - the plugin's synchronous decoder with the caller's options
 */
export function decodeLikeNode<T>(err: unknown, input: Uint8Array, gzip: boolean, decode: (input: Uint8Array) => T): T | undefined {
  if (!isWarpdriveError(err, 'ERR_DATA_CORRUPT')) return undefined;
  const reason = err.details?.reason;
  const valid = err.details?.validLength;
  const length = lengthOf(input);
  if (reason === 'trailing-data' && typeof valid === 'number' && valid > 0 && valid < length) {
    // The engine says where the valid data ends. node (one write with
    // Z_FINISH): zlib/raw data ignore what follows; after a gzip member a
    // 0x00 byte ends the data, anything else is read as a member (the
    // engine already took those starting with 0x1f) and fails.
    if (gzip && input[valid] !== 0) return undefined;
    try {
      return decode(prefix(input, valid));
    } catch {
      return undefined;
    }
  }
  if (!gzip) {
    if (reason !== 'trailing-data') return undefined;
  } else if ((reason !== 'trailing-data' && reason !== 'header') || input[length - 1] !== 0) {
    // padding is zeros to the end; without a final 0x00 node fails as well
    return undefined;
  }
  let end = validEnd(decode, input);
  if (gzip) {
    // a partial "member" of zeros may read as truncated: back up to the member end
    while (end > 0 && input[end - 1] === 0 && verdict(decode, prefix(input, end)) !== 'ok') end--;
    if (input[end] !== 0) return undefined;
  }
  try {
    return decode(prefix(input, end));
  } catch {
    return undefined;
  }
}
