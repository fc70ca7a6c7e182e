// Hostile arguments (issue 16): values whose byteLength/byteOffset/buffer
// lie, Proxies, detached and resizable buffers, polluted prototypes, getters
// and odd option values. Each ends in the correct result or a typed error
// (WarpdriveError for the plugin, node's error shapes for the facade) —
// never bytes past a view, a hang, or an untyped TypeError.
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WarpdriveError, createContext } from '@warpdrive/core';
import wd from '../src/zlib/index.js';
import zip from '../src/index.js';
import { compressParams, decompressParams } from '../src/options.js';
import { fileContext, realText, type ZipContext } from './helpers.js';

let ctx: ZipContext;
fileContext((c) => (ctx = c));

const text = realText(20 * 1024);
const gz = zlib.gzipSync(text);

/** The error `fn` throws or its promise rejects with (fails if none). */
async function failure(fn: () => unknown): Promise<{ code?: string; details?: Record<string, unknown>; name?: string; message?: string }> {
  try {
    await fn();
  } catch (err) {
    return err as { code?: string };
  }
  throw new Error('expected a failure');
}

async function expectTyped(fn: () => unknown, code: string, argument?: string): Promise<void> {
  const err = await failure(fn);
  expect(err, String(err)).toBeInstanceOf(WarpdriveError);
  expect(err.code, String(err)).toBe(code);
  if (argument !== undefined) expect(err.details?.argument, String(err)).toBe(argument);
}

function detachedView<T>(make: (ab: ArrayBuffer) => T): T {
  const ab = new ArrayBuffer(64);
  const view = make(ab);
  structuredClone(ab, { transfer: [ab] });
  return view;
}

/** Settles within `ms` (a hang fails the test instead of timing it out). */
function within<T>(p: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`did not settle in ${ms} ms`)), ms))]);
}

/** A 64-byte buffer of 0xEE "secrets" with the real data at 16..36. */
function framed(): { ab: ArrayBuffer; truth: Buffer } {
  const ab = new ArrayBuffer(64);
  new Uint8Array(ab).fill(0xee);
  const truth = Buffer.from('twenty bytes of data');
  new Uint8Array(ab, 16, 20).set(truth);
  return { ab, truth };
}

type Lie = 'byteLength' | 'byteOffset' | 'buffer';
const LIES: Lie[] = ['byteLength', 'byteOffset', 'buffer'];
function lieValue(lie: Lie): unknown {
  return lie === 'byteLength' ? 48 : lie === 'byteOffset' ? 0 : new Uint8Array(64).fill(0xee).buffer;
}

type ViewCtor = new (ab: ArrayBuffer, offset: number, length: number) => object;
/** A subclass of `Base` whose getter `lie` answers `value`. */
function lyingClass(Base: ViewCtor, lie: Lie, value: unknown): ViewCtor {
  const Sub = class extends Base {};
  Object.defineProperty(Sub.prototype, lie, { get: () => value, configurable: true });
  return Sub;
}

/**
 * Views of 16..36 of `ab` that lie about `lie`, as an own property and
 * through a subclass getter (typed as Uint8Array for the APIs: they are not).
 */
function lyingViews(ab: ArrayBuffer, lie: Lie): [string, Uint8Array][] {
  const value = lieValue(lie);
  const own = (v: object): Uint8Array => Object.defineProperty(v, lie, { value }) as Uint8Array;
  const sub = (Base: unknown): Uint8Array => new (lyingClass(Base as ViewCtor, lie, value))(ab, 16, 20) as Uint8Array;
  return [
    ['DataView (own)', own(new DataView(ab, 16, 20))],
    ['DataView (subclass)', sub(DataView)],
    ['Int8Array (own)', own(new Int8Array(ab, 16, 20))],
    ['Int8Array (subclass)', sub(Int8Array)],
    ['Uint8Array (own)', own(new Uint8Array(ab, 16, 20))],
    ['Uint8Array (subclass)', sub(Uint8Array)],
  ];
}

const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
const Growable = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer & { grow(n: number): void };

describe('views that lie about byteLength / byteOffset / buffer: exactly the true bytes', () => {
  for (const lie of LIES) {
    it(`facade gzipSync/deflateSync/deflateRawSync and gzip(): ${lie}`, async () => {
      const { ab, truth } = framed();
      for (const [name, view] of lyingViews(ab, lie)) {
        expect(zlib.gunzipSync(wd.gzipSync(view)).equals(truth), `gzipSync ${name}`).toBe(true);
        expect(zlib.inflateSync(wd.deflateSync(view)).equals(truth), `deflateSync ${name}`).toBe(true);
        expect(zlib.inflateRawSync(wd.deflateRawSync(view)).equals(truth), `deflateRawSync ${name}`).toBe(true);
        // node:zlib on a clean copy decodes to the same bytes
        expect(zlib.gunzipSync(wd.gzipSync(view)).equals(zlib.gunzipSync(zlib.gzipSync(Buffer.from(truth)))), name).toBe(true);
        expect(zlib.gunzipSync(await wd.promises.gzip(view)).equals(truth), `gzip ${name}`).toBe(true);
      }
    });

    it(`plugin compress/decompress (sync, async, out): ${lie}`, async () => {
      const { ab, truth } = framed();
      for (const [name, view] of lyingViews(ab, lie)) {
        expect(zlib.gunzipSync(ctx.compressSync(view)).equals(truth), `compressSync ${name}`).toBe(true);
        expect(zlib.gunzipSync(await ctx.compress(view)).equals(truth), `compress ${name}`).toBe(true);
      }
      // a gzip member inside a buffer of garbage, viewed by lying views
      const member = zlib.gzipSync(truth);
      const big = new ArrayBuffer(member.length + 64);
      new Uint8Array(big).fill(0x1f);
      new Uint8Array(big, 16, member.length).set(member);
      const value = lieValue(lie) === 48 ? member.length + 40 : lieValue(lie);
      const lying = Object.defineProperty(new Uint8Array(big, 16, member.length), lie, { value });
      expect(ctx.decompressSync(lying).equals(truth)).toBe(true);
      expect((await ctx.decompress(lying)).equals(truth)).toBe(true);
      // an out that lies: the result lands in its true bytes only
      const outAb = new ArrayBuffer(4096);
      for (const [name, out] of lyingViews(outAb, lie)) {
        new Uint8Array(outAb).fill(0);
        const r = ctx.decompressSync(zlib.gzipSync(Buffer.alloc(10, 7)), { out });
        expect(r.equals(Buffer.alloc(10, 7)), name).toBe(true);
        expect(r.byteOffset, name).toBe(16);
        expect(Buffer.from(outAb, 0, 16).every((b) => b === 0), name).toBe(true);
        await expectTyped(() => ctx.decompressSync(zlib.gzipSync(Buffer.alloc(21, 7)), { out }), 'ERR_OUTPUT_TOO_SMALL', 'options.out');
      }
    });
  }

  it('a subclass lying about length, and own subarray/set/fill overrides, change nothing', async () => {
    class Long extends Uint8Array {
      override get length(): number {
        return 1 << 20;
      }
    }
    const data = new Long(text.length);
    data.set(text);
    expect(zlib.gunzipSync(ctx.compressSync(data)).equals(text)).toBe(true);
    const padded = Buffer.concat([gz, Buffer.alloc(7)]);
    const sneaky = Object.assign(new Uint8Array(padded), {
      subarray: () => new Uint8Array(8),
      set: () => undefined,
      fill: () => undefined,
    });
    // trailing zeros after a gzip member: node ignores them, and so does the facade (which slices its input)
    expect(wd.gunzipSync(sneaky).equals(text)).toBe(true);
    expect((await wd.promises.gunzip(sneaky)).equals(text)).toBe(true);
  });

  it('gzip header extra: exactly the 20 bytes given, whatever its byteLength says', async () => {
    const ab = new ArrayBuffer(64);
    new Uint8Array(ab).fill(0xee);
    const truth = Buffer.from('20 bytes of FEXTRA!!');
    new Uint8Array(ab, 0, 20).set(truth);
    class LongExtra extends Uint8Array {
      override get byteLength(): number {
        return 40;
      }
    }
    const extras = [Object.defineProperty(new Uint8Array(ab, 0, 20), 'byteLength', { value: 40 }), new LongExtra(ab, 0, 20)];
    const headerExtra = (member: Buffer): Buffer => {
      expect(member[3]! & 4).toBe(4);
      const xlen = member.readUInt16LE(10);
      return member.subarray(12, 12 + xlen);
    };
    for (const extra of extras) {
      const one = ctx.compressSync(text, { gzip: { extra } });
      expect(headerExtra(one).equals(truth)).toBe(true);
      expect(zlib.gunzipSync(one).equals(text)).toBe(true);
      const chunks: Buffer[] = [];
      const s = ctx.createCompressStream({ gzip: { extra } });
      s.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise((resolve, reject) => s.on('end', resolve).on('error', reject));
      s.end(text);
      await done;
      const streamed = Buffer.concat(chunks);
      expect(headerExtra(streamed).equals(truth)).toBe(true);
      expect(zlib.gunzipSync(streamed).equals(text)).toBe(true);
    }
    await expectTyped(() => ctx.compressSync(text, { gzip: { extra: new Proxy(new Uint8Array(4), {}) } }), 'ERR_INVALID_ARGUMENT', 'options.gzip.extra');
    await expectTyped(() => ctx.compressSync(text, { gzip: { extra: new Uint8Array(65536) } }), 'ERR_INVALID_ARGUMENT', 'options.gzip.extra');
  });
});

describe('streams with hostile chunks', () => {
  it("decompressionStream(): a chunk whose byteLength reads NaN settles (with the chunk's true bytes)", async () => {
    const ts = ctx.decompressionStream();
    const writer = ts.writable.getWriter();
    const reader = ts.readable.getReader();
    const out: Uint8Array[] = [];
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        out.push(value);
      }
    })();
    const chunk = Object.defineProperty(new Uint8Array(gz), 'byteLength', { value: NaN });
    await within(writer.write(chunk));
    await within(writer.close());
    await within(reading);
    expect(Buffer.concat(out).equals(text)).toBe(true);
  });

  it('compressionStream(): a lying chunk compresses its true bytes', async () => {
    const { ab, truth } = framed();
    for (const lie of LIES) {
      const [, view] = lyingViews(ab, lie).find(([n]) => n === 'Uint8Array (own)')!;
      const ts = ctx.compressionStream();
      const writer = ts.writable.getWriter();
      const collected = new Response(ts.readable).arrayBuffer();
      await within(writer.write(view as Uint8Array));
      await within(writer.close());
      expect(zlib.gunzipSync(Buffer.from(await collected)).equals(truth), lie).toBe(true);
    }
  });

  it('createCompressStream(): Buffer and Uint8Array chunks that lie compress their true bytes', async () => {
    const { ab, truth } = framed();
    for (const lie of LIES) {
      for (const [name, view] of lyingViews(ab, lie).filter(([n]) => n.startsWith('Uint8Array'))) {
        const s = ctx.createCompressStream();
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        const done = new Promise((resolve, reject) => s.on('end', resolve).on('error', reject));
        s.end(view);
        await within(done);
        expect(zlib.gunzipSync(Buffer.concat(chunks)).equals(truth), `${lie} ${name}`).toBe(true);
      }
    }
  });

  it('a Proxy chunk is a typed error on web and node streams', async () => {
    const ts = ctx.compressionStream();
    const writer = ts.writable.getWriter();
    void ts.readable.getReader().read().catch(() => undefined);
    const err = await failure(() => within(writer.write(new Proxy(new Uint8Array(8), {}))));
    expect(err).toBeInstanceOf(WarpdriveError);
    expect(err.code).toBe('ERR_INVALID_ARGUMENT');
    const s = ctx.createDecompressStream();
    const failed = new Promise((resolve) => s.on('error', resolve));
    s.write(new Proxy(Buffer.from(gz), {}) as unknown as Buffer);
    const e = (await within(failed)) as WarpdriveError;
    expect(e).toBeInstanceOf(WarpdriveError);
    expect(e.code).toBe('ERR_INVALID_ARGUMENT');
  });
});

describe('detached buffers → ERR_BUFFER_DETACHED', () => {
  const makers: [string, (ab: ArrayBuffer) => ArrayBufferView | ArrayBuffer][] = [
    ['Uint8Array', (ab) => new Uint8Array(ab)],
    ['Buffer', (ab) => Buffer.from(ab, 8, 16)],
    ['DataView', (ab) => new DataView(ab, 4)],
    ['ArrayBuffer', (ab) => ab],
  ];
  for (const [name, make] of makers) {
    it(`compress, decompress, their sync forms and out: ${name}`, async () => {
      await expectTyped(() => ctx.compress(detachedView(make) as Uint8Array), 'ERR_BUFFER_DETACHED', 'data');
      await expectTyped(() => ctx.compressSync(detachedView(make) as Uint8Array), 'ERR_BUFFER_DETACHED', 'data');
      await expectTyped(() => ctx.decompress(detachedView(make) as Uint8Array), 'ERR_BUFFER_DETACHED', 'data');
      await expectTyped(() => ctx.decompressSync(detachedView(make) as Uint8Array), 'ERR_BUFFER_DETACHED', 'data');
      await expectTyped(() => ctx.decompressSync(gz, { out: detachedView(make) }), 'ERR_BUFFER_DETACHED', 'options.out');
      await expectTyped(() => ctx.compress(text, { out: detachedView(make) }), 'ERR_BUFFER_DETACHED', 'options.out');
      await expectTyped(() => ctx.compressSync(text, { gzip: { extra: detachedView(make) as Uint8Array } }), name === 'Uint8Array' || name === 'Buffer' ? 'ERR_BUFFER_DETACHED' : 'ERR_INVALID_ARGUMENT', 'options.gzip.extra');
    });
  }

  it('web streams: a detached chunk', async () => {
    for (const ts of [ctx.compressionStream(), ctx.decompressionStream()]) {
      const writer = ts.writable.getWriter();
      void ts.readable.getReader().read().catch(() => undefined);
      const err = await failure(() => within(writer.write(detachedView((ab) => new Uint8Array(ab)))));
      expect(err, String(err)).toBeInstanceOf(WarpdriveError);
      expect(err.code).toBe('ERR_BUFFER_DETACHED');
    }
  });

  it('node streams: a detached chunk', async () => {
    for (const s of [ctx.createCompressStream(), ctx.createDecompressStream()]) {
      const failed = new Promise((resolve) => s.on('error', resolve));
      s.write(detachedView((ab) => Buffer.from(ab)));
      const e = (await within(failed)) as WarpdriveError;
      expect(e, String(e)).toBeInstanceOf(WarpdriveError);
      expect(e.code).toBe('ERR_BUFFER_DETACHED');
    }
  });

  it('a chunk detached right after write(), before its first engine step, is ERR_BUFFER_DETACHED', async () => {
    const s = ctx.createCompressStream();
    s.resume();
    const failed = new Promise((resolve) => s.on('error', resolve));
    const ab = new ArrayBuffer(1 << 20);
    s.write(Buffer.from(ab));
    structuredClone(ab, { transfer: [ab] });
    const e = (await within(failed)) as WarpdriveError;
    expect(e, String(e)).toBeInstanceOf(WarpdriveError);
    expect(e.code).toBe('ERR_BUFFER_DETACHED');
    expect(e.details?.argument).toBe('chunk');
  });

  it('the facade: a detached input is a typed error, never an untyped TypeError', async () => {
    for (const [, make] of makers) {
      const err = await failure(() => wd.gzipSync(detachedView(make) as Uint8Array));
      expect(err, String(err)).toBeInstanceOf(WarpdriveError);
      expect(err.code).toBe('ERR_BUFFER_DETACHED');
      const err2 = await failure(() => wd.promises.gunzip(detachedView(make) as Uint8Array));
      expect(err2.code).toBe('ERR_BUFFER_DETACHED');
    }
  });
});

describe('prototype pollution changes nothing', () => {
  const FIELDS: Record<string, unknown> = {
    format: 'deflate',
    level: 0,
    maxOutputLength: 1,
    multiMember: false,
    chunkSize: 64,
    gzip: { name: 'polluted' },
    windowBits: 9,
    memLevel: 1,
    strategy: 2,
    dictionary: Buffer.from('x'),
    info: true,
    flush: 3,
    finishFlush: 2,
    inlineBelow: 'x',
  };
  let attacker: Buffer;
  const pollute = (): void => {
    attacker = Buffer.alloc(1 << 20);
    for (const [k, v] of Object.entries({ ...FIELDS, out: attacker })) (Object.prototype as Record<string, unknown>)[k] = v;
  };
  const clean = (): void => {
    for (const k of [...Object.keys(FIELDS), 'out']) delete (Object.prototype as Record<string, unknown>)[k];
  };
  afterAll(clean);

  it('one-shot calls (sync and async), with {} and without options', async () => {
    const expected = ctx.compressSync(text, {});
    pollute();
    try {
      for (const r of [ctx.compressSync(text, {}), ctx.compressSync(text), await ctx.compress(text, {}), await ctx.compress(text)]) {
        expect(r[0]).toBe(0x1f); // gzip, not raw deflate
        expect(r.equals(expected)).toBe(true); // level 6, not 0
        expect(r.buffer).not.toBe(attacker.buffer);
      }
      for (const r of [ctx.decompressSync(gz, {}), ctx.decompressSync(gz), await ctx.decompress(gz, {}), await ctx.decompress(gz)]) {
        expect(r.equals(text)).toBe(true);
        expect(r.buffer).not.toBe(attacker.buffer);
      }
      expect(attacker.every((b) => b === 0)).toBe(true);
    } finally {
      clean();
    }
  });

  it('streams: createCompressStream({}) and compressionStream({}) stay gzip at level 6', async () => {
    pollute();
    try {
      const s = ctx.createCompressStream({});
      const chunks: Buffer[] = [];
      s.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise((resolve, reject) => s.on('end', resolve).on('error', reject));
      s.end(text);
      await within(done);
      const out = Buffer.concat(chunks);
      expect(out[0]).toBe(0x1f);
      expect(out[3]).toBe(0); // no header fields from a polluted gzip
      expect(zlib.gunzipSync(out).equals(text)).toBe(true);
      const ts = ctx.compressionStream({});
      const collected = new Response(ts.readable).arrayBuffer();
      const writer = ts.writable.getWriter();
      await writer.write(text);
      await writer.close();
      const web = Buffer.from(await collected);
      expect(web[0]).toBe(0x1f);
      expect(zlib.gunzipSync(web).equals(text)).toBe(true);
    } finally {
      clean();
    }
  });

  it('the facade: gzipSync/gunzipSync/createGzip with {} and without options', async () => {
    const expected = wd.gzipSync(text, {});
    pollute();
    try {
      expect(wd.gzipSync(text, {}).equals(expected)).toBe(true);
      expect(wd.gzipSync(text).equals(expected)).toBe(true);
      expect(wd.gunzipSync(gz, {}).equals(text)).toBe(true);
      expect((await wd.promises.gunzip(gz)).equals(text)).toBe(true);
      const s = wd.createGzip({});
      const chunks: Buffer[] = [];
      s.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise((resolve, reject) => s.on('end', resolve).on('error', reject));
      s.end(text);
      await within(done);
      expect(zlib.gunzipSync(Buffer.concat(chunks)).equals(text)).toBe(true);
      expect(attacker.every((b) => b === 0)).toBe(true);
    } finally {
      clean();
    }
  });

  it('the value cache still hits for fresh literals, polluted or not, and never for a hidden uncacheable field', () => {
    const a = compressParams({ format: 'zlib', level: 4 });
    expect(compressParams({ format: 'zlib', level: 4 })).toBe(a);
    expect(decompressParams({ format: 'gzip' })).toBe(decompressParams({ format: 'gzip' }));
    pollute();
    try {
      expect(compressParams({ format: 'zlib', level: 4 })).toBe(a);
      expect(compressParams({}).format).toBe('gzip');
      expect(compressParams({}).out).toBeUndefined();
      expect(decompressParams({}).maxOutputLength).toBeGreaterThan(1);
    } finally {
      clean();
    }
    const hidden = Object.defineProperty({ format: 'zlib' as const, level: 4 as const }, 'out', { value: Buffer.alloc(8), enumerable: false });
    expect(compressParams(hidden)).not.toBe(a);
    expect(compressParams(hidden).out).toBeDefined();
  });

  it('zip() ignores a polluted inlineBelow; the value cache ignores polluted fields', async () => {
    const first = ctx.compressSync(text, { level: 1 }); // cached entry for { level: 1 }
    pollute();
    try {
      const plugin = zip();
      expect(plugin.name).toBe('zip');
      expect(ctx.compressSync(text, { level: 1 }).equals(first)).toBe(true);
      expect(ctx.decompressSync(gz, { format: 'gzip' }).equals(text)).toBe(true);
    } finally {
      clean();
    }
  });
});

describe('options: own properties, each read once, odd values refused', () => {
  it('getters with side effects are read once (out, gzip and its fields, maxOutputLength)', async () => {
    const reads: Record<string, number> = {};
    const counted = <T>(name: string, values: T[]) => {
      reads[name] = 0;
      return () => values[Math.min(reads[name]!++, values.length - 1)]!;
    };
    const outA = Buffer.alloc(64 * 1024);
    const outB = Buffer.alloc(64 * 1024);
    const out = counted('out', [outA, outB]);
    const r1 = ctx.compressSync(text, { get out() { return out(); } });
    expect(reads.out).toBe(1);
    expect(r1.buffer).toBe(outA.buffer);
    const limit = counted('limit', [1 << 20, 1]);
    expect(ctx.decompressSync(gz, { get maxOutputLength() { return limit(); } }).equals(text)).toBe(true);
    expect(reads.limit).toBe(1);
    const name = counted('name', ['ok', 'a\0b']);
    const header = counted('gzip', [{ get name() { return name(); } }, { comment: 'x' }]);
    const r2 = ctx.compressSync(text, { get gzip() { return header(); } });
    expect(reads.gzip).toBe(1);
    expect(reads.name).toBe(1);
    expect(r2.subarray(10, 13).toString('latin1')).toBe('ok\0');
    let dateReads = 0;
    const mtime = new Date(1_700_000_000_000);
    mtime.getTime = () => (dateReads++ === 0 ? 1_700_000_000_000 : NaN);
    const r3 = ctx.compressSync(text, { gzip: { mtime } });
    expect(r3.readUInt32LE(4)).toBe(1_700_000_000);
    const level = counted('level', [1, 42]);
    const facade = wd.gzipSync(text, { get level() { return level(); } } as zlib.ZlibOptions);
    expect(reads.level).toBe(1);
    expect(zlib.gunzipSync(facade).equals(text)).toBe(true);
  });

  it('the value cache reads each own field once per call, on a hit and a miss, and a hidden out is honoured', () => {
    const reads: string[] = [];
    const target = { format: 'zlib' as const, level: 2 as const };
    const opts = new Proxy(target, {
      get(t, k, r) {
        reads.push(String(k));
        return Reflect.get(t, k, r) as unknown;
      },
    });
    for (let i = 0; i < 3; i++) expect(zlib.inflateSync(ctx.compressSync(text, opts)).equals(text)).toBe(true);
    expect(reads.filter((k) => k === 'format')).toHaveLength(3);
    expect(reads.filter((k) => k === 'level')).toHaveLength(3);
    expect(reads.filter((k) => k !== 'format' && k !== 'level')).toEqual([]);
    const out = Buffer.alloc(64 * 1024);
    let outReads = 0;
    const hidden = Object.defineProperty({ level: 2 as const }, 'out', {
      get() {
        outReads++;
        return out;
      },
      enumerable: false,
    });
    const r = ctx.compressSync(text, hidden);
    expect(outReads).toBe(1);
    expect(r.buffer).toBe(out.buffer);
  });

  it('a getter that calls back into the value cache cannot poison it', () => {
    const opts = {
      format: 'zlib' as const,
      get level(): 3 {
        ctx.compressSync(text, { format: 'gzip', level: 9 });
        return 3;
      },
    };
    expect(zlib.inflateSync(ctx.compressSync(text, opts)).equals(text)).toBe(true);
    expect(zlib.inflateSync(ctx.compressSync(text, { format: 'zlib', level: 3 })).equals(text)).toBe(true);
  });

  const BAD = [NaN, Infinity, -Infinity, -1, 1.5, 2n, '6', null, Object.create(null) as object, [], {}];
  const cases: [string, (v: unknown) => unknown, string][] = [
    ['level', (v) => ctx.compressSync(text, { level: v as 1 }), 'options.level'],
    ['maxOutputLength', (v) => ctx.decompressSync(gz, { maxOutputLength: v as number }), 'options.maxOutputLength'],
    ['chunkSize', (v) => ctx.createCompressStream({ chunkSize: v as number }), 'options.chunkSize'],
    ['multiMember', (v) => ctx.decompressSync(gz, { multiMember: v as boolean }), 'options.multiMember'],
    ['format', (v) => ctx.compressSync(text, { format: v as 'gzip' }), 'options.format'],
    ['gzip.os', (v) => ctx.compressSync(text, { gzip: { os: v as number } }), 'options.gzip.os'],
    ['gzip.mtime', (v) => ctx.compressSync(text, { gzip: { mtime: v as number } }), 'options.gzip.mtime'],
    ['gzip.name', (v) => ctx.compressSync(text, { gzip: { name: v as string } }), 'options.gzip.name'],
    ['gzip', (v) => ctx.compressSync(text, { gzip: v as object }), 'options.gzip'],
    ['out', (v) => ctx.compressSync(text, { out: v as Buffer }), 'options.out'],
    ['decompress out', (v) => ctx.decompress(gz, { out: v as Buffer }), 'options.out'],
    ['inlineBelow', (v) => zip({ inlineBelow: v as number }), 'options.inlineBelow'],
  ];
  for (const [name, call, argument] of cases) {
    it(`${name}: NaN, ±Infinity, negative, fractional, BigInt, string, null, null-prototype → ERR_INVALID_ARGUMENT`, async () => {
      for (const v of BAD) {
        if (name === 'gzip' && (v === null || typeof v !== 'object' || Array.isArray(v)) === false) continue; // {} and null-prototype {} are valid headers
        if (name === 'gzip.name' && v === '6') continue; // a valid name
        await expectTyped(() => call(v), 'ERR_INVALID_ARGUMENT', argument);
      }
    });
  }

  it('a null-prototype options object is fine; unknown keys are refused', async () => {
    const o = Object.assign(Object.create(null) as object, { format: 'zlib' as const, level: 1 as const });
    expect(zlib.inflateSync(ctx.compressSync(text, o)).equals(text)).toBe(true);
    await expectTyped(() => ctx.compressSync(text, { lvl: 1 } as object), 'ERR_INVALID_ARGUMENT', 'options.lvl');
    await expectTyped(() => ctx.compressSync(text, { gzip: { nam: 'x' } as object }), 'ERR_INVALID_ARGUMENT', 'options.gzip.nam');
  });

  it('the facade refuses odd option values the way node:zlib does', () => {
    const outcome = (fn: () => unknown): string => {
      try {
        fn();
        return 'ok';
      } catch (err) {
        return (err as { code?: string }).code ?? String(err);
      }
    };
    for (const key of ['level', 'maxOutputLength', 'chunkSize', 'memLevel']) {
      for (const v of [Infinity, -1, 2n, '6', null, Object.create(null) as object]) {
        const theirs = outcome(() => zlib.gzipSync(text, { [key]: v } as zlib.ZlibOptions));
        const ours = outcome(() => wd.gzipSync(text, { [key]: v } as zlib.ZlibOptions));
        expect(ours, `${key} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).toBe(theirs);
      }
    }
  });
});

describe('Proxies, zero-length views, resizable and growable buffers', () => {
  it('a Proxy around a typed array → ERR_INVALID_ARGUMENT (data, out) / ERR_INVALID_ARG_TYPE (facade)', async () => {
    const p = new Proxy(Buffer.from(text), {});
    await expectTyped(() => ctx.compressSync(p), 'ERR_INVALID_ARGUMENT', 'data');
    await expectTyped(() => ctx.compress(p), 'ERR_INVALID_ARGUMENT', 'data');
    await expectTyped(() => ctx.decompressSync(new Proxy(gz, {})), 'ERR_INVALID_ARGUMENT', 'data');
    await expectTyped(() => ctx.decompress(gz, { out: new Proxy(Buffer.alloc(1 << 16), {}) }), 'ERR_INVALID_ARGUMENT', 'options.out');
    expect(() => wd.gzipSync(p)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => zlib.gzipSync(p)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('zero-length views at the very end of a buffer', async () => {
    const ab = new ArrayBuffer(32);
    const emptyInput = (await failure(() => ctx.decompressSync(Buffer.alloc(0)))).code!;
    for (const end of [new Uint8Array(ab, 32, 0), new DataView(ab, 32, 0), Buffer.from(ab, 32, 0)]) {
      expect(zlib.gunzipSync(ctx.compressSync(end)).length).toBe(0);
      expect(zlib.gunzipSync(await ctx.compress(end)).length).toBe(0);
      expect(zlib.gunzipSync(wd.gzipSync(end)).length).toBe(0);
      // as an empty Buffer decompresses
      await expectTyped(() => ctx.decompressSync(end), emptyInput);
      await expectTyped(() => ctx.decompress(end), emptyInput);
      await expectTyped(() => ctx.decompressSync(end, { format: 'gzip' }), 'ERR_DATA_TRUNCATED');
      await expectTyped(() => ctx.compressSync(text, { out: end }), 'ERR_OUTPUT_TOO_SMALL', 'options.out');
      await expectTyped(() => ctx.compress(text, { out: end }), 'ERR_OUTPUT_TOO_SMALL', 'options.out');
      expect(ctx.decompressSync(zlib.gzipSync(Buffer.alloc(0)), { out: end }).length).toBe(0);
      if (end instanceof Uint8Array) expect(ctx.compressSync(text, { gzip: { extra: end } })[3]! & 4).toBe(4);
    }
  });

  it('a resizable ArrayBuffer: inline inputs work, the queue and every out refuse it', async () => {
    const rab = new Resizable(text.length, { maxByteLength: text.length * 2 });
    new Uint8Array(rab).set(text);
    for (const data of [new Uint8Array(rab), new DataView(rab), rab]) {
      expect(zlib.gunzipSync(ctx.compressSync(data)).equals(text)).toBe(true);
      await expectTyped(() => ctx.compress(data), 'ERR_INVALID_ARGUMENT', 'data');
    }
    const rgz = new Resizable(gz.length, { maxByteLength: gz.length * 2 });
    new Uint8Array(rgz).set(gz);
    expect(ctx.decompressSync(new Uint8Array(rgz)).equals(text)).toBe(true);
    await expectTyped(() => ctx.decompress(new Uint8Array(rgz)), 'ERR_INVALID_ARGUMENT', 'data');
    const rout = new Resizable(1 << 16, { maxByteLength: 1 << 17 });
    await expectTyped(() => ctx.decompressSync(gz, { out: rout }), 'ERR_INVALID_ARGUMENT', 'options.out');
    await expectTyped(() => ctx.decompress(gz, { out: new Uint8Array(rout) }), 'ERR_INVALID_ARGUMENT', 'options.out');
    await expectTyped(() => ctx.compress(text, { out: new DataView(rout) }), 'ERR_INVALID_ARGUMENT', 'options.out');
    // a view that is out of bounds after a shrink reads as empty
    const shrinking = new Resizable(64, { maxByteLength: 128 });
    const tail = new Uint8Array(shrinking, 32, 32);
    shrinking.resize(16);
    expect(zlib.gunzipSync(ctx.compressSync(tail)).length).toBe(0);
    const dv = new DataView(shrinking, 8);
    shrinking.resize(4);
    expect(zlib.gunzipSync(ctx.compressSync(dv)).length).toBe(0);
    // a length-tracking view grown after the call started is cut at the call
    const growing = new Resizable(text.length, { maxByteLength: text.length * 2 });
    new Uint8Array(growing).set(text);
    expect(zlib.gunzipSync(ctx.compressSync(new Uint8Array(growing))).equals(text)).toBe(true);
  });

  it('a growable SharedArrayBuffer works as data and out, inline and queued', async () => {
    const sab = new Growable(text.length, { maxByteLength: text.length * 4 });
    new Uint8Array(sab).set(text);
    const data = new Uint8Array(sab);
    expect(zlib.gunzipSync(ctx.compressSync(data)).equals(text)).toBe(true);
    expect(zlib.gunzipSync(await ctx.compress(data)).equals(text)).toBe(true);
    const out = new Growable(1 << 16, { maxByteLength: 1 << 18 });
    const r = await ctx.decompress(gz, { out });
    expect(r.equals(text)).toBe(true);
    out.grow(1 << 17);
    expect(ctx.decompressSync(gz, { out: new Uint8Array(out) }).equals(text)).toBe(true);
  });
});

describe('a context after the hostile cases', () => {
  let fresh: Awaited<ReturnType<typeof createContext>> | undefined;
  beforeAll(async () => {
    fresh = await createContext({ plugins: [zip()] });
  });
  afterAll(() => fresh?.close());
  it('still round-trips', async () => {
    const c = fresh as unknown as ZipContext;
    expect((await c.decompress(await c.compress(text))).equals(text)).toBe(true);
  });
});
