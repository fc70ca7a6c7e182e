/**
 * Short, safe renderings of a caller's value for error messages. They never
 * call the value's own methods (a `toString` or `constructor` getter is
 * caller code) beyond one guarded read of `constructor.name`.
 */
import { types } from 'node:util';
import { typedArrayName, isDataView } from './intrinsics.js';

/** e.g. `null`, `string`, `number`, `Uint8Array`, `DataView`, `a Proxy`, `Array`, `Object`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value; // 'string', 'number', 'function'…
  if (types.isProxy(value)) return 'a Proxy';
  const typed = typedArrayName(value);
  if (typed !== undefined) return typed;
  if (isDataView(value)) return 'DataView';
  try {
    const proto = Object.getPrototypeOf(value) as { constructor?: unknown } | null;
    if (proto === null) return 'a null-prototype object';
    const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as { name?: unknown } | undefined;
    const name = typeof ctor === 'function' ? Object.getOwnPropertyDescriptor(ctor, 'name')?.value : undefined;
    return typeof name === 'string' && name.length > 0 ? name : 'an object';
  } catch {
    return 'an object'; // a revoked Proxy throws on getPrototypeOf
  }
}
