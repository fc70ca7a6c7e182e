/**
 * Reading a caller's options and lists once, as own properties only.
 *
 * `options.out` on a plain object also finds `Object.prototype.out`, so a
 * polluted prototype would steer every call; a getter may answer each read
 * differently, so a value checked on one read and used on the next is not
 * the value that was checked. {@link ownOptions} and {@link snapshotArray}
 * read each field exactly once into a null-prototype snapshot, and the
 * plugin checks and uses only that snapshot.
 */
import { WarpdriveError } from '../errors.js';
import { argumentError } from './bytes.js';
import { describeValue } from './describe.js';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Snapshots are instances of one constructor whose prototype is a frozen,
 * empty, null-prototype object: nothing can be inherited through it, and
 * unlike `Object.create(null)` objects (dictionary mode in V8) instances
 * keep a fast, shared shape per key list — the snapshot is made on every
 * call of a hot path.
 */
const Snapshot = function Snapshot(this: object) {} as unknown as new () => Record<string, unknown>;
(Snapshot as unknown as { prototype: object }).prototype = Object.freeze(Object.create(null) as object);
const EMPTY = new Map<readonly string[], Readonly<Record<string, unknown>>>();

function emptySnapshot(keys: readonly string[]): Readonly<Record<string, unknown>> {
  let empty = EMPTY.get(keys);
  if (empty === undefined) {
    const o = new Snapshot();
    for (const key of keys) o[key] = undefined;
    empty = Object.freeze(o);
    if (EMPTY.size < 256) EMPTY.set(keys, empty);
  }
  return empty;
}

function readError(name: string, err: unknown): never {
  const message = err instanceof Error ? err.message : describeValue(err);
  throw new WarpdriveError('ERR_INVALID_ARGUMENT', `reading \`${name}\` threw: ${message}`, { cause: err, details: { argument: name } });
}

/**
 * Run `read` (code that reads a caller's object: its keys, getters, Proxy
 * traps) and turn anything it throws that is not a WarpdriveError into
 * `ERR_INVALID_ARGUMENT` naming `name`, with the original as `cause`.
 */
export function guardRead<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof WarpdriveError) throw err;
    return readError(name, err);
  }
}

function isPlainCandidate(value: unknown, name: string): value is object {
  if (value === null || typeof value !== 'object') return false;
  try {
    return !Array.isArray(value) && !ArrayBuffer.isView(value);
  } catch (err) {
    return readError(name, err); // Array.isArray of a revoked Proxy throws
  }
}

/** Options of {@link ownOptions}. */
export interface OwnOptionsOptions {
  /** Accept `undefined` (and nothing else) as "no options" (default true). */
  readonly optional?: boolean;
  /** Reject own enumerable keys that are not in `keys` (default true). */
  readonly strict?: boolean;
}

/**
 * A null-prototype snapshot of the own properties `keys` of `value`, each
 * read exactly once; missing keys read `undefined`, inherited ones are
 * never seen.
 *
 * @param value - the caller's options object (a null-prototype object is fine)
 * @param name - argument name for messages, e.g. `options`
 * @param keys - the known option names
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT`: not an object (arrays and
 *   buffers included), or an unknown own key with `strict`; whatever a
 *   getter throws propagates
 */
export function ownOptions<K extends string>(
  value: unknown,
  name: string,
  keys: readonly K[],
  options?: OwnOptionsOptions,
): Readonly<Record<K, unknown>> {
  if (value === undefined && options?.optional !== false) return emptySnapshot(keys) as Readonly<Record<K, unknown>>;
  if (!isPlainCandidate(value, name)) {
    throw argumentError(name, `\`${name}\` must be an object, got ${describeValue(value)}`);
  }
  const out = new Snapshot();
  try {
    if (options?.strict !== false) {
      // for…in also walks inherited enumerable keys (a polluted prototype):
      // only own ones can be unknown options.
      for (const key in value) {
        if (!(keys as readonly string[]).includes(key) && hasOwn.call(value, key)) {
          throw argumentError(`${name}.${key}`, `\`${name}.${key}\` is not a known option (known: ${keys.join(', ')})`);
        }
      }
    }
    for (const key of keys) out[key] = hasOwn.call(value, key) ? (value as Record<K, unknown>)[key] : undefined;
  } catch (err) {
    if (err instanceof WarpdriveError) throw err;
    readError(name, err);
  }
  return out as Readonly<Record<K, unknown>>;
}

/** The own property `key` of `value` (undefined if inherited or absent), read once. */
export function ownField(value: object, key: string): unknown {
  return hasOwn.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * A copy of the array `value`, its length and every element read once.
 * @param max - longest accepted array
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` (not an array, or longer than `max`)
 */
export function snapshotArray(value: unknown, name: string, max = 0xffffffff): unknown[] {
  if (!Array.isArray(value)) throw argumentError(name, `\`${name}\` must be an array, got ${describeValue(value)}`);
  const n: unknown = value.length; // a Proxy may answer anything: checked, then used once
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) {
    throw argumentError(name, `\`${name}\` must be an array of at most ${max} entries, got length ${String(n)}`);
  }
  const copy = new Array<unknown>(n);
  for (let i = 0; i < n; i++) copy[i] = (value as unknown[])[i];
  return copy;
}

/**
 * A finite integer option in `[min, max]`, or `fallback` when undefined.
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` naming `name` and the range
 */
export function integerOption(value: unknown, name: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw argumentError(name, `\`${name}\` must be an integer between ${min} and ${max}, got ${describeValue(value)}`);
  }
  return value;
}
