/**
 * The caller's output memory of a one-shot call (`options.out`): the
 * request writes into it and the result is a view of it, with no
 * allocation (each fresh output Buffer is external memory that V8
 * accounts for, and that accounting paces its collections).
 */
import { WarpdriveError, isDetached } from '@warpdrive/core';

/**
 * `out` (live: options.ts refused a detached one) as the request's
 * output, at most `limit` bytes of it, disjoint from the input `src`
 * (neither direction can run in place).
 */
export function callerOutput(out: Uint8Array, src: Uint8Array, limit: number): Uint8Array {
  // Views of different ArrayBuffers never overlap; views of one compare by offset.
  if (out.buffer === src.buffer && out.byteLength > 0 && src.byteLength > 0 &&
      out.byteOffset < src.byteOffset + src.byteLength && src.byteOffset < out.byteOffset + out.byteLength) {
    throw new WarpdriveError('ERR_INVALID_ARGUMENT', '`options.out` overlaps `data`: the operation cannot run in place', { details: { argument: 'options.out' } });
  }
  return out.byteLength > limit ? out.subarray(0, limit) : out;
}

/** The result: a Buffer over the first `produced` bytes of the request's `dst` (part of `out`). */
export function outView(dst: Uint8Array, produced: number): Buffer {
  if (isDetached(dst.buffer)) {
    throw new WarpdriveError('ERR_BUFFER_DETACHED', '`options.out` was detached while the request ran', { details: { argument: 'options.out' } });
  }
  return Buffer.from(dst.buffer, dst.byteOffset, produced);
}

/** The output did not fit in `out` (of `room` usable bytes). */
export function outTooSmall(room: number, what: 'compressed' | 'decompressed'): WarpdriveError {
  return new WarpdriveError('ERR_OUTPUT_TOO_SMALL', `\`options.out\` (${room} bytes) is too small for the ${what} data`, {
    details: { argument: 'options.out', length: room },
  });
}
