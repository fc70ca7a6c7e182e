/**
 * The one way from a caller's value to bytes a descriptor may reference.
 *
 * {@link viewOf} checks the value once and returns a fresh, fixed-length
 * Uint8Array that core made over the same memory: nothing the caller's
 * object says about itself (own properties, subclass getters, a Proxy) can
 * change its length, offset or methods afterwards. Plugins keep that view
 * in their request and hand it to `pin`; lengths come from {@link lengthOf}.
 */
import { WarpdriveError, type WarpdriveErrorCode } from '../errors.js';
import { describeValue } from './describe.js';
import {
  FastBuffer, Uint8ArrayCtor, backingOf, isBufferInput, isDetached, lengthOf, offsetOf, typedArrayBytes, type BufferInput,
} from './intrinsics.js';

/** Options of {@link viewOf}. */
export interface ViewOfOptions {
  /** Largest accepted length in bytes (default: unlimited). */
  readonly maxLength?: number;
  /** What the message says is expected, default `a Buffer, TypedArray, DataView or ArrayBuffer`. */
  readonly expected?: string;
}

/**
 * An argument error naming `name`: `details.argument` is set, the message
 * is used as given (start it with the argument in backticks).
 */
export function argumentError(name: string, message: string, code: WarpdriveErrorCode = 'ERR_INVALID_ARGUMENT', details: Record<string, unknown> = {}): WarpdriveError {
  return new WarpdriveError(code, message, { details: { argument: name, ...details } });
}

/** `ERR_BUFFER_DETACHED` for `name`. */
export function detachedError(name: string): WarpdriveError {
  return argumentError(name, `\`${name}\` is backed by a detached ArrayBuffer`, 'ERR_BUFFER_DETACHED');
}

/**
 * A fresh Uint8Array over exactly the bytes of `value` (no copy).
 *
 * @param value - Buffer, TypedArray, DataView, ArrayBuffer or SharedArrayBuffer
 * @param name - the argument's name for messages, e.g. `data`
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` (not a buffer: a Proxy,
 *   an array, a string…, or longer than `maxLength`), `ERR_BUFFER_DETACHED`
 */
export function viewOf(value: unknown, name: string, options?: ViewOfOptions): Uint8Array {
  if (options?.maxLength === undefined) {
    const typed = typedArrayBytes(value); // the common case: each getter read once
    if (typed !== undefined) return typed;
  }
  if (!isBufferInput(value)) {
    const expected = options?.expected ?? 'a Buffer, TypedArray, DataView or ArrayBuffer';
    throw argumentError(name, `\`${name}\` must be ${expected}, got ${describeValue(value)}`);
  }
  const backing = backingOf(value);
  const length = lengthOf(value);
  if (length === 0 && isDetached(backing)) throw detachedError(name);
  const max = options?.maxLength;
  if (max !== undefined && length > max) {
    throw argumentError(name, `\`${name}\` must be at most ${max} bytes, got ${length}`, 'ERR_INVALID_ARGUMENT', { limit: max, actual: length });
  }
  return new Uint8ArrayCtor(backing, offsetOf(value), length);
}

/** {@link viewOf}, or undefined when `value` is undefined. */
export function optionalViewOf(value: unknown, name: string, options?: ViewOfOptions): Uint8Array | undefined {
  return value === undefined ? undefined : viewOf(value, name, options);
}

/**
 * A Buffer over bytes `[start, end)` of `view` (no copy): how a result that
 * lives in a caller's memory is handed back.
 * @throws WarpdriveError `ERR_BUFFER_DETACHED` if the view's buffer was
 *   detached (or shrunk below the range) since it was checked
 */
export function bufferOf(view: Uint8Array, start: number, end: number, name = 'out'): Buffer {
  const backing = backingOf(view);
  const length = lengthOf(view);
  // (an empty range of a detached buffer too: no view of it can be made)
  if (end > length || start > end || (length === 0 && isDetached(backing))) {
    if (isDetached(backing)) throw detachedError(name);
    throw argumentError(name, `\`${name}\` no longer holds bytes ${start}..${end} (its buffer shrank)`, 'ERR_BUFFER_DETACHED');
  }
  return new FastBuffer(backing, offsetOf(view) + start, end - start);
}

/** How two views' memory relates. */
export type Overlap = 'disjoint' | 'same-start' | 'partial';

/**
 * Whether `a` and `b` share bytes. Views of different buffers never do (V8
 * does not alias backing stores core did not map itself); views of one
 * buffer compare their offsets.
 */
export function overlapOf(a: BufferInput, b: BufferInput): Overlap {
  const la = lengthOf(a);
  const lb = lengthOf(b);
  if (la === 0 || lb === 0 || backingOf(a) !== backingOf(b)) return 'disjoint';
  const oa = offsetOf(a);
  const ob = offsetOf(b);
  if (oa === ob) return 'same-start';
  return oa < ob + lb && ob < oa + la ? 'partial' : 'disjoint';
}

/** Throw `ERR_BUFFER_TOO_SMALL` unless `view` holds at least `min` bytes. */
export function requireLength(view: BufferInput, min: number, name: string): number {
  const length = lengthOf(view);
  if (length < min) {
    throw argumentError(name, `\`${name}\` must be at least ${min} bytes, got ${length}`, 'ERR_BUFFER_TOO_SMALL', { required: min, actual: length });
  }
  return length;
}
