/**
 * Cipher session Transform streams: results equal node:crypto for every
 * mode and chunking, GCM tags out and in, verifiedOnly releases nothing
 * on a forged tag, backpressure holds, errors end the stream and free the
 * session for the next one.
 */
import * as nc from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CipherStream } from '../src/index.js';
import { open, type CryptoContext } from './helpers.js';

let ctx: CryptoContext;
beforeAll(async () => {
  ctx = await open({ queues: 2, inlineMaxBytes: 4096 }); // small chunks inline, big ones queued
});
afterAll(() => ctx?.close());

const key = nc.randomBytes(32);

/** Feed `chunks` through `stream`, collecting the output. */
async function run(stream: CipherStream, chunks: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), stream, new Writable({
    write(chunk: Buffer, _e, cb) {
      out.push(chunk);
      cb();
    },
  }));
  return Buffer.concat(out);
}

function split(data: Buffer, sizes: number[]): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    parts.push(data.subarray(at, at + n));
    at += n;
  }
  return parts;
}

describe('createEncryptStream / createDecryptStream', () => {
  it('every mode, odd chunk sizes: same bytes and tag as node:crypto, and back', async () => {
    for (const alg of ['aes-256-gcm', 'aes-128-ctr', 'aes-192-cbc']) {
      const k = key.subarray(0, Number(alg.slice(4, 7)) / 8);
      const s = await ctx.createCipherSession({ alg, key: k });
      const gcm = alg.endsWith('gcm');
      const iv = nc.randomBytes(gcm ? 12 : 16), aad = gcm ? nc.randomBytes(13) : undefined;
      const data = nc.randomBytes(300_001);
      const c = nc.createCipheriv(alg, k, iv);
      if (aad) (c as nc.CipherGCM).setAAD(aad);
      const want = Buffer.concat([c.update(data), c.final()]);
      const enc = s.createEncryptStream({ iv, aad });
      const got = await run(enc, split(data, [1, 15, 17, 4096, 65_537, 3]));
      expect(got.equals(want)).toBe(true);
      if (gcm) expect(enc.getAuthTag().equals((c as nc.CipherGCM).getAuthTag())).toBe(true);
      else expect(() => enc.getAuthTag()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
      for (const verifiedOnly of [false, true]) {
        const dec = s.createDecryptStream({ iv, aad, verifiedOnly, ...(gcm ? { tag: enc.getAuthTag() } : {}) });
        expect((await run(dec, split(want, [7, 8191, 100_000]))).equals(data)).toBe(true);
      }
      await s.close();
    }
  });

  it('GCM decrypt: a forged tag fails the stream with ERR_AUTH_FAILED; verifiedOnly released no byte', async () => {
    const s = await ctx.createCipherSession({ alg: 'aes-128-gcm', key: key.subarray(0, 16) });
    const iv = nc.randomBytes(12), data = nc.randomBytes(50_000);
    const enc = s.createEncryptStream({ iv, tagLength: 12 });
    const ct = await run(enc, [data]);
    const tag = Buffer.from(enc.getAuthTag());
    expect(tag.length).toBe(12);
    tag[0]! ^= 1;
    for (const verifiedOnly of [true, false]) {
      const released: Buffer[] = [];
      const dec = s.createDecryptStream({ iv, verifiedOnly });
      dec.setAuthTag(tag);
      const done = pipeline(Readable.from(split(ct, [1000])), dec, new Writable({
        write(chunk: Buffer, _e, cb) {
          released.push(chunk);
          cb();
        },
      }));
      await expect(done).rejects.toMatchObject({ code: 'ERR_AUTH_FAILED' });
      if (verifiedOnly) expect(released).toEqual([]);
      else expect(Buffer.concat(released).equals(data.subarray(0, Buffer.concat(released).length))).toBe(true); // the documented caveat
    }
    // the session serves the next stream
    const ok = s.createDecryptStream({ iv, tag: enc.getAuthTag() });
    expect((await run(ok, [ct])).equals(data)).toBe(true);
    await s.close();
  });

  it('backpressure: a slow consumer holds the producer at the highWaterMark; one step in flight at a time', async () => {
    const s = await ctx.createCipherSession({ alg: 'aes-256-ctr', key });
    const iv = nc.randomBytes(16);
    const enc = s.createEncryptStream({ iv, highWaterMark: 16 * 1024 });
    const chunk = nc.randomBytes(8 * 1024);
    let refused = 0;
    let written = 0;
    const out: Buffer[] = [];
    const sink = new Writable({
      highWaterMark: 1024,
      write(c: Buffer, _e, cb) {
        out.push(c);
        setTimeout(cb, 1);
      },
    });
    enc.pipe(sink);
    for (let i = 0; i < 64; i++) {
      written++;
      if (!enc.write(chunk)) {
        refused++;
        expect(enc.writableLength).toBeGreaterThanOrEqual(16 * 1024);
        expect(enc.writableLength).toBeLessThanOrEqual(32 * 1024);
        await new Promise((resolve) => enc.once('drain', resolve));
      }
    }
    enc.end();
    await new Promise((resolve) => sink.on('finish', resolve));
    expect(refused).toBeGreaterThan(10);
    const want = nc.createCipheriv('aes-256-ctr', key, iv).update(Buffer.concat(Array(written).fill(chunk)));
    expect(Buffer.concat(out).equals(want)).toBe(true);
    await s.close();
  });

  it('bad options throw at creation; one stream per session at a time; destroy frees the session', async () => {
    const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key });
    expect(() => s.createEncryptStream({ iv: Buffer.alloc(0) })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'iv' } }));
    expect(() => s.createEncryptStream({ iv: Buffer.alloc(12), tagLength: 5 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => s.createEncryptStream({ iv: Buffer.alloc(12), tag: Buffer.alloc(16) })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => s.createDecryptStream({ iv: Buffer.alloc(12), tag: Buffer.alloc(3) })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => s.createEncryptStream({ iv: Buffer.alloc(12), bogus: 1 } as never)).toThrow(expect.objectContaining({ details: { argument: 'options.bogus' } }));
    const a = s.createEncryptStream({ iv: nc.randomBytes(12) });
    expect(() => s.createEncryptStream({ iv: nc.randomBytes(12) })).toThrow(expect.objectContaining({ code: 'ERR_DEVICE_BUSY' }));
    expect(() => s.start({ iv: nc.randomBytes(12) })).toThrow(expect.objectContaining({ code: 'ERR_DEVICE_BUSY' }));
    await expect(s.update(Buffer.alloc(1))).rejects.toMatchObject({ code: 'ERR_DEVICE_BUSY' });
    // whole messages still run alongside a stream
    expect((await s.encrypt(Buffer.alloc(10), { iv: nc.randomBytes(12) })).ciphertext.length).toBe(10);
    a.write(Buffer.alloc(100));
    a.destroy();
    await new Promise((resolve) => a.on('close', resolve));
    const iv = nc.randomBytes(12), data = nc.randomBytes(1000);
    const b = s.createEncryptStream({ iv });
    const ct = await run(b, [data]);
    const c = nc.createCipheriv('aes-256-gcm', key, iv);
    expect(ct.equals(c.update(data))).toBe(true);
    // a decrypt stream without any tag fails at the end, naming the tag
    const d = s.createDecryptStream({ iv, verifiedOnly: true });
    await expect(run(d, [ct])).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'tag' } });
    const e = s.createDecryptStream({ iv });
    const failed = new Promise((resolve) => e.on('error', resolve));
    e.end();
    expect(() => e.setAuthTag(Buffer.alloc(16))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(await failed).toMatchObject({ details: { argument: 'tag' } });
    await s.close();
    expect(() => s.createEncryptStream({ iv })).toThrow(expect.objectContaining({ code: 'ERR_SESSION_CLOSED' }));
  });

  it('CBC decrypt stream of a ciphertext that is not whole blocks fails at the end', async () => {
    const s = await ctx.createCipherSession({ alg: 'aes-128-cbc', key: key.subarray(0, 16) });
    const d = s.createDecryptStream({ iv: nc.randomBytes(16) });
    await expect(run(d, [nc.randomBytes(33)])).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await s.close();
  });
});
