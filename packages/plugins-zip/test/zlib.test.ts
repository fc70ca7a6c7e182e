/**
 * The facade against node:zlib: the same calls on both modules must decode
 * to the same bytes and fail with the same error `code`s.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import nodeZlibDefault, * as nodeZlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import wdZlib, * as wd from '../src/zlib/index.js';

type Z = typeof wdZlib;
const node = nodeZlib as unknown as Z;

/** Deterministic, compressible-but-not-trivial text (xorshift-picked words). */
function text(bytes: number, seed = 1): Buffer {
  const words = ['static', 'int', 'return', 'struct', 'void', '{', '}', 'if', '(err)', 'goto', 'out;', '\n', 'kfree(p);', '0x1f'];
  let x = seed;
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    const w = words[x % words.length]!;
    parts.push(w, ' ');
    n += w.length + 1;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}
function random(bytes: number, seed = 7): Buffer {
  const out = Buffer.alloc(bytes);
  let x = seed;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** What a call produced: the output bytes, or the error's class and code. */
type Outcome = { ok: Buffer } | { error: string; code: unknown; errno?: unknown };
function outcome(fn: () => Buffer): Outcome {
  try {
    return { ok: fn() };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { error: e.constructor.name, code: e.code, ...(e.errno === undefined ? {} : { errno: e.errno }) };
  }
}
async function outcomeAsync(fn: () => Promise<Buffer>): Promise<Outcome> {
  try {
    return { ok: await fn() };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { error: e.constructor.name, code: e.code, ...(e.errno === undefined ? {} : { errno: e.errno }) };
  }
}
function viaCallback(z: Z, name: 'gunzip' | 'inflate' | 'inflateRaw' | 'unzip' | 'gzip', input: unknown, options: object): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    (z[name] as (b: unknown, o: object, cb: (e: Error | null, r: Buffer) => void) => void)(input, options, (e, r) => (e ? reject(e) : resolve(r)));
  });
}

const sample = text(100_000);
const gz = nodeZlib.gzipSync(sample);
const zl = nodeZlib.deflateSync(sample);
const raw = nodeZlib.deflateRawSync(sample);
const flip = (b: Buffer, at: number): Buffer => {
  const c = Buffer.from(b);
  c[at < 0 ? c.length + at : at]! ^= 0xff;
  return c;
};

describe('one-shot round trips decode like node:zlib', () => {
  const inputs: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['text 100 KB', sample],
    ['random 300 KB', random(300_000)],
  ];
  const pairs = [
    ['gzipSync', 'gunzipSync'],
    ['deflateSync', 'inflateSync'],
    ['deflateRawSync', 'inflateRawSync'],
    ['gzipSync', 'unzipSync'],
    ['deflateSync', 'unzipSync'],
  ] as const;
  for (const [label, input] of inputs) {
    for (const [c, d] of pairs) {
      for (const level of [0, 1, 6, 9, -1]) {
        it(`${c}(${label}, level ${level}) decodes with node ${d}, and node's output decodes with ours`, () => {
          const ours = wd[c](input, { level });
          expect(Buffer.isBuffer(ours)).toBe(true);
          expect(node[d](ours).equals(input)).toBe(true);
          expect(wd[d](nodeZlib[c](input, { level })).equals(input)).toBe(true);
        });
      }
    }
  }

  it('decodes concatenated gzip members like gunzip', () => {
    const two = Buffer.concat([nodeZlib.gzipSync('abc'), nodeZlib.gzipSync('def')]);
    expect(wd.gunzipSync(two).toString()).toBe(nodeZlib.gunzipSync(two).toString());
  });

  it('accepts every input type node accepts', () => {
    const u8 = new Uint8Array(sample);
    const inputs: unknown[] = [
      'hello ✓ world',
      u8,
      new Uint16Array(u8.buffer, u8.byteOffset, 1000),
      new DataView(u8.buffer, u8.byteOffset + 3, 500),
      u8.buffer.slice(u8.byteOffset, u8.byteOffset + 2000),
    ];
    for (const input of inputs) {
      const expected = nodeZlib.gunzipSync(nodeZlib.gzipSync(input as Buffer));
      expect(nodeZlib.gunzipSync(wd.gzipSync(input as Buffer)).equals(expected)).toBe(true);
    }
  });
});

describe('errors carry node:zlib codes', () => {
  const cases: Array<[string, (z: Z) => Buffer]> = [
    ['gunzip of garbage', (z) => z.gunzipSync(Buffer.from('definitely not gzip'))],
    ['gunzip of zlib data (wrong format)', (z) => z.gunzipSync(zl)],
    ['inflate of gzip data (wrong format)', (z) => z.inflateSync(gz)],
    ['unzip of raw deflate', (z) => z.unzipSync(raw)],
    ['gunzip with a bad CRC', (z) => z.gunzipSync(flip(gz, -6))],
    ['inflate with a bad Adler-32', (z) => z.inflateSync(flip(zl, -1))],
    ['gunzip of a truncated member', (z) => z.gunzipSync(gz.subarray(0, gz.length - 5))],
    ['gunzip cut in the header', (z) => z.gunzipSync(gz.subarray(0, 5))],
    ['gunzip cut mid-stream', (z) => z.gunzipSync(gz.subarray(0, gz.length >> 1))],
    ['inflate cut mid-stream', (z) => z.inflateSync(zl.subarray(0, zl.length >> 1))],
    ['inflateRaw cut mid-stream', (z) => z.inflateRawSync(raw.subarray(0, raw.length >> 1))],
    ['gunzip of empty input', (z) => z.gunzipSync(Buffer.alloc(0))],
    ['inflate of empty input', (z) => z.inflateSync(Buffer.alloc(0))],
    ['inflateRaw of empty input', (z) => z.inflateRawSync(Buffer.alloc(0))],
    ['unzip of empty input', (z) => z.unzipSync(Buffer.alloc(0))],
    ['gunzip with trailing garbage', (z) => z.gunzipSync(Buffer.concat([gz, Buffer.from('garbage')]))],
    ['gunzip with trailing zero padding', (z) => z.gunzipSync(Buffer.concat([gz, Buffer.alloc(16)]))],
    ['inflate with trailing garbage', (z) => z.inflateSync(Buffer.concat([zl, Buffer.from('garbage')]))],
    ['inflateRaw with trailing garbage', (z) => z.inflateRawSync(Buffer.concat([raw, Buffer.from('garbage')]))],
    ['gunzip beyond maxOutputLength', (z) => z.gunzipSync(gz, { maxOutputLength: 1000 })],
    ['inflate within maxOutputLength', (z) => z.inflateSync(zl, { maxOutputLength: sample.length })],
    ['gzip beyond maxOutputLength', (z) => z.gzipSync(sample, { maxOutputLength: 10 })],
    ['gzip of a number', (z) => z.gzipSync(123 as never)],
    ['gzip of an object', (z) => z.gzipSync({} as never)],
    ['gzip with level 42', (z) => z.gzipSync(sample, { level: 42 })],
    ['gzip with level "1"', (z) => z.gzipSync(sample, { level: '1' as never })],
    ['gzip with chunkSize 10', (z) => z.gzipSync(sample, { chunkSize: 10 })],
    ['gzip with windowBits 3', (z) => z.gzipSync(sample, { windowBits: 3 })],
    ['gzip with strategy 9', (z) => z.gzipSync(sample, { strategy: 9 })],
    ['gunzip with maxOutputLength 0', (z) => z.gunzipSync(gz, { maxOutputLength: 0 })],
    ['deflate with a dictionary of the wrong type', (z) => z.deflateSync(sample, { dictionary: 5 as never })],
    ['options that are not an object are ignored', (z) => z.gunzipSync(z.gzipSync(sample, 5 as never))],
  ];
  for (const [name, call] of cases) {
    it(`${name}: same outcome as node:zlib`, () => {
      const expected = outcome(() => call(node));
      const actual = outcome(() => call(wdZlib));
      if ('ok' in expected) {
        expect(actual).toHaveProperty('ok');
        expect((actual as { ok: Buffer }).ok.equals(expected.ok)).toBe(true);
      } else {
        expect(actual).toEqual(expected);
      }
    });
  }

  it('keeps the WarpdriveError as cause of a mapped data error', () => {
    try {
      wd.gunzipSync(flip(gz, -6));
      expect.unreachable();
    } catch (err) {
      expect((err as Error & { cause: { name: string; code: string } }).cause).toMatchObject({ name: 'WarpdriveError', code: 'ERR_DATA_CORRUPT' });
    }
  });

  it('rejects options node accepts but the engines do not implement, with ERR_INVALID_ARG_VALUE', () => {
    const bad: object[] = [
      { windowBits: 9 },
      { memLevel: 9 },
      { strategy: nodeZlib.constants.Z_HUFFMAN_ONLY },
      { dictionary: Buffer.from('dict') },
      { info: true },
      { finishFlush: nodeZlib.constants.Z_SYNC_FLUSH },
    ];
    for (const options of bad) {
      expect(() => wd.deflateSync(sample, options), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    }
    // node's own defaults, spelled out, are fine
    const defaults = { windowBits: 15, memLevel: 8, strategy: 0, finishFlush: nodeZlib.constants.Z_FINISH, level: -1 };
    expect(nodeZlib.inflateSync(wd.deflateSync(sample, defaults)).equals(sample)).toBe(true);
    expect(wd.inflateSync(zl, { windowBits: 0 }).equals(sample)).toBe(true);
  });
});

describe('callback and promise forms', () => {
  const asyncCases: Array<[string, (z: Z) => Promise<Buffer>]> = [
    ['gzip then gunzip', async (z) => viaCallback(z, 'gunzip', await viaCallback(z, 'gzip', sample, { level: 1 }), {})],
    ['gunzip of garbage', (z) => viaCallback(z, 'gunzip', Buffer.from('xx'), {})],
    ['gunzip truncated', (z) => viaCallback(z, 'gunzip', gz.subarray(0, 100), {})],
    ['inflateRaw truncated', (z) => viaCallback(z, 'inflateRaw', raw.subarray(0, 100), {})],
    ['unzip beyond maxOutputLength', (z) => viaCallback(z, 'unzip', zl, { maxOutputLength: 5 })],
    ['inflate with trailing garbage', (z) => viaCallback(z, 'inflate', Buffer.concat([zl, Buffer.from('!!')]), {})],
  ];
  for (const [name, call] of asyncCases) {
    it(`${name}: same outcome through the callback form`, async () => {
      const expected = await outcomeAsync(() => call(node));
      const actual = await outcomeAsync(() => call(wdZlib));
      if ('ok' in expected) expect((actual as { ok: Buffer }).ok.equals(expected.ok)).toBe(true);
      else expect(actual).toEqual(expected);
    });
  }

  it('accepts (buffer, callback) without options and calls back asynchronously', async () => {
    let sync = true;
    const out = await new Promise<Buffer>((resolve, reject) => {
      wd.deflate('abc', (err, r) => {
        expect(sync).toBe(false);
        if (err) reject(err);
        else resolve(r);
      });
      sync = false;
    });
    expect(nodeZlib.inflateSync(out).toString()).toBe('abc');
  });

  it('throws synchronously, like node, on a missing callback or a bad buffer', () => {
    for (const z of [node, wdZlib]) {
      expect(() => (z.gzip as unknown as (b: unknown) => void)(sample)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      expect(() => z.gzip(42 as never, () => {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    }
  });

  it('util.promisify(gzip) and promises.* return Buffers and reject with node codes', async () => {
    const gzipAsync = promisify(wd.gzip);
    const out = await gzipAsync(sample);
    expect(nodeZlib.gunzipSync(out).equals(sample)).toBe(true);
    expect((await wd.promises.inflateRaw(nodeZlib.deflateRawSync('hi'))).toString()).toBe('hi');
    await expect(wd.promises.gunzip(Buffer.from('nope'))).rejects.toMatchObject({ code: 'Z_DATA_ERROR', errno: -3 });
    await expect(wd.promises.gunzip(gz.subarray(0, 50))).rejects.toMatchObject({ code: 'Z_BUF_ERROR', errno: -5, message: 'unexpected end of file' });
    await expect(wd.promises.gunzip(gz, { maxOutputLength: 10 })).rejects.toMatchObject({ name: 'RangeError', code: 'ERR_BUFFER_TOO_LARGE' });
  });

  it('re-exports node constants and codes', () => {
    expect(wd.constants.Z_BEST_SPEED).toBe(1);
    expect(wdZlib.constants).toBe(nodeZlib.constants);
    expect(wd.codes.Z_DATA_ERROR).toBe(-3);
    // legacy top-level constants of the default export (zlib.Z_SYNC_FLUSH)
    const legacy = (z: object): unknown => (z as Record<string, unknown>).Z_SYNC_FLUSH;
    expect(legacy(wdZlib)).toBe(legacy(nodeZlibDefault));
    expect(Object.keys(wdZlib)).not.toContain('Z_SYNC_FLUSH');
  });
});

async function collect(stream: NodeJS.ReadableStream | Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}
async function through(transform: NodeJS.ReadWriteStream, data: Buffer, size = 7000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  await pipeline(chunked(data, size), transform, sink);
  return Buffer.concat(chunks);
}
async function streamOutcome(fn: () => Promise<Buffer>): Promise<Outcome> {
  return outcomeAsync(fn);
}

describe('streams through pipeline()', () => {
  const big = Buffer.concat([text(600_000, 3), random(200_000)]);
  const modes = [
    ['createGzip', 'createGunzip', 'gunzipSync'],
    ['createDeflate', 'createInflate', 'inflateSync'],
    ['createDeflateRaw', 'createInflateRaw', 'inflateRawSync'],
    ['createGzip', 'createUnzip', 'unzipSync'],
  ] as const;
  for (const [c, d, dSync] of modes) {
    it(`${c} → node ${dSync}, and node ${c} → ${d}`, async () => {
      const ours = await through(wd[c]({ level: 1, chunkSize: 4096 }), big);
      expect(nodeZlib[dSync](ours).equals(big)).toBe(true);
      const back = await through(wd[d](), await through(nodeZlib[c](), big), 1000);
      expect(back.equals(big)).toBe(true);
    });
  }

  const streamErrors: Array<[string, (z: Z) => Promise<Buffer>]> = [
    ['corrupt gzip stream', (z) => through(z.createGunzip(), flip(gz, 20))],
    ['truncated gzip stream', (z) => through(z.createGunzip(), gz.subarray(0, gz.length - 3))],
    ['gzip data into createInflate', (z) => through(z.createInflate(), gz)],
    ['bad CRC', (z) => through(z.createGunzip(), flip(gz, -6))],
  ];
  for (const [name, call] of streamErrors) {
    it(`${name}: pipeline() rejects with node's code`, async () => {
      const expected = await streamOutcome(() => call(node));
      const actual = await streamOutcome(() => call(wdZlib));
      expect(actual).toEqual(expected);
    });
  }

  it('validates stream options like node', () => {
    for (const z of [node, wdZlib]) {
      expect(() => z.createGzip({ level: 10 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => z.createGzip({ chunkSize: 1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    }
  });

  it('accepts the flush options HTTP clients pass to decompression streams (node-fetch style)', async () => {
    const lenient = { flush: nodeZlib.constants.Z_SYNC_FLUSH };
    expect((await through(wd.createGunzip(lenient), gz)).equals(sample)).toBe(true);
    expect((await through(wd.createUnzip({ flush: nodeZlib.constants.Z_FULL_FLUSH }), zl)).equals(sample)).toBe(true);
    // ...but not what would need partial output of truncated data, or per-write flushes when compressing
    expect(() => wd.createGunzip({ finishFlush: nodeZlib.constants.Z_SYNC_FLUSH })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => wd.createGzip({ flush: nodeZlib.constants.Z_SYNC_FLUSH })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('params() and reset() say they are not implemented', () => {
    const s = wd.createDeflate();
    expect(() => s.params(1, 0, () => {})).toThrow(expect.objectContaining({ code: 'ERR_METHOD_NOT_IMPLEMENTED' }));
    expect(() => s.reset()).toThrow(expect.objectContaining({ code: 'ERR_METHOD_NOT_IMPLEMENTED' }));
    s.close();
  });

  it('maps a stream error to node\'s shape with the WarpdriveError as cause', async () => {
    const err = (await through(wd.createInflate(), gz).catch((e: unknown) => e)) as Error & { code: string; cause: { name: string } };
    expect(err.code).toBe('Z_DATA_ERROR');
    expect(err.cause.name).toBe('WarpdriveError');
  });

  it('flush() emits everything written so far as a decodable prefix', async () => {
    const gzipStream = wd.createGzip();
    const out: Buffer[] = [];
    gzipStream.on('data', (c: Buffer) => out.push(c));
    gzipStream.write(Buffer.from('first part;'));
    await new Promise<void>((resolve) => gzipStream.flush(() => resolve()));
    const partial = nodeZlib.gunzipSync(Buffer.concat(out), { finishFlush: nodeZlib.constants.Z_SYNC_FLUSH });
    expect(partial.toString()).toBe('first part;');
    gzipStream.end('second');
    await new Promise((resolve) => gzipStream.on('end', resolve));
    expect(nodeZlib.gunzipSync(Buffer.concat(out)).toString()).toBe('first part;second');
    expect(gzipStream.bytesWritten).toBe(17);
  });
});

describe('switching by changing one import', () => {
  /** A small "app" written against node:zlib's API surface. */
  async function app(z: Z): Promise<string[]> {
    const log: string[] = [];
    const body = Buffer.from(JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => ({ i, name: `item-${i}` })) }));
    const gzipped = z.gzipSync(body, { level: z.constants.Z_BEST_SPEED });
    log.push(z.gunzipSync(gzipped).toString() === body.toString() ? 'sync ok' : 'sync bad');
    const deflated = await promisify(z.deflate)(body);
    log.push((await promisify(z.unzip)(deflated)).equals(body) ? 'promisify ok' : 'promisify bad');
    const streamed = await collect(Readable.from([body]).pipe(z.createGzip()).pipe(z.createGunzip()));
    log.push(streamed.equals(body) ? 'stream ok' : 'stream bad');
    try {
      z.inflateSync(Buffer.from('not zlib'));
    } catch (err) {
      log.push(`error ${(err as NodeJS.ErrnoException).code}`);
    }
    return log;
  }

  it('gives the same results with node:zlib and the facade', async () => {
    const expected = await app(node);
    expect(expected).toEqual(['sync ok', 'promisify ok', 'stream ok', 'error Z_DATA_ERROR']);
    expect(await app(wdZlib)).toEqual(expected);
  });
});
