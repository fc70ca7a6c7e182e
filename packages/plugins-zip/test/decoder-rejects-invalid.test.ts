/**
 * Data that node:zlib rejects is rejected on every decoding path, whatever
 * the context decoded before (issue 16: `decompressSync(buf, { format:
 * 'deflate', out })` returned 3,413 bytes for a raw stream node rejects with
 * "invalid literal/length code"; without `out` only after highly
 * compressible data — the one-shot decoder, libdeflate, accepts a few
 * invalid constructs zlib does not, and the output-size guess decides
 * whether it or the zlib stream path runs).
 *
 * A differential test: every input goes to node:zlib and to each path —
 * `decompress` / `decompressSync` with and without `out`, the node and the
 * web stream, and the node:zlib facade (sync, promise, stream) — on a fresh
 * context and on a "dirty" one that decompresses 8 MiB of zeros before
 * every 16th input. Where node rejects, each path gives a typed error of the same
 * kind (corrupt vs truncated); where node accepts, the same bytes.
 * Inputs: hand-made streams of each construct libdeflate alone accepts
 * (with a valid twin each), then random bytes and valid streams at several
 * levels and strategies, bit-flipped, overwritten and truncated.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import nodeZlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWarpdriveError } from '@warpdrive/core';
import wdZlib from '../src/zlib/index.js';
import { openZip, realText, type ZipContext } from './helpers.js';

// ---- inputs ---------------------------------------------------------------

class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;
  /** `count` bits of `v`, least significant first (header fields, extra bits). */
  bits(v: number, count: number): this {
    for (let i = 0; i < count; i++) {
      this.acc |= ((v >>> i) & 1) << this.n;
      if (++this.n === 8) this.flush();
    }
    return this;
  }
  /** A Huffman codeword, most significant bit first. */
  code(c: number, len: number): this {
    for (let i = len - 1; i >= 0; i--) this.bits((c >>> i) & 1, 1);
    return this;
  }
  align(): this {
    if (this.n) this.flush();
    return this;
  }
  raw(b: Uint8Array): this {
    this.align();
    for (const x of b) this.bytes.push(x);
    return this;
  }
  done(): Buffer {
    return Buffer.from(this.align().bytes);
  }
  private flush(): void {
    this.bytes.push(this.acc);
    this.acc = 0;
    this.n = 0;
  }
}

function fixedLit(w: BitWriter, sym: number): void {
  if (sym < 144) w.code(0x30 + sym, 8);
  else if (sym < 256) w.code(0x190 + sym - 144, 9);
  else if (sym < 280) w.code(sym - 256, 7);
  else w.code(0xc0 + sym - 280, 8);
}

/** A static block: 20 × 'a', then `sym` (a length: with offset symbol `dist`), end of block. */
function staticBlock(w: BitWriter, sym: number, dist = 0): BitWriter {
  w.bits(1, 1).bits(1, 2);
  for (let i = 0; i < 20; i++) fixedLit(w, 0x61);
  fixedLit(w, sym);
  if (sym > 256) {
    w.bits(0, sym >= 265 && sym < 285 ? (sym - 261) >> 2 : 0);
    w.code(dist, 5);
    w.bits(0, dist < 4 ? 0 : dist >= 29 ? 13 : (dist - 2) >> 1);
  }
  fixedLit(w, 256);
  return w;
}

/** A stored, non-final block of `n` bytes. */
function storedBlock(w: BitWriter, n: number): BitWriter {
  w.bits(0, 1).bits(0, 2).align();
  const body = new Uint8Array(n).map((_, i) => i * 7);
  return w.raw(Uint8Array.of(n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff)).raw(body);
}

function canonical(lens: number[]): number[] {
  const count = new Array<number>(16).fill(0);
  for (const l of lens) count[l]!++;
  count[0] = 0;
  const next = new Array<number>(16).fill(0);
  for (let i = 1, c = 0; i < 16; i++) next[i] = c = (c + count[i - 1]!) << 1;
  return lens.map((l) => (l ? next[l]!++ : 0));
}

const PERM = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * A dynamic block header announcing `lit.length` / `dist.length` symbols;
 * `overrun`: the last zero run repeats that many entries past the end.
 * Returns the codes of both alphabets.
 */
function dynamicHeader(w: BitWriter, final: boolean, lit: number[], dist: number[], overrun = 0) {
  const pre = new Array<number>(19).fill(0);
  for (let i = 0; i < 14; i++) pre[i] = 4;
  pre[14] = pre[15] = pre[17] = pre[18] = 5;
  const pcode = canonical(pre);
  w.bits(final ? 1 : 0, 1).bits(2, 2).bits(lit.length - 257, 5).bits(dist.length - 1, 5).bits(15, 4);
  for (const p of PERM) w.bits(pre[p]!, 3);
  const all = [...lit, ...dist];
  for (let i = 0; i < all.length; ) {
    let run = 0;
    while (i + run < all.length && all[i + run] === 0 && run < 138) run++;
    const last = i + run === all.length;
    if (run >= 11 || (overrun && run > 0 && last)) {
      const count = Math.min(138, Math.max(11, run + (last ? overrun : 0)));
      w.code(pcode[18]!, pre[18]!).bits(count - 11, 7);
      i += run;
    } else {
      w.code(pcode[all[i]!]!, pre[all[i]!]!);
      i++;
    }
  }
  return { lc: canonical(lit), dc: canonical(dist) };
}

function lens(n: number, set: Record<number, number>): number[] {
  const l = new Array<number>(n).fill(0);
  for (const [k, v] of Object.entries(set)) l[Number(k)] = v;
  return l;
}

/** 'a' 'b' EOB and length 3 at 2 bits, offsets 1/2 at 1 bit: 'a' 'b' then a copy at distance 2. */
function dynamicCase(nlit: number, ndist: number, overrun = 0): Buffer {
  const w = new BitWriter();
  const { lc, dc } = dynamicHeader(w, true, lens(nlit, { 97: 2, 98: 2, 256: 2, 257: 2 }), lens(ndist, { 0: 1, 1: 1 }), overrun);
  return w.code(lc[97]!, 2).code(lc[98]!, 2).code(lc[257]!, 2).code(dc[1]!, 1).code(lc[256]!, 2).done();
}

interface Input {
  name: string;
  data: Buffer;
}

function handMade(): Input[] {
  const out: Input[] = [];
  for (const sym of [284, 285, 286, 287]) out.push({ name: `static litlen symbol ${sym}`, data: staticBlock(new BitWriter(), sym).done() });
  for (const d of [29, 30, 31]) {
    out.push({ name: `static offset symbol ${d} after 30000 bytes`, data: staticBlock(storedBlock(new BitWriter(), 30000), 257, d).done() });
  }
  out.push({ name: 'static offset symbol 30, no history', data: staticBlock(new BitWriter(), 257, 30).done() });
  out.push({ name: 'dynamic, 286 + 30 symbols (valid)', data: dynamicCase(286, 30) });
  out.push({ name: 'dynamic, 287 litlen symbols', data: dynamicCase(287, 30) });
  out.push({ name: 'dynamic, 288 litlen symbols', data: dynamicCase(288, 30) });
  out.push({ name: 'dynamic, 31 offset symbols', data: dynamicCase(286, 31) });
  out.push({ name: 'dynamic, 32 offset symbols', data: dynamicCase(286, 32) });
  out.push({ name: 'dynamic, zero run to the end (valid)', data: dynamicCase(258, 3) });
  out.push({ name: 'dynamic, zero run 10 past the end', data: dynamicCase(258, 3, 10) });
  out.push({ name: 'dynamic, zero run 20 past the end', data: dynamicCase(258, 3, 20) });
  {
    const w = new BitWriter();
    const { lc } = dynamicHeader(w, true, lens(257, { 97: 1, 98: 1 }), lens(2, { 0: 1, 1: 1 }));
    out.push({ name: 'dynamic, no end-of-block code', data: w.code(lc[97]!, 1).code(lc[98]!, 1).done() });
  }
  for (const bit of [0, 1]) {
    const w = new BitWriter();
    dynamicHeader(w, false, lens(257, { 256: 1 }), lens(1, {}));
    w.bits(bit, 1);
    out.push({ name: `one-codeword litlen code, codeword ${bit}`, data: staticBlock(w, 0x62).done() });
  }
  for (const bit of [0, 1]) {
    const w = new BitWriter();
    const { lc } = dynamicHeader(w, true, lens(258, { 97: 2, 98: 2, 256: 2, 257: 2 }), lens(1, { 0: 1 }));
    out.push({ name: `one-codeword offset code, codeword ${bit}`, data: w.code(lc[97]!, 2).code(lc[257]!, 2).bits(bit, 1).code(lc[256]!, 2).done() });
  }
  for (const match of [false, true]) {
    const w = new BitWriter();
    const { lc } = dynamicHeader(w, true, lens(258, { 97: 2, 98: 2, 256: 2, 257: 2 }), lens(1, {}));
    w.code(lc[97]!, 2).code(lc[98]!, 2);
    if (match) w.code(lc[257]!, 2).bits(0, 1);
    out.push({ name: `empty offset code, ${match ? 'a match' : 'literals only'}`, data: w.code(lc[256]!, 2).done() });
  }
  return out;
}

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function mutated(count: number): Input[] {
  const rnd = xorshift(0x5eed16);
  const int = (n: number) => Math.floor(rnd() * n);
  const text = realText(64 * 1024);
  const strategies = [nodeZlib.constants.Z_DEFAULT_STRATEGY, nodeZlib.constants.Z_FIXED, nodeZlib.constants.Z_HUFFMAN_ONLY, nodeZlib.constants.Z_RLE];
  const out: Input[] = [];
  for (let i = 0; i < count; i++) {
    const mode = i % 5;
    if (mode === 0) {
      out.push({ name: `random bytes #${i}`, data: Buffer.from(Array.from({ length: 1 + int(64) }, () => int(256))) });
      continue;
    }
    const start = int(text.length - 8192);
    const plain = i % 3 === 0 ? Buffer.alloc(1 + int(8192), 0x61) : text.subarray(start, start + 1 + int(8192));
    const c = Buffer.from(nodeZlib.deflateRawSync(plain, { level: int(10), strategy: strategies[int(strategies.length)]! }));
    if (mode === 1) for (let k = 0, n = 1 + int(3); k < n; k++) c[int(c.length)]! ^= 1 << int(8);
    else if (mode === 2) for (let k = 0, n = 1 + int(3); k < n; k++) c[int(c.length)] = int(256);
    const data = mode === 3 ? c.subarray(0, int(c.length)) : c;
    out.push({ name: `${['', 'bit flips', 'bytes overwritten', 'truncated', 'valid'][mode]} #${i}`, data });
  }
  return out;
}

const HAND = handMade();
const INPUTS = [...HAND, ...mutated(250)];

// ---- the reference and the paths -----------------------------------------

type Verdict = { ok: true; bytes: Buffer; trailing: boolean } | { ok: false; kind: 'corrupt' | 'truncated' };

function reference(data: Buffer): Verdict {
  try {
    const { buffer, engine } = nodeZlib.inflateRawSync(data, { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    return { ok: true, bytes: buffer, trailing: engine.bytesWritten < data.length };
  } catch (e) {
    return { ok: false, kind: (e as { code?: string }).code === 'Z_BUF_ERROR' ? 'truncated' : 'corrupt' };
  }
}

type Outcome = { ok: true; bytes: Buffer } | { ok: false; error: unknown };

async function settle(fn: () => Promise<Uint8Array> | Uint8Array): Promise<Outcome> {
  try {
    return { ok: true, bytes: Buffer.from(await fn()) };
  } catch (error) {
    return { ok: false, error };
  }
}

async function collect(stream: NodeJS.ReadWriteStream, data: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(Readable.from([data]), stream, new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(Buffer.from(chunk));
      done();
    },
  }));
  return Buffer.concat(parts);
}

async function collectWeb(stream: TransformStream<Uint8Array, Uint8Array>, data: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  const writer = stream.writable.getWriter();
  const reading = (async () => {
    for await (const chunk of stream.readable as unknown as AsyncIterable<Uint8Array>) parts.push(Buffer.from(chunk));
  })();
  const writing = (async () => {
    await writer.write(new Uint8Array(data));
    await writer.close();
  })();
  const [r, w] = await Promise.allSettled([reading, writing]);
  if (r.status === 'rejected') throw r.reason;
  if (w.status === 'rejected') throw w.reason;
  return Buffer.concat(parts);
}

const OUT_SIZE = 1 << 20;

type Path = (ctx: ZipContext, data: Buffer) => Promise<Uint8Array> | Uint8Array;
const CORE_PATHS: Record<string, Path> = {
  decompress: (ctx, d) => ctx.decompress(d, { format: 'deflate' }),
  'decompress + out': (ctx, d) => ctx.decompress(d, { format: 'deflate', out: new Uint8Array(OUT_SIZE) }),
  decompressSync: (ctx, d) => ctx.decompressSync(d, { format: 'deflate' }),
  'decompressSync + out': (ctx, d) => ctx.decompressSync(d, { format: 'deflate', out: new Uint8Array(OUT_SIZE) }),
  createDecompressStream: (ctx, d) => collect(ctx.createDecompressStream({ format: 'deflate' }), d),
  decompressionStream: (ctx, d) => collectWeb(ctx.decompressionStream({ format: 'deflate' }), d),
};
const FACADE_PATHS: Record<string, (d: Buffer) => Promise<Uint8Array> | Uint8Array> = {
  'facade inflateRawSync': (d) => wdZlib.inflateRawSync(d),
  'facade promises.inflateRaw': (d) => wdZlib.promises.inflateRaw(d),
  'facade createInflateRaw': (d) => collect(wdZlib.createInflateRaw(), d),
};

/** One line per disagreement with node (empty: all agree). */
function judge(path: string, input: Input, ref: Verdict, got: Outcome, facade: boolean): string[] {
  const where = `${path}: ${input.name}`;
  if (!ref.ok) {
    if (got.ok) return [`${where}: node rejects (${ref.kind}), got ${got.bytes.length} bytes`];
    const code = (got.error as { code?: string }).code;
    const want = facade ? (ref.kind === 'truncated' ? 'Z_BUF_ERROR' : 'Z_DATA_ERROR') : ref.kind === 'truncated' ? 'ERR_DATA_TRUNCATED' : 'ERR_DATA_CORRUPT';
    if (!facade && !isWarpdriveError(got.error)) return [`${where}: untyped error ${String(got.error)}`];
    return code === want ? [] : [`${where}: node rejects (${ref.kind}), got ${String(code)}: ${(got.error as Error).message}`];
  }
  if (got.ok) return got.bytes.equals(ref.bytes) ? [] : [`${where}: ${got.bytes.length} bytes, node ${ref.bytes.length} (different)`];
  // bytes after the end: the core API rejects them by contract, node ignores them
  if (ref.trailing && !facade && isWarpdriveError(got.error) && (got.error as { code?: string }).code === 'ERR_DATA_CORRUPT') return [];
  return [`${where}: node accepts ${ref.bytes.length} bytes, got ${String((got.error as { code?: string }).code)}: ${(got.error as Error).message}`];
}

// ---- the tests -------------------------------------------------------------

const zeros = Buffer.alloc(8 << 20);
/** Corrupt inputs do not teach the output guess, so soiling now and then keeps it high. */
const SOIL_EVERY = 16;
const zerosRaw = nodeZlib.deflateRawSync(zeros, { level: 9 });

let dirtyCtx: ZipContext;
beforeAll(async () => {
  dirtyCtx = await openZip();
});
afterAll(() => dirtyCtx?.close());

/** Highly compressible data through the context (or the facade) first. */
async function soil(ctx: ZipContext | undefined): Promise<void> {
  if (ctx) {
    expect((await ctx.decompress(zerosRaw, { format: 'deflate', maxOutputLength: 32 << 20 })).length).toBe(zeros.length);
    expect(ctx.decompressSync(zerosRaw, { format: 'deflate', maxOutputLength: 32 << 20 }).length).toBe(zeros.length);
  } else {
    expect(wdZlib.inflateRawSync(zerosRaw).length).toBe(zeros.length);
  }
}

describe('the decoder rejects what node:zlib rejects', () => {
  it('the hand-made inputs are what they claim: node rejects each invalid one and accepts each valid twin', () => {
    const verdicts = HAND.map((i) => [i.name, reference(i.data).ok] as const);
    const valid = /\(valid\)|symbol 28[45]|symbol 29 |codeword 0|literals only/;
    for (const [name, ok] of verdicts) expect([name, ok]).toEqual([name, valid.test(name)]);
    const invalid = verdicts.filter(([, ok]) => !ok).length;
    expect(invalid).toBeGreaterThanOrEqual(14);
  });

  it('the random inputs include both verdicts', () => {
    const rejected = INPUTS.filter((i) => !reference(i.data).ok).length;
    expect(rejected).toBeGreaterThan(100);
    expect(INPUTS.length - rejected).toBeGreaterThan(50);
  });

  for (const state of ['fresh', 'dirty'] as const) {
    it(`core paths agree with node on a ${state} context`, async () => {
      const problems: string[] = [];
      for (const [path, run] of Object.entries(CORE_PATHS)) {
        // fresh: a new context per path that never saw anything but these inputs
        const ctx = state === 'fresh' ? await openZip() : dirtyCtx;
        try {
          for (const [n, input] of INPUTS.entries()) {
            if (state === 'dirty' && n % SOIL_EVERY === 0) await soil(ctx);
            problems.push(...judge(`${state} ${path}`, input, reference(input.data), await settle(() => run(ctx, input.data)), false));
          }
        } finally {
          if (state === 'fresh') await ctx.close();
        }
      }
      expect(problems).toEqual([]);
    });

    it(`the node:zlib facade agrees with node (${state})`, async () => {
      const problems: string[] = [];
      for (const [path, run] of Object.entries(FACADE_PATHS)) {
        for (const [n, input] of INPUTS.entries()) {
          if (state === 'dirty' && n % SOIL_EVERY === 0) await soil(undefined);
          problems.push(...judge(`${state} ${path}`, input, reference(input.data), await settle(() => run(input.data)), true));
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('a typed error also for an invalid body inside valid zlib and gzip framing (checksums of what libdeflate alone would produce)', async () => {
    // static block, 20 × 'a' then symbol 286: libdeflate alone reads a
    // length-258 match, i.e. 278 × 'a'
    const body = staticBlock(new BitWriter(), 286).done();
    const lenient = Buffer.alloc(278, 0x61);
    const adler = nodeZlib.deflateSync(lenient).subarray(-4);
    const gzTail = nodeZlib.gzipSync(lenient).subarray(-8);
    const framed = {
      zlib: Buffer.concat([Buffer.from([0x78, 0x9c]), body, adler]),
      gzip: Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), body, gzTail]),
    };
    expect(() => nodeZlib.inflateSync(framed.zlib)).toThrow(/invalid literal\/length code/);
    expect(() => nodeZlib.gunzipSync(framed.gzip)).toThrow(/invalid literal\/length code/);
    for (const ctx of [await openZip(), dirtyCtx]) {
      if (ctx === dirtyCtx) await soil(ctx);
      for (const format of ['zlib', 'gzip', 'auto'] as const) {
        const data = format === 'zlib' ? framed.zlib : framed.gzip;
        for (const out of [undefined, new Uint8Array(OUT_SIZE)]) {
          const opts = out ? { format, out } : { format };
          expect(() => ctx.decompressSync(data, opts), format).toThrow(expect.objectContaining({ code: 'ERR_DATA_CORRUPT' }));
          await expect(ctx.decompress(data, opts), format).rejects.toMatchObject({ code: 'ERR_DATA_CORRUPT' });
        }
      }
      if (ctx !== dirtyCtx) await ctx.close();
    }
    expect(() => wdZlib.inflateSync(framed.zlib)).toThrow(expect.objectContaining({ code: 'Z_DATA_ERROR' }));
    expect(() => wdZlib.gunzipSync(framed.gzip)).toThrow(expect.objectContaining({ code: 'Z_DATA_ERROR' }));
  });
});
