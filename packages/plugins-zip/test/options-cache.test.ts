// One-shot options cached by value (src/options-cache.ts): a fresh options
// literal per request is validated like any other, and the cache never
// lets an invalid value through or mixes up two combinations.
import { describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { WarpdriveError } from '@warpdrive/core';
import type { ZipLevel } from '../src/index.js';
import { fileContext, realText, type ZipContext } from './helpers.js';

let ctx: ZipContext;
fileContext((c) => (ctx = c));

const text = realText(3000);
const gz = zlib.gzipSync(text);

function rejection(fn: () => unknown): WarpdriveError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WarpdriveError);
    return err as WarpdriveError;
  }
  throw new Error('expected a WarpdriveError');
}

describe('one-shot options cached by their values', () => {
  it('a fresh literal per request: valid values work, invalid ones are still refused after a valid one was cached', () => {
    for (let i = 0; i < 3; i++) expect(ctx.decompressSync(gz, { format: 'gzip' }).equals(text)).toBe(true);
    const err = rejection(() => ctx.decompressSync(gz, { format: 'gzipx' as 'gzip' }));
    expect(err.code).toBe('ERR_INVALID_ARGUMENT');
    expect(err.message).toContain('options.format');
    expect(zlib.gunzipSync(ctx.compressSync(text, { format: 'gzip', level: 1 })).equals(text)).toBe(true);
    // the string '1' is not the number 1
    expect(rejection(() => ctx.compressSync(text, { format: 'gzip', level: '1' as unknown as 1 })).message).toContain('options.level');
  });

  it('a string value cannot forge the key of another combination', () => {
    expect(zlib.gunzipSync(ctx.compressSync(text, { format: 'gzip', level: 1 })).equals(text)).toBe(true);
    // without the string's length in the key, 'gzip' + level 1 and this one string would collide
    const forged = rejection(() => ctx.compressSync(text, { format: 'gzip1n1;' as 'gzip' }));
    expect(forged.message).toContain('options.format');
  });

  it('a reused object whose fields change is honoured each time', () => {
    const opts: { format: 'gzip' | 'zlib'; level: ZipLevel } = { format: 'gzip', level: 1 };
    expect(zlib.gunzipSync(ctx.compressSync(text, opts)).equals(text)).toBe(true);
    opts.format = 'zlib';
    expect(zlib.inflateSync(ctx.compressSync(text, opts)).equals(text)).toBe(true);
    opts.level = 10 as ZipLevel;
    expect(rejection(() => ctx.compressSync(text, opts)).message).toContain('options.level');
  });

  it('a getter is read once, and the result follows the value read', () => {
    let reads = 0;
    const opts = {
      get format(): 'gzip' | 'zlib' {
        reads++;
        return reads === 1 ? 'zlib' : 'gzip';
      },
    };
    const r = ctx.compressSync(text, opts);
    expect(reads).toBe(1);
    expect(zlib.inflateSync(r).equals(text)).toBe(true);
  });

  it('many distinct maxOutputLength values each hold (past the cache size)', () => {
    for (let limit = text.length - 150; limit < text.length + 150; limit++) {
      if (limit >= text.length) {
        expect(ctx.decompressSync(gz, { format: 'gzip', maxOutputLength: limit }).equals(text)).toBe(true);
      } else {
        expect(rejection(() => ctx.decompressSync(gz, { format: 'gzip', maxOutputLength: limit })).code).toBe('ERR_OUTPUT_LIMIT');
      }
    }
  });

  it('a non-enumerable field still counts: a hidden maxOutputLength caps the output', () => {
    expect(ctx.decompressSync(gz, { format: 'gzip' }).equals(text)).toBe(true); // { format: 'gzip' } is cached
    const hidden = Object.defineProperty({ format: 'gzip' as const }, 'maxOutputLength', { value: 10, enumerable: false });
    expect(rejection(() => ctx.decompressSync(gz, hidden)).code).toBe('ERR_OUTPUT_LIMIT');
  });

  it("level names are the three presets, not Object.prototype's keys", () => {
    for (const level of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(rejection(() => ctx.compressSync(text, { level: level as 'best' })).message).toContain('options.level');
    }
  });

  it('objects that are not plain, or carry other keys, are validated as they are', async () => {
    class Options {
      format = 'gzip' as const;
    }
    expect(ctx.decompressSync(gz, new Options()).equals(text)).toBe(true);
    expect(rejection(() => ctx.decompressSync(gz, { format: 'gzip', lvl: 1 } as never)).message).toContain('options.lvl');
    expect(rejection(() => ctx.decompressSync(gz, { format: new String('gzip') as unknown as 'gzip' })).message).toContain('options.format');
    expect((await ctx.decompress(gz, Object.assign(Object.create(null) as object, { format: 'gzip' as const }))).equals(text)).toBe(true);
  });
});
