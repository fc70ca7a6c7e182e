/**
 * Buffer addresses for descriptors, with the checks that must happen before
 * an address is handed to a device.
 */
import { WarpdriveError } from './errors.js';
import { getNative } from './native.js';

/** Anything whose memory a descriptor may reference. */
export type BufferInput = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

const detachedGetter = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached')?.get as
  | ((this: ArrayBuffer) => boolean)
  | undefined;

/**
 * True if `buffer` has been detached (transferred). Uses
 * `ArrayBuffer.prototype.detached` where the runtime has it, else the fact
 * that a detached buffer has byteLength 0 and cannot back a new view.
 */
export function isDetached(buffer: ArrayBuffer | SharedArrayBuffer): boolean {
  if (buffer.byteLength !== 0) return false;
  if (!(buffer instanceof ArrayBuffer)) return false; // SharedArrayBuffers cannot be detached
  if (detachedGetter !== undefined) return detachedGetter.call(buffer);
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

function isBufferSource(value: unknown): value is BufferInput {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer);
}

/**
 * Byte length of `value` after checking that it is a live buffer.
 *
 * @param value - the candidate buffer
 * @param name - argument name used in error messages, e.g. `dst`
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` if `value` is not an
 *   ArrayBufferView/ArrayBuffer; `ERR_BUFFER_DETACHED` if it was transferred
 */
export function checkedByteLength(value: unknown, name: string): number {
  if (!isBufferSource(value)) {
    throw new WarpdriveError(
      'ERR_INVALID_ARGUMENT',
      `\`${name}\` must be a Buffer, TypedArray, DataView or ArrayBuffer, got ${describe(value)}`,
      { details: { argument: name } },
    );
  }
  const buffer = ArrayBuffer.isView(value) ? value.buffer : value;
  if (isDetached(buffer)) {
    throw new WarpdriveError('ERR_BUFFER_DETACHED', `\`${name}\` is backed by a detached ArrayBuffer`, {
      details: { argument: name },
    });
  }
  return value.byteLength;
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

// Backing stores never move in V8, so a buffer's base address is cached as a
// Number (user VAs are < 2^47, exact in a double): no BigInt per descriptor.
const baseCache = new WeakMap<ArrayBuffer | SharedArrayBuffer, number>();

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
  const length = checkedByteLength(value, name);
  const view = value as BufferInput;
  const buffer = ArrayBuffer.isView(view) ? view.buffer : view;
  if (buffer.byteLength === 0 || length === 0) return 0;
  let base = baseCache.get(buffer);
  if (base === undefined) {
    // The addon takes ArrayBuffer or views; a SharedArrayBuffer goes through a view.
    const target = buffer instanceof ArrayBuffer ? buffer : new Uint8Array(buffer);
    base = Number(getNative().addressOf(target));
    baseCache.set(buffer, base);
  }
  return ArrayBuffer.isView(view) ? base + view.byteOffset : base;
}
