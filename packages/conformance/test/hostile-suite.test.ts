/**
 * The hostile-argument suite checked on a fake plugin whose entry points
 * misbehave on purpose: each kind of failure (a lie believed, an untyped
 * error, a hang, a write past the view, an unnamed argument, a crash of the
 * whole process) must be reported as such, a crash must not hide the cases
 * after it, and a correct entry point must pass every class.
 */
import { describe, expect, it } from 'vitest';
import { WarpdriveError } from '@warpdrive/core';
import { defineHostileSuite, trueView, type EntryPoint } from '../src/index.js';

interface Fake {
  close(): Promise<void>;
}
const DATA = Buffer.from('0123456789abcdef'.repeat(8));
const copyOf = (v: Uint8Array) => Buffer.from(v);

/** The correct way: the true bytes, typed errors naming the argument. */
function trusted(v: unknown): Uint8Array {
  const t = trueView(v);
  if (t === undefined) throw new WarpdriveError('ERR_INVALID_ARGUMENT', '`data` must be bytes', { details: { argument: 'data' } });
  return t;
}
const equal = (r: unknown, [d]: readonly unknown[]) => {
  const want = trueView(d) ?? Buffer.from(d as string);
  return Buffer.isBuffer(r) && r.equals(want) ? undefined : 'different bytes';
};
const entry = (name: string, call: (d: unknown) => unknown, now = false): EntryPoint<Fake> => ({
  name, kind: 'async', args: () => [Buffer.from(DATA)], positions: [{ kind: 'buffer', path: [0], names: ['data'] }],
  // `now`: take the bytes before returning (as a request that pins them); else read them later
  call: (_ctx, [d]) => {
    if (!now) return Promise.resolve().then(() => call(d));
    try {
      return Promise.resolve(call(d));
    } catch (err) {
      return Promise.reject(err);
    }
  },
  check: equal,
});

const getReport = defineHostileSuite<Fake>({
  plugin: 'self-test',
  file: import.meta.url,
  backends: [{ name: 'fake', open: async () => ({ close: async () => undefined }) }],
  entries: [
    entry('correct', (d) => copyOf(trusted(d)), true),
    // believes the value's own byteLength (but stays inside the buffer, so no crash)
    entry('believes byteLength', (d) => {
      const t = trusted(d);
      const claimed = (d as { byteLength?: unknown }).byteLength;
      return copyOf(t.subarray(0, typeof claimed === 'number' && claimed >= 0 ? claimed : t.length));
    }),
    entry('untyped', (d) => {
      if (ArrayBuffer.isView(d) && Object.getPrototypeOf(d) !== Buffer.prototype) throw new TypeError('plain TypeError');
      return copyOf(trusted(d));
    }),
    entry('unnamed', (d) => {
      if (trueView(d) === undefined) throw new WarpdriveError('ERR_INVALID_ARGUMENT', 'bad');
      return copyOf(trusted(d));
    }),
    entry('hangs on a Proxy', (d) => (trueView(d) === undefined && typeof d === 'object' && d !== null ? new Promise(() => undefined) : copyOf(trusted(d)))),
    entry('writes past the view', (d) => {
      const t = trusted(d);
      if (t.byteOffset + t.length < t.buffer.byteLength) new Uint8Array(t.buffer, t.byteOffset + t.length, 1)[0]! ^= 0xff;
      return copyOf(t);
    }),
    // a crash of the whole process on a detached buffer (as a use-after-free would)
    entry('crashes on a detached buffer', (d) => {
      const t = trueView(d);
      if (t !== undefined && t.length === 0 && ArrayBuffer.isView(d)) process.kill(process.pid, 'SIGSEGV');
      return copyOf(trusted(d));
    }),
  ],
  sanity: async () => undefined,
  caseMs: 1000,
}, { assert: false });

describe.skipIf(process.env.WD_HOSTILE_CHILD !== undefined)('the suite reports each failure for what it is', () => {
  const failures = (entryName: string, cls?: string) => {
    const r = getReport();
    expect(r).toBeDefined();
    return Object.entries(r!.tally.fake!).flatMap(([c, t]) => (cls === undefined || c === cls ? t!.failures.filter((f) => f.entry === entryName) : []));
  };

  it('a correct entry point passes every class', () => {
    expect(failures('correct')).toEqual([]);
    expect(getReport()!.backends.fake).toMatchObject({ sanity: 'ok' });
  });
  it('a believed lie is a wrong result', () => {
    expect(failures('believes byteLength', 'own-property').map((f) => f.code)).toContain('wrong-result');
  });
  it('an untyped error, an unnamed argument, a hang, a write past the view', () => {
    expect(failures('untyped').map((f) => f.code)).toContain('untyped');
    expect(failures('unnamed').map((f) => f.code)).toContain('unnamed');
    expect(failures('hangs on a Proxy', 'proxy').map((f) => f.code)).toContain('hang');
    expect(failures('writes past the view').map((f) => f.code)).toContain('memory');
  });
  it('a crash is recorded per case and the cases after it still run', () => {
    const crashed = failures('crashes on a detached buffer', 'detached');
    expect(crashed.length).toBeGreaterThan(1);
    expect(crashed.every((f) => f.code === 'crash')).toBe(true);
    const r = getReport()!;
    expect(r.errors).toEqual([]);
    // the classes after 'detached' ran for this entry point too
    expect(r.tally.fake!['view-kinds']!.correct).toBeGreaterThan(0);
  });
});
