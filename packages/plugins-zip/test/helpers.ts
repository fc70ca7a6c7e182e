import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { createContext } from '@warpdrive/core';
import zip, { type ZipFormat } from '../src/index.js';

/** A context with the zip plugin on the default (soft) device. */
export const openZip = () => createContext({ plugins: [zip()] });
export type ZipContext = Awaited<ReturnType<typeof openZip>>;

/** Opens one context before a test file's tests (handed to `set`) and closes it after them. */
export function fileContext(set: (ctx: ZipContext) => void): void {
  let ctx: ZipContext | undefined;
  beforeAll(async () => {
    ctx = await openZip();
    set(ctx);
  });
  afterAll(() => ctx?.close());
}

export const FORMATS: readonly ZipFormat[] = ['deflate', 'zlib', 'gzip'];
export const LEVELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

/** Real text nobody here wrote: headers from /usr/include, concatenated. */
export function realText(bytes: number): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  for (const name of readdirSync('/usr/include').sort()) {
    const path = join('/usr/include', name);
    if (!name.endsWith('.h') || !statSync(path).isFile()) continue;
    const b = readFileSync(path);
    parts.push(b);
    total += b.length;
    if (total >= bytes) break;
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

/** Sizes × contents of the round-trip matrix. */
export function samples(): { name: string; data: Buffer }[] {
  return [
    { name: 'empty', data: Buffer.alloc(0) },
    { name: '1 byte', data: Buffer.from([0x42]) },
    { name: '1 KiB text', data: realText(1024) },
    { name: '1 MiB text', data: realText(1 << 20) },
    { name: '1 MiB random', data: randomBytes(1 << 20) },
  ];
}

export function nodeDecompress(format: ZipFormat, data: Buffer): Buffer {
  if (format === 'gzip') return zlib.gunzipSync(data);
  if (format === 'zlib') return zlib.inflateSync(data);
  return zlib.inflateRawSync(data);
}

export function nodeCompress(format: ZipFormat, data: Buffer, level = 6): Buffer {
  if (format === 'gzip') return zlib.gzipSync(data, { level });
  if (format === 'zlib') return zlib.deflateSync(data, { level });
  return zlib.deflateRawSync(data, { level });
}
