/**
 * Byte lengths read through the built-in getters (%TypedArray%.prototype,
 * DataView.prototype, ArrayBuffer/SharedArrayBuffer.prototype), never through
 * `value.byteLength`: a subclass or an own property can shadow that, and
 * the engine trusts the length an SQE carries. Callers check the type first.
 */
import { types } from 'node:util';
import type { BufferInput } from '@warpdrive/core';

type Getter<T> = (this: unknown) => T;
function getter<T>(proto: object, key: string): Getter<T> {
  return Object.getOwnPropertyDescriptor(proto, key)!.get as Getter<T>;
}
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const taByteLength = getter<number>(typedArrayProto, 'byteLength');
const taByteOffset = getter<number>(typedArrayProto, 'byteOffset');
const taBuffer = getter<ArrayBuffer | SharedArrayBuffer>(typedArrayProto, 'buffer');
const dvByteLength = getter<number>(DataView.prototype, 'byteLength');
const dvByteOffset = getter<number>(DataView.prototype, 'byteOffset');
const dvBuffer = getter<ArrayBuffer | SharedArrayBuffer>(DataView.prototype, 'buffer');
const abByteLength = getter<number>(ArrayBuffer.prototype, 'byteLength');
const sabByteLength = typeof SharedArrayBuffer === 'function' ? getter<number>(SharedArrayBuffer.prototype, 'byteLength') : abByteLength;

/** The true byte length of a buffer or view. */
export function lengthOf(value: BufferInput): number {
  if (types.isTypedArray(value)) return taByteLength.call(value);
  if (types.isDataView(value)) return dvByteLength.call(value);
  return types.isSharedArrayBuffer(value) ? sabByteLength.call(value) : abByteLength.call(value);
}

/**
 * A plain Uint8Array over exactly the bytes of `value`, built from the
 * intrinsic getters (so later reads of its length or `subarray` cannot be
 * redirected by the caller's object).
 */
export function bytesOf(value: BufferInput): Uint8Array {
  if (types.isTypedArray(value)) return new Uint8Array(taBuffer.call(value), taByteOffset.call(value), taByteLength.call(value));
  if (types.isDataView(value)) return new Uint8Array(dvBuffer.call(value), dvByteOffset.call(value), dvByteLength.call(value));
  return new Uint8Array(value as ArrayBuffer);
}
