/**
 * The caller's output memory of a one-shot call (`options.out`): the
 * request writes into it and the result is a view of it, with no
 * allocation (each fresh output Buffer is external memory that V8
 * accounts for, and that accounting paces its collections).
 */
import { WarpdriveError } from '@warpdrive/core';
import { addressOf, bufferOf, lengthOf } from '@warpdrive/core/plugin-kit';

/**
 * `out` (the kit's view of options.out; options.ts refused a detached one)
 * as the request's output, at most `limit` bytes of it, disjoint from the
 * input `src` (neither direction can run in place).
 */
export function callerOutput(out: Uint8Array, src: Uint8Array, limit: number): Uint8Array {
  const outLength = lengthOf(out);
  const srcLength = lengthOf(src);
  // By address, not by buffer object: two SharedArrayBuffer objects (a
  // structuredClone, a shared WebAssembly.Memory) can map the same memory.
  if (outLength > 0 && srcLength > 0) {
    const o = addressOf(out, 'options.out');
    const d = addressOf(src, 'data');
    if (o < d + srcLength && d < o + outLength) throw overlapError();
  }
  return outLength > limit ? out.subarray(0, limit) : out;
}

function overlapError(): WarpdriveError {
  return new WarpdriveError('ERR_INVALID_ARGUMENT', '`options.out` overlaps `data`: the operation cannot run in place', { details: { argument: 'options.out' } });
}

/**
 * The result: a Buffer over the first `produced` bytes of the request's
 * `dst` (part of `out`); ERR_BUFFER_DETACHED if `out` was detached (or
 * shrank) while the request ran.
 */
export function outView(dst: Uint8Array, produced: number): Buffer {
  return bufferOf(dst, 0, produced, 'options.out');
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
