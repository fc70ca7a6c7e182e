/**
 * Unknown-size one-shot decompression: the output guess adapts, so a run
 * of inputs whose ratio exceeds the default 8× is not decompressed twice
 * each (one-shot attempt, then the engine-stream redo).
 */
import zlib from 'node:zlib';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createContext } from '@warpdrive/core';
import zip from '../src/index.js';
import { OP } from '../src/opcodes.js';
import { realText } from './helpers.js';

const open = () => createContext({ plugins: [zip()] });
let ctx: Awaited<ReturnType<typeof open>>;
beforeAll(async () => {
  ctx = await open();
});
afterAll(() => ctx.close());

it('high-ratio zlib input: the first request falls back to a stream, the next ones fit; a low-ratio input brings the guess back down', async () => {
  const line = realText(200);
  const plain = Buffer.concat(Array.from({ length: 2000 }, () => line)); // ratio far above 8
  const packed = zlib.deflateSync(plain);
  expect(plain.length / packed.length).toBeGreaterThan(16);
  const run = vi.spyOn(ctx, 'run');
  const inits = () => run.mock.calls.filter(([op]) => op === OP.streamInit).length;

  expect((await ctx.decompress(packed, { format: 'zlib' })).equals(plain)).toBe(true);
  expect(inits()).toBe(1);
  for (let i = 0; i < 3; i++) expect((await ctx.decompress(packed, { format: 'zlib' })).equals(plain)).toBe(true);
  expect(inits()).toBe(1);
  expect(ctx.decompressSync(packed, { format: 'zlib' }).equals(plain)).toBe(true);

  // ordinary text: results far smaller than the raised guess halve it back
  const text = realText(256 * 1024);
  const z = zlib.deflateSync(text);
  for (let i = 0; i < 8; i++) expect((await ctx.decompress(z, { format: 'zlib' })).equals(text)).toBe(true);
  const dst = (await ctx.decompress(z, { format: 'zlib' })).buffer.byteLength;
  expect(dst).toBeLessThanOrEqual(4 * text.length + 1024); // was ~1.25 × the first input's ratio (hundreds)
  run.mockRestore();
});
