/**
 * @warpdrive/conformance: the shared plugin conformance suite.
 *
 * A plugin's test file describes its plugin once — how to open a context on
 * each backend it supports, its forward/inverse operations, known-answer
 * vectors, bad inputs with their expected error codes, a streaming form and
 * a concurrent workload — and calls {@link defineConformanceSuite}, which
 * registers the same vitest suites for every plugin (zip, crypto, third
 * parties) on every backend:
 *
 * - round trip: inverse(forward(x)) = x for every case, async and sync;
 * - known vectors: forward(input) (or a custom run) equals the expected bytes;
 * - bad input: every case rejects with a WarpdriveError of the given code
 *   (never a crash, hang or silently short result);
 * - streaming: the stream form, fed in many small writes, agrees with the
 *   one-shot inverse, and a stream destroyed mid-way releases its resources;
 * - concurrency: many requests in flight across several queues agree with
 *   the sequential results.
 *
 * It imports `describe`/`it`/`expect` from vitest (a peer dependency), so
 * call it from a vitest test file.
 */
import { Readable, Writable, pipeline, type Duplex } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inCi, needs } from '../needs.js';

const pipelineAsync = promisify(pipeline);

/** What the suite needs from a context: `close()` (plugins' methods are used by the callbacks). */
export interface Closable {
  close(): Promise<void>;
}

/** One backend to run the suite on, e.g. `{ name: 'soft', open: () => createContext(...) }`. */
export interface Backend<C extends Closable> {
  readonly name: string;
  /** Open a context on this backend (`queues` for the concurrency suite). */
  open(options?: { readonly queues?: number; readonly workers?: number }): Promise<C>;
  /**
   * Skip this backend (e.g. no /dev/wd_soft-0 here): the reason. Under CI
   * (`CI` set) the backend's suite fails with this reason instead.
   */
  readonly skip?: string;
}

/** A forward/inverse pair (compress/decompress, encrypt/decrypt...). */
export interface RoundTrip<C, O> {
  /** Cases: input bytes and the options passed to both directions. */
  readonly cases: readonly { readonly name: string; readonly input: Uint8Array; readonly options?: O }[];
  forward(ctx: C, input: Uint8Array, options: O | undefined): Promise<Uint8Array>;
  inverse(ctx: C, output: Uint8Array, options: O | undefined): Promise<Uint8Array>;
  forwardSync?(ctx: C, input: Uint8Array, options: O | undefined): Uint8Array;
  inverseSync?(ctx: C, output: Uint8Array, options: O | undefined): Uint8Array;
}

/** A known-answer vector. */
export interface Vector<C> {
  readonly name: string;
  run(ctx: C): Promise<Uint8Array> | Uint8Array;
  readonly expected: Uint8Array;
}

/** A bad input and the error it must produce. */
export interface BadInput<C> {
  readonly name: string;
  run(ctx: C): Promise<unknown> | unknown;
  /** Expected `WarpdriveError.code`. */
  readonly code: string;
  /** Expected subset of `error.details` (e.g. `{ reason: 'checksum' }`). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Upper bound in ms (e.g. a decompression bomb must stop early). */
  readonly withinMs?: number;
}

/** The streaming form of the forward operation. */
export interface Streaming<C> {
  /** A node:stream Duplex that transforms like `forward`. */
  create(ctx: C): Duplex;
  /** Check the stream's whole output: returns the original input. */
  inverse(ctx: C, output: Uint8Array): Promise<Uint8Array>;
  readonly input: Uint8Array;
  /** Write sizes to cycle through (default [1, 7, 100, 4096]). */
  readonly writeSizes?: readonly number[];
  /** Resources still held by unfinished streams (e.g. engine stream count). */
  live?(ctx: C): Promise<number>;
}

/** Many requests in flight. */
export interface Concurrency<C> {
  /** Requests to start at once (default 64). */
  readonly inFlight?: number;
  /** Queues to open (default 4). */
  readonly queues?: number;
  /** Request i; resolves to a result compared with the sequential run. */
  run(ctx: C, i: number): Promise<Uint8Array>;
}

/** Everything the suite checks for one plugin. */
export interface ConformanceTarget<C extends Closable, O = unknown> {
  /** Plugin name for the suite titles. */
  readonly plugin: string;
  readonly backends: readonly Backend<C>[];
  readonly roundTrip?: RoundTrip<C, O>;
  readonly vectors?: readonly Vector<C>[];
  readonly badInput?: readonly BadInput<C>[];
  readonly streaming?: Streaming<C>;
  readonly concurrency?: Concurrency<C>;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function hex(a: Uint8Array, max = 32): string {
  return Buffer.from(a.buffer, a.byteOffset, Math.min(a.byteLength, max)).toString('hex');
}

/** Settle `fn()` (sync throw or rejection) into the error, or fail if it succeeded. */
async function errorOf(fn: () => Promise<unknown> | unknown): Promise<{ code?: unknown; details?: Record<string, unknown>; name?: unknown }> {
  try {
    await fn();
  } catch (err) {
    return err as { code?: unknown; details?: Record<string, unknown> };
  }
  throw new Error('expected an error, but the operation succeeded');
}

function roundTripSuite<C extends Closable, O>(get: () => C, rt: RoundTrip<C, O>): void {
  describe('round trip', () => {
    for (const c of rt.cases) {
      it(`${c.name}: inverse(forward(x)) = x (async)`, async () => {
        const out = await rt.forward(get(), c.input, c.options);
        const back = await rt.inverse(get(), out, c.options);
        expect(back.byteLength).toBe(c.input.byteLength);
        expect(equalBytes(back, c.input)).toBe(true);
      });
      if (rt.forwardSync !== undefined && rt.inverseSync !== undefined) {
        it(`${c.name}: sync forms agree with the async ones`, async () => {
          const out = rt.forwardSync!(get(), c.input, c.options);
          expect(equalBytes(rt.inverseSync!(get(), out, c.options), c.input)).toBe(true);
          expect(equalBytes(await rt.inverse(get(), out, c.options), c.input)).toBe(true);
        });
      }
    }
  });
}

function vectorSuite<C extends Closable>(get: () => C, vectors: readonly Vector<C>[]): void {
  describe('known vectors', () => {
    for (const v of vectors) {
      it(v.name, async () => {
        const got = await v.run(get());
        expect(hex(got, 1 << 20)).toBe(hex(v.expected, 1 << 20));
      });
    }
  });
}

function badInputSuite<C extends Closable>(get: () => C, cases: readonly BadInput<C>[]): void {
  describe('bad input → typed error', () => {
    for (const b of cases) {
      it(`${b.name} → ${b.code}`, async () => {
        const t0 = performance.now();
        const err = await errorOf(() => b.run(get()));
        const ms = performance.now() - t0;
        expect((err as Error).name, String(err)).toBe('WarpdriveError');
        expect(err.code, String(err)).toBe(b.code);
        if (b.details !== undefined) expect(err.details).toMatchObject(b.details);
        if (b.withinMs !== undefined) expect(ms).toBeLessThan(b.withinMs);
      });
    }
  });
}

function chunked(input: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0, i = 0; off < input.byteLength; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(input.subarray(off, off + n));
    off += n;
  }
  return out;
}

function streamingSuite<C extends Closable>(get: () => C, s: Streaming<C>): void {
  describe('streaming', () => {
    it('many small writes produce the same data as the one-shot inverse', async () => {
      const parts: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          parts.push(chunk);
          cb();
        },
      });
      await pipelineAsync(Readable.from(chunked(s.input, s.writeSizes ?? [1, 7, 100, 4096])), s.create(get()), sink);
      const back = await s.inverse(get(), Buffer.concat(parts));
      expect(equalBytes(back, s.input)).toBe(true);
    });

    it('respects backpressure: a slow reader bounds what is buffered', async () => {
      const stream = s.create(get());
      let maxBuffered = 0;
      const parts: Buffer[] = [];
      const sink = new Writable({
        highWaterMark: 1,
        write(chunk: Buffer, _enc, cb) {
          parts.push(chunk);
          maxBuffered = Math.max(maxBuffered, stream.readableLength);
          setTimeout(cb, 1);
        },
      });
      await pipelineAsync(Readable.from(chunked(s.input, [65536])), stream, sink);
      expect(equalBytes(await s.inverse(get(), Buffer.concat(parts)), s.input)).toBe(true);
      expect(maxBuffered).toBeLessThanOrEqual(stream.readableHighWaterMark + 8 * 65536);
    });

    it('a stream destroyed mid-way releases its resources', async () => {
      const live = s.live;
      const before = live === undefined ? 0 : await live(get());
      const stream = s.create(get());
      stream.resume();
      await new Promise<void>((resolve, reject) => stream.write(s.input.subarray(0, 1000), (err) => (err ? reject(err) : resolve())));
      if (live !== undefined) expect(await live(get())).toBe(before + 1);
      const closed = new Promise((resolve) => stream.once('close', resolve));
      stream.destroy();
      await closed;
      if (live !== undefined) {
        for (let i = 0; i < 50 && (await live(get())) !== before; i++) await new Promise((r) => setTimeout(r, 10));
        expect(await live(get())).toBe(before);
      }
    });
  });
}

function concurrencySuite<C extends Closable>(backend: Backend<C>, c: Concurrency<C>): void {
  describe('concurrency', () => {
    it(`${c.inFlight ?? 64} requests in flight on ${c.queues ?? 4} queues agree with sequential runs`, async () => {
      const ctx = await backend.open({ queues: c.queues ?? 4 });
      try {
        const n = c.inFlight ?? 64;
        const parallel = await Promise.all(Array.from({ length: n }, (_, i) => c.run(ctx, i)));
        for (let i = 0; i < n; i++) expect(equalBytes(parallel[i]!, await c.run(ctx, i)), `request ${i}`).toBe(true);
      } finally {
        await ctx.close();
      }
    });
  });
}

/**
 * Register the conformance suites of `target` for each of its backends.
 * Call at the top level of a vitest test file.
 */
export function defineConformanceSuite<C extends Closable, O = unknown>(target: ConformanceTarget<C, O>): void {
  for (const backend of target.backends) {
    const title = `conformance: ${target.plugin} on ${backend.name}`;
    if (backend.skip !== undefined) {
      // Under CI a backend that cannot run is a failure of its own, and the
      // other backends still run; elsewhere it is skipped with the reason.
      const reason = backend.skip;
      if (inCi()) describe(title, () => it('has what this backend needs', () => void needs(false, `${title}: ${reason}`)));
      else describe.skip(`${title} (skipped: ${reason})`, () => undefined);
      continue;
    }
    describe(title, () => {
      let ctx: C | undefined;
      const get = (): C => {
        if (ctx === undefined) throw new Error('context not open');
        return ctx;
      };
      beforeAll(async () => {
        ctx = await backend.open();
      });
      afterAll(async () => {
        await ctx?.close();
      });
      if (target.roundTrip !== undefined) roundTripSuite(get, target.roundTrip);
      if (target.vectors !== undefined) vectorSuite(get, target.vectors);
      if (target.badInput !== undefined) badInputSuite(get, target.badInput);
      if (target.streaming !== undefined) streamingSuite(get, target.streaming);
      if (target.concurrency !== undefined) concurrencySuite(backend, target.concurrency);
    });
  }
}

export * from './hostile.js';
