import { describe, expect, it } from 'vitest';
import { createContext } from '@warpdrive/core';
import zip from '../src/index.js';
import { FORMATS, fileContext, LEVELS, nodeCompress, nodeDecompress, openZip, realText, samples, type ZipContext } from './helpers.js';

let ctx: ZipContext;
fileContext((c) => (ctx = c));

describe('one-shot round trips: every format × level × size', () => {
  const data = samples();
  for (const format of FORMATS) {
    for (const level of LEVELS) {
      it(`${format} level ${level}: async and sync round trip, node:zlib reads it`, async () => {
        for (const { name, data: input } of data) {
          const c = await ctx.compress(input, { format, level });
          expect(nodeDecompress(format, c).equals(input), `${name} via node:zlib`).toBe(true);
          expect((await ctx.decompress(c, { format })).equals(input), `${name} async`).toBe(true);
          const s = ctx.compressSync(input, { format, level });
          expect(ctx.decompressSync(s, { format }).equals(input), `${name} sync`).toBe(true);
        }
      });
    }
  }

  it('incompressible input at level 0–3 is not expanded beyond the stored-block bound', async () => {
    const rnd = samples()[4]!.data;
    for (const level of [0, 1, 2, 3] as const) {
      const c = await ctx.compress(rnd, { format: 'deflate', level });
      expect(c.length).toBeLessThanOrEqual(rnd.length + 5 * Math.ceil(rnd.length / 16384) + 16);
    }
  });

  it('named levels map to 1, 6 and 9', async () => {
    const text = realText(64 * 1024);
    expect((await ctx.compress(text, { level: 'fastest' })).equals(await ctx.compress(text, { level: 1 }))).toBe(true);
    expect((await ctx.compress(text, { level: 'default' })).equals(await ctx.compress(text))).toBe(true);
    expect((await ctx.compress(text, { level: 'best' })).equals(await ctx.compress(text, { level: 9 }))).toBe(true);
  });

  it('decodes node:zlib output of every format and level, auto-detecting gzip and zlib', async () => {
    const text = realText(200 * 1024);
    for (const format of FORMATS) {
      for (const level of LEVELS) {
        const c = nodeCompress(format, text, level);
        expect((await ctx.decompress(c, { format })).equals(text)).toBe(true);
        if (format !== 'deflate') expect(ctx.decompressSync(c).equals(text)).toBe(true);
      }
    }
  });

  it('accepts every BufferInput kind and returns a Buffer', async () => {
    const text = realText(4096);
    const c = await ctx.compress(new Uint8Array(text));
    expect(Buffer.isBuffer(c)).toBe(true);
    const ab = c.buffer.slice(c.byteOffset, c.byteOffset + c.length);
    expect((await ctx.decompress(ab)).equals(text)).toBe(true);
    expect((await ctx.decompress(new DataView(ab))).equals(text)).toBe(true);
  });

  it('output larger than the first guess (highly compressible, unknown size) is decoded through chunks', async () => {
    const zeros = Buffer.alloc(8 << 20);
    for (const format of ['zlib', 'deflate'] as const) {
      const c = nodeCompress(format, zeros, 9);
      expect((await ctx.decompress(c, { format })).equals(zeros)).toBe(true);
      expect(ctx.decompressSync(c, { format }).equals(zeros)).toBe(true);
    }
  });

  it('stats show the queue path for async and the inline path for sync requests', async () => {
    const c2 = await openZip();
    try {
      await c2.compress(Buffer.from('abc'));
      c2.compressSync(Buffer.from('abc'));
      const paths = Object.keys(c2.stats().perPath);
      expect(paths.some((p) => p.endsWith(':inline'))).toBe(true);
      expect(paths.some((p) => !p.endsWith(':inline'))).toBe(true);
    } finally {
      await c2.close();
    }
  });

  it('inlineBelow routes small async requests to the inline path', async () => {
    const c2 = await createContext({ plugins: [zip({ inlineBelow: 16 * 1024 })] });
    try {
      const small = await c2.compress(realText(1000));
      await c2.decompress(small);
      const inline = Object.entries(c2.stats().perPath).find(([p]) => p.endsWith(':inline'));
      expect(inline?.[1].ops).toBe(2);
    } finally {
      await c2.close();
    }
  });
});
