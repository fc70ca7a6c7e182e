import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { native } from '../src/index.js';

const { addressOf } = native;

describe('addressOf', () => {
  it('returns the VA of the first byte, including byteOffset', () => {
    const ab = new ArrayBuffer(64);
    const base = addressOf(ab);
    expect(typeof base).toBe('bigint');
    expect(base).toBeGreaterThan(0n);
    expect(addressOf(new Uint8Array(ab))).toBe(base);
    expect(addressOf(new Uint8Array(ab, 10))).toBe(base + 10n);
    expect(addressOf(new Float64Array(ab, 16, 2))).toBe(base + 16n);
    expect(addressOf(new DataView(ab, 5))).toBe(base + 5n);
    const buf = Buffer.alloc(100);
    expect(addressOf(buf.subarray(7))).toBe(addressOf(buf) + 7n);
    const sab = new SharedArrayBuffer(16);
    expect(addressOf(new Int32Array(sab, 4))).toBeGreaterThan(0n);
  });

  it('throws a TypeError for a detached buffer', () => {
    const ab = new ArrayBuffer(8);
    const view = new Uint8Array(ab);
    structuredClone(ab, { transfer: [ab] });
    expect(() => addressOf(ab)).toThrow(TypeError);
    expect(() => addressOf(view)).toThrow(/detached/);
  });

  it('throws a TypeError for anything else', () => {
    for (const bad of [undefined, null, 1, 'x', {}, [], 1n, new SharedArrayBuffer(4)]) {
      expect(() => addressOf(bad as never)).toThrow(TypeError);
    }
  });
});

describe('arrayBufferAddress', () => {
  it("is addressOf's base address as a number, for non-shared ArrayBuffers only", () => {
    const ab = new ArrayBuffer(64);
    expect(native.arrayBufferAddress(ab)).toBe(Number(addressOf(ab)));
    const buf = Buffer.alloc(100);
    expect(native.arrayBufferAddress(buf.buffer)).toBe(Number(addressOf(buf)) - buf.byteOffset);
    for (const other of [undefined, null, 1, 'x', {}, [], new Uint8Array(4)]) {
      expect(native.arrayBufferAddress(other)).toBeUndefined();
    }
  });

  it("gives a SharedArrayBuffer's own address where Node-API reads them (Node 22+), else undefined", () => {
    const sab = new SharedArrayBuffer(16);
    const base = native.arrayBufferAddress(sab);
    if (base !== undefined) expect(base).toBe(Number(addressOf(new Uint8Array(sab))));
  });

  it('gives 0 for a detached buffer (callers refuse those before asking)', () => {
    const ab = new ArrayBuffer(8);
    structuredClone(ab, { transfer: [ab] });
    expect(native.arrayBufferAddress(ab)).toBe(0);
  });
});

describe('misc exports', () => {
  it('availableCpus, resources, path', () => {
    expect(native.availableCpus()).toBeGreaterThanOrEqual(1);
    expect(Object.keys(native.resources()).sort()).toEqual(['devices', 'fds', 'queues', 'threads']);
    expect(native.path).toMatch(/warpdrive_native\.node$/);
  });
});

describe('SoftDevice arguments', () => {
  it('validates constructor options', () => {
    const S = native.SoftDevice;
    expect(() => new S(undefined as never)).toThrow(TypeError);
    expect(() => new S(null as never)).toThrow(/options/);
    expect(() => new S({} as never)).toThrow(/options.workers is required/);
    expect(() => new S({ workers: '2' } as never)).toThrow(TypeError);
    expect(() => new S({ workers: 0 })).toThrow(RangeError);
    expect(() => new S({ workers: 257 })).toThrow(RangeError);
    expect(() => new S({ workers: 1.5 })).toThrow(/options.workers must be an integer/);
    expect(() => new S({ workers: NaN })).toThrow(RangeError);
    expect(() => new S({ workers: 1, spinMicros: -1 })).toThrow(/spinMicros/);
    expect(() => new S({ workers: 1, spinMicros: 'x' } as never)).toThrow(TypeError);
    expect(() => (S as unknown as () => void)()).toThrow(TypeError);
    expect(native.resources().threads).toBe(0);
  });

  it('validates every method', () => {
    const device = new native.SoftDevice({ workers: 1, spinMicros: 0 });
    const ok = () => {};
    expect(() => device.openQueue(undefined as never)).toThrow(TypeError);
    expect(() => device.openQueue({ onCompletion: ok } as never)).toThrow(/sqEntries is required/);
    expect(() => device.openQueue({ sqEntries: 3, onCompletion: ok })).toThrow(RangeError);
    expect(() => device.openQueue({ sqEntries: 0, onCompletion: ok })).toThrow(RangeError);
    expect(() => device.openQueue({ sqEntries: 65536, onCompletion: ok })).toThrow(RangeError);
    expect(() => device.openQueue({ sqEntries: 4 } as never)).toThrow(/onCompletion must be a function/);
    expect(() => device.openQueue({ sqEntries: 4, onCompletion: 5 } as never)).toThrow(TypeError);
    expect(() => device.loadEngine(undefined as never, 'x')).toThrow(TypeError);
    expect(() => device.loadEngine('', 'x')).toThrow(TypeError);
    expect(() => device.loadEngine('/x.so', 3 as never)).toThrow(/symbol/);
    expect(() => device.execute(undefined as never, new Uint8Array(32))).toThrow(TypeError);
    expect(() => device.execute(new Uint8Array(63), new Uint8Array(32))).toThrow(RangeError);
    expect(() => device.execute(new Uint8Array(64), new Uint8Array(31))).toThrow(/at least 32 bytes/);
    expect(() => device.execute(new Uint8Array(64), [] as never)).toThrow(TypeError);
    const q = device.openQueue({ sqEntries: 1, onCompletion: ok });
    expect(() => q.close(undefined as never)).toThrow(/onClosed/);
    const ctor = (q as unknown as { constructor: new (...a: unknown[]) => unknown }).constructor;
    expect(() => new ctor()).toThrow(/cannot be constructed directly/);
    expect(() => new ctor({})).toThrow(TypeError);
    const big = device.openQueue({ sqEntries: 32768, onCompletion: ok });
    expect(big.ring.byteLength).toBeGreaterThan(32768 * 64 + 65536 * 32);
    return Promise.all([new Promise<void>((r) => q.close(r)), new Promise<void>((r) => big.close(r))]).then(() => device.close());
  });
});

describe('receivers', () => {
  // V8 checks the receiver of prototype methods ("Illegal invocation") but
  // not of prototype accessors: a getter taken with getOwnPropertyDescriptor
  // can be called on the other class's instance. Run in a child process, as
  // type confusion here crashes.
  it('accessors called on a foreign receiver throw a TypeError, never read the wrong object', () => {
    const script = `
      const native = require(${JSON.stringify(native.path)});
      const dev = new native.SoftDevice({ workers: 1, spinMicros: 0 });
      const q = dev.openQueue({ sqEntries: 1, onCompletion() {} });
      const out = [];
      for (const [proto, others] of [[Object.getPrototypeOf(q), [dev, {}, 5, Object.getPrototypeOf(q)]], [native.SoftDevice.prototype, [q, {}, 'x', native.SoftDevice.prototype]]]) {
        for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
          if (!d.get) continue;
          for (const recv of others) {
            try { d.get.call(recv); out.push(name + ': no throw'); }
            catch (e) { out.push(name + ': ' + e.constructor.name + (/SoftQueue|SoftDevice/.test(e.message) ? '' : ' (unnamed)')); }
          }
        }
      }
      q.close(() => { dev.close(); console.log(JSON.stringify(out)); });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20000 });
    expect(r.signal).toBe(null);
    expect(r.status).toBe(0);
    const results = JSON.parse(r.stdout.trim()) as string[];
    expect(results.length).toBe(4 * 2 + 4 * 4); // ring, closed; workers, opcodes, features, closed
    for (const line of results) expect(line).toMatch(/: TypeError$/);
  });
});
