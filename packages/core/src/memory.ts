/**
 * Buffer addresses for descriptors, with the checks that must happen before
 * an address is handed to a device.
 *
 * Lengths, offsets and backing buffers are read through the built-in
 * getters of %TypedArray%.prototype / DataView.prototype / ArrayBuffer.prototype,
 * never through `value.byteLength` and friends: a subclass or an own
 * property may shadow those, and the device trusts whatever length the SQE
 * carries, so a lying `byteLength` would turn into a write past the buffer.
 */
import { WarpdriveError } from './errors.js';
import { getNative } from './native.js';
import { describeValue } from './kit/describe.js';
import {
  backingOf, isBufferInput, isDetached, isResizable, lengthOf, offsetOf, typedArrayBacking, typedArrayLength, typedArrayOffset, type BufferInput,
} from './kit/intrinsics.js';

export { isDetached, type BufferInput };

/**
 * Byte length of `value` after checking that it is a live buffer.
 *
 * @param value - the candidate buffer
 * @param name - argument name used in error messages, e.g. `dst`
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` if `value` is not an
 *   ArrayBufferView/ArrayBuffer; `ERR_BUFFER_DETACHED` if it was transferred
 */
export function checkedByteLength(value: unknown, name: string): number {
  if (!isBufferInput(value)) {
    throw new WarpdriveError(
      'ERR_INVALID_ARGUMENT',
      `\`${name}\` must be a Buffer, TypedArray, DataView or ArrayBuffer, got ${describeValue(value)}`,
      { details: { argument: name } },
    );
  }
  if (isDetached(backingOf(value))) {
    throw new WarpdriveError('ERR_BUFFER_DETACHED', `\`${name}\` is backed by a detached ArrayBuffer`, {
      details: { argument: name },
    });
  }
  return lengthOf(value);
}

/**
 * Throw unless `value` holds at least `min` bytes.
 * @throws WarpdriveError `ERR_BUFFER_TOO_SMALL` ("`dst` must be at least N bytes, got M")
 */
export function requireBytes(length: number, min: number, name: string): void {
  if (length < min) {
    throw new WarpdriveError('ERR_BUFFER_TOO_SMALL', `\`${name}\` must be at least ${min} bytes, got ${length}`, {
      details: { argument: name, required: min, actual: length },
    });
  }
}

// Base addresses of SharedArrayBuffers where the addon reads them through a
// view (Node 20's napi_get_arraybuffer_info rejects SharedArrayBuffers, so
// arrayBufferAddress answers undefined for them there).
// They are long-lived and few; backing stores never move in V8. An
// ArrayBuffer's address is read per call instead (arrayBufferAddress, one
// N-API call): caching every fresh output and input in a WeakMap grew an
// old-space table that V8 counted toward its next mark-compact: 64 KiB
// decompression averaged 1,169 MB/s at 106 mark-compacts per 2 s window
// with the cache and 1,246 at 79 without (8 interleaved A/B runs,
// docs/BENCHMARKS.md).
const sharedBase = new WeakMap<SharedArrayBuffer, number>();

/** Base address of `buffer` (user VAs are < 2^47, exact in a double). */
function baseAddress(buffer: ArrayBuffer | SharedArrayBuffer): number {
  const native = getNative();
  const base = native.arrayBufferAddress(buffer);
  if (base !== undefined) return base;
  let shared = sharedBase.get(buffer as SharedArrayBuffer);
  if (shared === undefined) {
    shared = Number(native.addressOf(new Uint8Array(buffer)));
    sharedBase.set(buffer as SharedArrayBuffer, shared);
  }
  return shared;
}

/**
 * Virtual address of the first byte of `value` (including its byteOffset),
 * for an SQE address field.
 *
 * @param value - Buffer, TypedArray, DataView or ArrayBuffer
 * @param name - argument name for errors (default `buffer`)
 * @returns the address as a number (0 for an empty buffer)
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` for a non-buffer,
 *   `ERR_BUFFER_DETACHED` for a detached buffer,
 *   `ERR_NATIVE_UNAVAILABLE` if the addon is missing
 */
export function addressOf(value: unknown, name = 'buffer'): number {
  // Typed arrays (every view the plugin kit makes) take one brand check;
  // DataViews and buffers the general path.
  const backing = typedArrayBacking(value);
  if (backing !== undefined) {
    const length = typedArrayLength(value as NodeJS.TypedArray);
    if (length === 0) {
      checkedByteLength(value, name); // detached: its typed error
      return 0;
    }
    return baseAddress(backing) + typedArrayOffset(value as NodeJS.TypedArray);
  }
  const length = checkedByteLength(value, name);
  const view = value as BufferInput;
  if (length === 0) return 0;
  return baseAddress(backingOf(view)) + offsetOf(view);
}

/**
 * {@link addressOf} for a buffer a queued request will reference until its
 * CQE is reaped. A resizable ArrayBuffer is refused: shrinking it releases
 * the pages past its new length at once (a device access there kills the
 * process), and nothing can stop a caller from resizing it while the
 * request is in flight. A growable SharedArrayBuffer never shrinks and is
 * accepted.
 *
 * @throws WarpdriveError as {@link addressOf}, and `ERR_INVALID_ARGUMENT`
 *   for a view of (or) a resizable ArrayBuffer
 */
export function pinnableAddress(value: unknown, name = 'buffer'): number {
  const address = addressOf(value, name);
  const buffer = backingOf(value as BufferInput);
  if (isResizable(buffer)) {
    throw new WarpdriveError(
      'ERR_INVALID_ARGUMENT',
      `\`${name}\` is backed by a resizable ArrayBuffer, which could shrink while the device uses it; use a fixed-length buffer`,
      { details: { argument: name } },
    );
  }
  return address;
}
