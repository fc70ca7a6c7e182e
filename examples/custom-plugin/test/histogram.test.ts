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

  it('counts the true bytes of a view whose byteLength, byteOffset and buffer lie', async () => {
    const backing = randomBytes(64);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 8, 16);
    Object.defineProperty(view, 'byteLength', { value: 1 << 20 });
    Object.defineProperty(view, 'byteOffset', { value: 0 });
    Object.defineProperty(view, 'buffer', { value: new ArrayBuffer(1 << 20) });
    expect(await ctx.histogram(view)).toEqual(reference(backing.subarray(8, 24)));
  });

  it('fills only the true 256 entries of a table that claims to be larger, and refuses a short one that claims enough', async () => {
    const out = new Uint32Array(256);
    Object.defineProperty(out, 'byteLength', { value: 1 << 20 });
    Object.defineProperty(out, 'length', { value: 1 << 18 });
    const data = Buffer.from('abc');
    expect((await ctx.histogram(data, out))[0x61]).toBe(1);
    const short = new Uint32Array(8);
    Object.defineProperty(short, 'length', { value: 256 });
    Object.defineProperty(short, 'byteLength', { value: 1024 });
    const err = await ctx.histogram(data, short).catch((e: unknown) => e);
    expect(isWarpdriveError(err) && err.code).toBe('ERR_BUFFER_TOO_SMALL');
  });

  it('refuses a Proxy around a typed array and a detached buffer with typed errors', async () => {
    const proxied = await ctx.histogram(new Proxy(new Uint8Array(4), {}) as Uint8Array).catch((e: unknown) => e);
    expect(isWarpdriveError(proxied) && proxied.code).toBe('ERR_INVALID_ARGUMENT');
    const gone = new Uint8Array(16);
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    const detached = await ctx.histogram(gone).catch((e: unknown) => e);
    expect(isWarpdriveError(detached) && detached.code).toBe('ERR_BUFFER_DETACHED');
  });
});
