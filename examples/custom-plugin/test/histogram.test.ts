import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreOps, createContext, isWarpdriveError, type ContextWith } from '@warpdrive/core';
import histogram from '../src/index.js';

function reference(data: Uint8Array): Uint32Array {
  const counts = new Uint32Array(256);
  for (const b of data) counts[b]! += 1;
  return counts;
}

describe('third-party histogram plugin', () => {
  let ctx: ContextWith<[ReturnType<typeof histogram>, ReturnType<typeof coreOps>]>;
  beforeAll(async () => {
    ctx = await createContext({ plugins: [histogram(), coreOps()] });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('counts bytes on the device like a JS reference', async () => {
    for (const size of [0, 1, 255, 4096, 1 << 20]) {
      const data = randomBytes(size);
      expect(await ctx.histogram(data)).toEqual(reference(data));
    }
  });

  it('fills a caller-provided table without allocating', async () => {
    const out = new Uint32Array(256);
    const data = Buffer.from('aab');
    const result = await ctx.histogram(data, out);
    expect(result).toBe(out);
    expect(out[0x61]).toBe(2);
    expect(out[0x62]).toBe(1);
  });

  it('runs beside the built-in operations on the same context', async () => {
    const data = randomBytes(1000);
    const [h, crc] = await Promise.all([ctx.histogram(data), ctx.crc32(data)]);
    expect(h).toEqual(reference(data));
    expect(typeof crc).toBe('number');
  });

  it('rejects a too-small table before submission', async () => {
    const err = await ctx.histogram(Buffer.from('x'), new Uint32Array(10)).catch((e: unknown) => e);
    expect(isWarpdriveError(err) && err.code).toBe('ERR_BUFFER_TOO_SMALL');
    expect((err as Error).message).toMatch(/`out` must have at least 256 entries/);
  });

  it('rejects data that is not a buffer', async () => {
    const err = await ctx.histogram('text' as unknown as Uint8Array).catch((e: unknown) => e);
    expect(isWarpdriveError(err) && err.code).toBe('ERR_INVALID_ARGUMENT');
    expect((err as Error).message).toMatch(/data/);
  });
});
