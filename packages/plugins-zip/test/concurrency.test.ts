/**
 * Many requests in flight across several queues and device workers, mixed
 * with inline (sync) requests and interleaved streams: every result is
 * checked against node:zlib.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createContext } from '@warpdrive/core';
import zip from '../src/index.js';
import { FORMATS, nodeCompress, nodeDecompress, realText } from './helpers.js';

const text = realText(512 * 1024);

describe('concurrency', () => {
  it('600 mixed compress/decompress requests on 4 queues × 2 workers, with sync requests in between', async () => {
    const ctx = await createContext({ plugins: [zip()], queues: 4, workers: 2, depth: 64 });
    try {
      const jobs = Array.from({ length: 600 }, async (_, i) => {
        const format = FORMATS[i % 3]!;
        const level = (i % 10) as 0;
        const input = text.subarray((i * 7919) % 1000, ((i * 7919) % 1000) + 1 + ((i * 104729) % (256 * 1024)));
        if (i % 2 === 0) {
          const c = await ctx.compress(input, { format, level });
          expect(nodeDecompress(format, c).equals(input), `compress ${i}`).toBe(true);
        } else {
          const d = await ctx.decompress(nodeCompress(format, input, level), { format });
          expect(d.equals(input), `decompress ${i}`).toBe(true);
        }
        if (i % 50 === 0) expect(ctx.decompressSync(ctx.compressSync(input, { format }), { format }).equals(input)).toBe(true);
      });
      await Promise.all(jobs);
      const s = ctx.stats();
      expect(s.perQueue.filter((q) => q.ops > 0).length).toBeGreaterThan(1);
      expect(s.errors).toBe(0);
    } finally {
      await ctx.close();
    }
  });

  it('16 streams interleaved on 2 queues produce independent, correct outputs', async () => {
    const ctx = await createContext({ plugins: [zip()], queues: 2, workers: 2 });
    try {
      await Promise.all(Array.from({ length: 16 }, async (_, i) => {
        const input = text.subarray(i * 1000, i * 1000 + 100_000);
        const parts: Buffer[] = [];
        const chunks: Buffer[] = [];
        for (let off = 0; off < input.length; off += 3000) chunks.push(input.subarray(off, off + 3000));
        const stream = i % 2 === 0 ? ctx.createCompressStream({ format: 'zlib', level: (i % 9) as 1 }) : ctx.createDecompressStream();
        const source = i % 2 === 0 ? chunks : [zlib.gzipSync(input)];
        await pipeline(Readable.from(source), stream, new Writable({ write(c: Buffer, _e, cb) { parts.push(c); setImmediate(cb); } }));
        const out = Buffer.concat(parts);
        expect((i % 2 === 0 ? zlib.inflateSync(out) : out).equals(input), `stream ${i}`).toBe(true);
      }));
      expect(await ctx.zipLiveStreams()).toBe(0);
    } finally {
      await ctx.close();
    }
  });

  it('closing a context with requests in flight rejects them with ERR_CONTEXT_CLOSED or completes them', async () => {
    const ctx = await createContext({ plugins: [zip()], workers: 1 });
    const pending = Array.from({ length: 32 }, () => ctx.compress(text, { level: 9 }).then(() => 'ok', (e: { code: string }) => e.code));
    await ctx.close();
    for (const r of await Promise.all(pending)) expect(['ok', 'ERR_CONTEXT_CLOSED', 'ERR_CANCELED']).toContain(r);
  });
});
