/**
 * The caller's output memory of a one-shot call (`options.out`): the
 * request writes into it and the result is a view of it, with no
 * allocation (each fresh output Buffer is external memory that V8
 * accounts for, and that accounting paces its collections).
 */
import { WarpdriveError, addressOf, isDetached } from '@warpdrive/core';

/**
 * `out` (live: options.ts refused a detached one) as the request's
 * output, at most `limit` bytes of it, disjoint from the input `src`
 * (neither direction can run in place).
 */
export function callerOutput(out: Uint8Array, src: Uint8Array, limit: number): Uint8Array {
  // By address, not by buffer object: two SharedArrayBuffer objects (a
  // structuredClone, a shared WebAssembly.Memory) can map the same memory.
  if (out.byteLength > 0 && src.byteLength > 0) {
    const o = addressOf(out, 'options.out');
    const d = addressOf(src, 'data');
    if (o < d + src.byteLength && d < o + out.byteLength) throw overlapError();
  }
  return out.byteLength > limit ? out.subarray(0, limit) : out;
}

function overlapError(): WarpdriveError {
  return new WarpdriveError('ERR_INVALID_ARGUMENT', '`options.out` overlaps `data`: the operation cannot run in place', { details: { argument: 'options.out' } });
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

/**
 * The queued requests of one context that write into a caller's `out`.
 * Closing a context rejects what is in flight at once, while the device
 * may still write; the zip plugin's close hook waits for these to settle
 * first, so `out` is never written after ctx.close() resolved.
 */
export class CallerOuts {
  private readonly pending = new Set<Promise<unknown>>();

  /** Track `request` until it settles; returns it. */
  track<T>(request: Promise<T>): Promise<T> {
    const settled: Promise<unknown> = request.then(
      (): boolean => this.pending.delete(settled),
      (): boolean => this.pending.delete(settled),
    );
    this.pending.add(settled);
    return request;
  }

  /** Resolves when every request tracked so far has settled. */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
