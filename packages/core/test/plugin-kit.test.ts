/**
 * @warpdrive/core/plugin-kit: what a caller's object says about itself never
 * changes what the kit reads, and every refusal is a typed error naming the
 * argument.
 */
import { describe, expect, it } from 'vitest';
import { isWarpdriveError } from '../src/index.js';
import {
  bufferOf, describeValue, elementsOf, integerOption, isDetached, isGrowable, isResizable, lengthOf, offsetOf, overlapOf,
  ownOptions, snapshotArray, viewOf,
} from '../src/kit/index.js';

function lie<T extends object>(target: T, props: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(props)) Object.defineProperty(target, key, { value, configurable: true });
  return target;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (!isWarpdriveError(err)) throw err;
    return err.code;
  }
  return undefined;
}

function detach(buffer: ArrayBuffer): void {
  structuredClone(buffer, { transfer: [buffer] });
}

describe('viewOf', () => {
  it('sees the true bytes of views whose byteLength, byteOffset, buffer and length lie as own properties', () => {
    const backing = new ArrayBuffer(64);
    for (const make of [
      () => new Uint8Array(backing, 8, 16),
      () => new Int8Array(backing, 8, 16),
      () => new Uint16Array(backing, 8, 8),
      () => new Float64Array(backing, 8, 2),
      () => new DataView(backing, 8, 16),
    ]) {
      const view = lie(make(), { byteLength: 1 << 20, byteOffset: 0, buffer: new ArrayBuffer(1 << 20), length: 1 << 20 });
      const v = viewOf(view, 'data');
      expect([lengthOf(v), offsetOf(v)]).toEqual([16, 8]);
      expect(Object.getPrototypeOf(v)).toBe(Uint8Array.prototype);
      expect(Object.getOwnPropertyNames(v).filter((k) => !/^\d+$/.test(k))).toEqual([]);
    }
  });

  it('sees the true bytes of a subclass whose getters lie', () => {
    class Liar extends Uint8Array {
      override get byteLength(): number {
        return 1 << 20;
      }
      override get byteOffset(): number {
        return 0;
      }
    }
    const v = viewOf(new Liar(new ArrayBuffer(32), 4, 8), 'data');
    expect([lengthOf(v), offsetOf(v)]).toEqual([8, 4]);
  });

  it('refuses Proxies, arrays, strings and plain objects with ERR_INVALID_ARGUMENT naming the argument', () => {
    for (const bad of [new Proxy(new Uint8Array(4), {}), new Proxy(new ArrayBuffer(4), {}), [1, 2], 'abc', { byteLength: 4 }, null, 1n]) {
      let err: unknown;
      try {
        viewOf(bad, 'data');
      } catch (e) {
        err = e;
      }
      expect(isWarpdriveError(err) && err.code).toBe('ERR_INVALID_ARGUMENT');
      expect((err as Error).message).toMatch(/^`data` must be a Buffer/);
      expect(isWarpdriveError(err) && err.details?.argument).toBe('data');
    }
    expect(describeValue(new Proxy(new Uint8Array(4), {}))).toBe('a Proxy');
  });

  it('refuses detached buffers and views of them with ERR_BUFFER_DETACHED', () => {
    const ab = new ArrayBuffer(8);
    const view = new Uint8Array(ab);
    detach(ab);
    expect(isDetached(ab)).toBe(true);
    expect(codeOf(() => viewOf(ab, 'out'))).toBe('ERR_BUFFER_DETACHED');
    expect(codeOf(() => viewOf(view, 'out'))).toBe('ERR_BUFFER_DETACHED');
  });

  it('accepts zero-length views at the end of a buffer, SharedArrayBuffers, and enforces maxLength', () => {
    const ab = new ArrayBuffer(16);
    expect(lengthOf(viewOf(new Uint8Array(ab, 16, 0), 'data'))).toBe(0);
    expect(lengthOf(viewOf(new SharedArrayBuffer(12), 'data'))).toBe(12);
    expect(codeOf(() => viewOf(new Uint8Array(17), 'key', { maxLength: 16 }))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('makes a fixed-length view over a resizable buffer: a later shrink cannot stretch it', () => {
    const ArrayBufferCtor = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
    const rab = new ArrayBufferCtor(32, { maxByteLength: 64 }); // Node 20+ (V8 11) has them
    expect(isResizable(rab)).toBe(true);
    const v = viewOf(new Uint8Array(rab), 'data'); // a length-tracking view, frozen at 32
    rab.resize(8);
    expect(lengthOf(v)).toBe(0); // out of bounds reads as empty, never as 32 bytes of freed pages
    expect(codeOf(() => bufferOf(v, 0, 32, 'data'))).toBe('ERR_BUFFER_DETACHED');
    expect(isGrowable(rab)).toBe(false);
  });
});

describe('bufferOf and overlapOf', () => {
  it('hands back a Buffer over the view without trusting the ArrayBuffer\'s own byteLength', () => {
    const ab = lie(new ArrayBuffer(16), { byteLength: 4 });
    const v = viewOf(new Uint8Array(ab, 2, 10), 'out');
    const b = bufferOf(v, 1, 9);
    expect(Buffer.isBuffer(b)).toBe(true);
    expect([b.byteOffset, b.byteLength]).toEqual([3, 8]);
  });

  it('reports ERR_BUFFER_DETACHED for a view detached since it was checked', () => {
    const ab = new ArrayBuffer(16);
    const v = viewOf(ab, 'out');
    detach(ab);
    expect(codeOf(() => bufferOf(v, 0, 4))).toBe('ERR_BUFFER_DETACHED');
  });

  it('tells disjoint, same-start and partial overlaps apart by the true offsets', () => {
    const ab = new ArrayBuffer(64);
    const a = new Uint8Array(ab, 0, 16);
    const b = lie(new Uint8Array(ab, 8, 16), { byteOffset: 32, buffer: new ArrayBuffer(64) });
    expect(overlapOf(a, b)).toBe('partial');
    expect(overlapOf(a, new Uint8Array(ab, 0, 4))).toBe('same-start');
    expect(overlapOf(a, new Uint8Array(ab, 16, 4))).toBe('disjoint');
    expect(overlapOf(a, new Uint8Array(16))).toBe('disjoint');
  });

  it('counts elements with the built-in getter', () => {
    expect(elementsOf(lie(new Uint32Array(8), { length: 256 }))).toBe(8);
  });
});

describe('ownOptions and snapshotArray', () => {
  it('never sees fields polluted onto Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.out = new Uint8Array(4);
    proto.level = 9;
    try {
      const o = ownOptions({ alg: 'x' }, 'options', ['alg', 'out', 'level']);
      expect(o.out).toBeUndefined();
      expect(o.level).toBeUndefined();
      expect(Object.isFrozen(Object.getPrototypeOf(o))).toBe(true);
      expect(Object.getPrototypeOf(Object.getPrototypeOf(o))).toBeNull();
      expect(Reflect.ownKeys(Object.getPrototypeOf(o))).toEqual([]);
    } finally {
      delete proto.out;
      delete proto.level;
    }
  });

  it('reads every getter exactly once', () => {
    let reads = 0;
    const o = ownOptions({ get level() { return ++reads; } }, 'options', ['level']);
    expect([o.level, o.level, reads]).toEqual([1, 1, 1]);
  });

  it('accepts null-prototype objects, refuses unknown keys and non-objects naming the path', () => {
    const bare = Object.assign(Object.create(null) as object, { level: 1 });
    expect(ownOptions(bare, 'options', ['level']).level).toBe(1);
    let err: unknown;
    try {
      ownOptions({ levle: 1 }, 'options', ['level']);
    } catch (e) {
      err = e;
    }
    expect(isWarpdriveError(err) && err.details?.argument).toBe('options.levle');
    for (const bad of [null, 1, 'x', [1], new Uint8Array(1)]) expect(codeOf(() => ownOptions(bad, 'options', ['level']))).toBe('ERR_INVALID_ARGUMENT');
    expect(ownOptions(undefined, 'options', ['level']).level).toBeUndefined();
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(codeOf(() => ownOptions(proxy, 'options', ['level']))).toBe('ERR_INVALID_ARGUMENT');
    const throwing = { get level(): number { throw new RangeError('no'); } };
    expect(codeOf(() => ownOptions(throwing, 'options', ['level']))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('copies an array once: an element getter cannot answer differently later', () => {
    const ivs: unknown[] = [new Uint8Array(12), undefined];
    let n = 0;
    Object.defineProperty(ivs, 1, { get: () => (n++ === 0 ? new Uint8Array(12).fill(1) : ivs[0]) });
    const copy = snapshotArray(ivs, 'ivs');
    expect(copy[1]).toBe(copy[1]);
    expect(n).toBe(1);
    expect(codeOf(() => snapshotArray(new Uint8Array(2), 'ivs'))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => snapshotArray([1, 2, 3], 'ivs', 2))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('integerOption refuses NaN, Infinity, fractions, negatives, BigInt and strings', () => {
    for (const bad of [Number.NaN, Infinity, 1.5, -1, 3n, '3']) expect(codeOf(() => integerOption(bad, 'level', 0, 9))).toBe('ERR_INVALID_ARGUMENT');
    expect(integerOption(undefined, 'level', 0, 9, 6)).toBe(6);
  });
});
