/**
 * Built-in getters and constructors, captured when core loads.
 *
 * Everything core and the plugins learn about a caller's buffer goes through
 * these: `value.byteLength`, `value.byteOffset`, `value.buffer` and
 * `value.length` are ordinary property reads that an own property, a
 * subclass getter or a Proxy can answer with anything, and a device trusts
 * whatever length its descriptor carries. A captured getter reads the
 * engine's internal slots, whatever the object says about itself.
 */
import { types } from 'node:util';

type Getter<T> = (this: unknown) => T;
function getter<T>(proto: object, key: PropertyKey): Getter<T> {
  return Object.getOwnPropertyDescriptor(proto, key)!.get as Getter<T>;
}
function optionalGetter<T>(proto: object | undefined, key: PropertyKey): Getter<T> | undefined {
  return proto === undefined ? undefined : (Object.getOwnPropertyDescriptor(proto, key)?.get as Getter<T> | undefined);
}

const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const taTag = getter<string | undefined>(typedArrayProto, Symbol.toStringTag);
const taBuffer = getter<ArrayBuffer | SharedArrayBuffer>(typedArrayProto, 'buffer');
const taByteOffset = getter<number>(typedArrayProto, 'byteOffset');
const taByteLength = getter<number>(typedArrayProto, 'byteLength');
const taLength = getter<number>(typedArrayProto, 'length');
const dvBuffer = getter<ArrayBuffer | SharedArrayBuffer>(DataView.prototype, 'buffer');
const dvByteOffset = getter<number>(DataView.prototype, 'byteOffset');
const dvByteLength = getter<number>(DataView.prototype, 'byteLength');
const abByteLength = getter<number>(ArrayBuffer.prototype, 'byteLength');
const sabProto = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer.prototype : undefined;
const sabByteLength = sabProto === undefined ? abByteLength : getter<number>(sabProto, 'byteLength');
const abDetached = optionalGetter<boolean>(ArrayBuffer.prototype, 'detached');
const abResizable = optionalGetter<boolean>(ArrayBuffer.prototype, 'resizable');
const sabGrowable = optionalGetter<boolean>(sabProto, 'growable');
const isView = ArrayBuffer.isView;
const { isArrayBuffer, isSharedArrayBuffer } = types;

/** The Uint8Array constructor as it was when core loaded. */
export const Uint8ArrayCtor = Uint8Array;
/**
 * Node's Buffer class proper (`Buffer[Symbol.species]`): constructing it
 * over an ArrayBuffer reads only internal slots, where `Buffer.from(ab, …)`
 * reads `ab.byteLength` as a property first.
 */
export const FastBuffer = (Buffer as unknown as { [Symbol.species]: new (b: ArrayBuffer | SharedArrayBuffer, o: number, n: number) => Buffer })[Symbol.species];

/** Anything whose memory a descriptor may reference. */
export type BufferInput = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/**
 * A fresh Uint8Array over a non-empty real TypedArray's bytes, or undefined
 * for anything else (empty and detached views included, which the caller
 * checks the slow way): the brand check and the three reads in one place,
 * for the plugin kit's hot path.
 */
export function typedArrayBytes(value: unknown): Uint8Array | undefined {
  if (taTag.call(value) === undefined) return undefined;
  const length = taByteLength.call(value);
  return length === 0 ? undefined : new Uint8ArrayCtor(taBuffer.call(value), taByteOffset.call(value), length);
}

/** A real TypedArray's backing buffer, else undefined (the brand check and the read at once). */
export function typedArrayBacking(value: unknown): ArrayBuffer | SharedArrayBuffer | undefined {
  return taTag.call(value) === undefined ? undefined : taBuffer.call(value);
}

/** Byte length of a value {@link typedArrayBacking} accepted (no brand check of its own). */
export function typedArrayLength(value: NodeJS.TypedArray): number {
  return taByteLength.call(value);
}

/** Byte offset of a value {@link typedArrayBacking} accepted (no brand check of its own). */
export function typedArrayOffset(value: NodeJS.TypedArray): number {
  return taByteOffset.call(value);
}

/** True for a real TypedArray (not a Proxy of one, whatever it claims). */
export function isTypedArray(value: unknown): value is NodeJS.TypedArray {
  return taTag.call(value) !== undefined;
}

/** True for a real DataView. */
export function isDataView(value: unknown): value is DataView {
  return isView(value) && taTag.call(value) === undefined;
}

/** True for an ArrayBuffer or SharedArrayBuffer (not a Proxy of one). */
export function isAnyArrayBuffer(value: unknown): value is ArrayBuffer | SharedArrayBuffer {
  return isArrayBuffer(value) || isSharedArrayBuffer(value);
}

/** True for anything {@link lengthOf} and friends accept. */
export function isBufferInput(value: unknown): value is BufferInput {
  return isView(value) || isAnyArrayBuffer(value);
}

/** The ArrayBuffer/SharedArrayBuffer behind `value` (itself if it is one). */
export function backingOf(value: BufferInput): ArrayBuffer | SharedArrayBuffer {
  if (taTag.call(value) !== undefined) return taBuffer.call(value);
  if (isView(value)) return dvBuffer.call(value);
  return value as ArrayBuffer | SharedArrayBuffer;
}

/**
 * A DataView's getters throw once its buffer is detached or it is out of
 * bounds (a resizable buffer shrank); a TypedArray's read 0 then: so do these.
 */
function dataViewField(get: Getter<number>, value: unknown): number {
  try {
    return get.call(value);
  } catch {
    return 0;
  }
}

/** The view's offset into its backing buffer (0 for a buffer, and once detached or out of bounds). */
export function offsetOf(value: BufferInput): number {
  if (taTag.call(value) !== undefined) return taByteOffset.call(value);
  if (isView(value)) return dataViewField(dvByteOffset, value);
  return 0;
}

/** The true byte length of a buffer or view (0 once detached or out of bounds). */
export function lengthOf(value: BufferInput): number {
  if (taTag.call(value) !== undefined) return taByteLength.call(value);
  if (isView(value)) return dataViewField(dvByteLength, value);
  return isSharedArrayBuffer(value) ? sabByteLength.call(value) : abByteLength.call(value);
}

/** Element count of a real TypedArray. */
export function elementsOf(value: NodeJS.TypedArray): number {
  return taLength.call(value);
}

/** The element type of a real TypedArray (`'Uint8Array'`…), else undefined. */
export function typedArrayName(value: unknown): string | undefined {
  return taTag.call(value);
}

/**
 * True if `buffer` has been detached (transferred). Uses
 * `ArrayBuffer.prototype.detached` where the runtime has it, else the fact
 * that a detached buffer has byteLength 0 and cannot back a new view.
 */
export function isDetached(buffer: ArrayBuffer | SharedArrayBuffer): boolean {
  if (!isArrayBuffer(buffer)) return false; // SharedArrayBuffers cannot be detached
  if (abByteLength.call(buffer) !== 0) return false;
  if (abDetached !== undefined) return abDetached.call(buffer);
  try {
    new Uint8ArrayCtor(buffer);
    return false;
  } catch {
    return true;
  }
}

/** True for a resizable ArrayBuffer (it can shrink: its pages past the new length are released). */
export function isResizable(buffer: ArrayBuffer | SharedArrayBuffer): boolean {
  return abResizable !== undefined && isArrayBuffer(buffer) && abResizable.call(buffer);
}

/** True for a growable SharedArrayBuffer (it never shrinks). */
export function isGrowable(buffer: ArrayBuffer | SharedArrayBuffer): boolean {
  return sabGrowable !== undefined && isSharedArrayBuffer(buffer) && sabGrowable.call(buffer);
}
