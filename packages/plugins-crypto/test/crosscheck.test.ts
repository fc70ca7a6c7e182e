/**
 * Randomized cross-checks against node:crypto: random sizes, keys, IVs
 * (GCM: random IV lengths), AAD and tag lengths, async and sync, one-shot
 * and sessions, caller-provided and in-place output.
 */
import * as nc from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GCM_TAG_LENGTHS } from '../src/index.js';
import { open, type CryptoContext } from './helpers.js';

let ctx: CryptoContext;
beforeAll(async () => {
  ctx = await open({ queues: 2 });
});
afterAll(() => ctx?.close());

const rnd = (n: number) => nc.randomBytes(n);
const int = (n: number) => nc.randomInt(n);
const size = () => [0, 1, 15, 16, 17, 255, 4096, int(70_000)][int(8)]!;

function reference(alg: string, key: Buffer, iv: Buffer, data: Buffer, aad?: Buffer, tagLength?: number, padding = true) {
  const c = nc.createCipheriv(alg, key, iv, (tagLength ? { authTagLength: tagLength } : {}) as never) as nc.CipherGCM;
  if (aad) c.setAAD(aad);
  c.setAutoPadding(padding);
  const ct = Buffer.concat([c.update(data), c.final()]);
  return { ct, tag: alg.endsWith('gcm') ? c.getAuthTag() : undefined };
}

describe('cross-check with node:crypto', () => {
  for (const bits of [128, 192, 256]) {
    it(`aes-${bits}-gcm: random sizes, IV lengths, AAD, tag lengths; encrypt and decrypt, async and sync`, async () => {
      const alg = `aes-${bits}-gcm`;
      const jobs = Array.from({ length: 150 }, async (_, i) => {
        const key = rnd(bits / 8), iv = rnd(i % 3 === 0 ? 1 + int(64) : 12), data = rnd(size());
        const aad = i % 2 ? rnd(int(300)) : undefined;
        const tagLength = GCM_TAG_LENGTHS[int(GCM_TAG_LENGTHS.length)]!;
        const ref = reference(alg, key, iv, data, aad, tagLength);
        const got = i % 4 === 0 ? ctx.encryptSync(data, { alg, key, iv, aad, tagLength }) : await ctx.encrypt(data, { alg, key, iv, aad, tagLength });
        expect(got.ciphertext.equals(ref.ct)).toBe(true);
        expect(got.tag!.equals(ref.tag!.subarray(0, tagLength))).toBe(true);
        const pt = await ctx.decrypt(ref.ct, { alg, key, iv, aad, tag: got.tag });
        expect(pt.equals(data)).toBe(true);
      });
      await Promise.all(jobs);
    });

    for (const mode of ['ctr', 'cbc'] as const) {
      it(`aes-${bits}-${mode}: random sizes and keys${mode === 'cbc' ? ', with and without padding' : ''}`, async () => {
        const alg = `aes-${bits}-${mode}`;
        for (let i = 0; i < 100; i++) {
          const padding = mode === 'ctr' || i % 3 !== 0;
          const n = size();
          const data = rnd(padding ? n : n - (n % 16));
          const key = rnd(bits / 8), iv = rnd(16);
          const ref = reference(alg, key, iv, data, undefined, undefined, padding);
          const o = mode === 'cbc' ? { alg, key, iv, padding } : { alg, key, iv };
          const got = i % 2 ? ctx.encryptSync(data, o).ciphertext : (await ctx.encrypt(data, o)).ciphertext;
          expect(got.equals(ref.ct)).toBe(true);
          expect((i % 2 ? await ctx.decrypt(ref.ct, o) : ctx.decryptSync(ref.ct, o)).equals(data)).toBe(true);
        }
      });
    }
  }

  it('sessions: per-message encrypt/decrypt with many IVs, and streams of random chunks, match node:crypto', async () => {
    for (const alg of ['aes-256-gcm', 'aes-128-ctr', 'aes-192-cbc']) {
      const key = rnd(Number(alg.slice(4, 7)) / 8);
      const s = await ctx.createCipherSession({ alg, key });
      const messages = await Promise.all(
        Array.from({ length: 64 }, async () => {
          const iv = rnd(alg.endsWith('gcm') ? 12 : 16), data = rnd(size());
          const ref = reference(alg, key, iv, data);
          const got = await s.encrypt(data, { iv });
          expect(got.ciphertext.equals(ref.ct)).toBe(true);
          if (ref.tag) expect(got.tag!.equals(ref.tag)).toBe(true);
          expect((await s.decrypt(ref.ct, { iv, tag: ref.tag })).equals(data)).toBe(true);
          return data.length;
        }),
      );
      expect(messages).toHaveLength(64);
      for (let round = 0; round < 5; round++) {
        const iv = rnd(alg.endsWith('gcm') ? 12 : 16), data = rnd(size());
        const ref = reference(alg, key, iv, data);
        s.start({ iv });
        const parts: Buffer[] = [];
        for (let at = 0; at < data.length; ) {
          const n = Math.min(data.length - at, 1 + int(5000));
          parts.push(round % 2 ? s.updateSync(data.subarray(at, at + n)) : await s.update(data.subarray(at, at + n)));
          at += n;
        }
        const fin = await s.final();
        parts.push(fin.output);
        expect(Buffer.concat(parts).equals(ref.ct)).toBe(true);
        if (ref.tag) expect(fin.tag!.equals(ref.tag)).toBe(true);
        // and back, streaming
        s.start({ iv, decrypt: true });
        const back = [await s.update(ref.ct), s.finalSync({ tag: ref.tag }).output];
        expect(Buffer.concat(back).equals(data)).toBe(true);
      }
      await s.close();
    }
  });

  it('a GCM session alternates IV lengths (1, 12, 60, 128 bytes) across messages and streams, in parallel', async () => {
    const key = rnd(32);
    const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key });
    await Promise.all(
      Array.from({ length: 80 }, async (_, i) => {
        const iv = rnd([1, 12, 60, 128][i % 4]!), data = rnd(int(3000)), aad = rnd(int(40));
        const ref = reference('aes-256-gcm', key, iv, data, aad);
        const got = i % 2 ? s.encryptSync(data, { iv, aad }) : await s.encrypt(data, { iv, aad });
        expect(got.ciphertext.equals(ref.ct) && got.tag!.equals(ref.tag!)).toBe(true);
      }),
    );
    for (const n of [128, 1, 12, 60]) {
      const iv = rnd(n), data = rnd(5000);
      const ref = reference('aes-256-gcm', key, iv, data);
      s.start({ iv });
      const parts = [await s.update(data.subarray(0, 1234)), s.updateSync(data.subarray(1234))];
      const fin = await s.final();
      expect(Buffer.concat([...parts, fin.output]).equals(ref.ct) && fin.tag!.equals(ref.tag!)).toBe(true);
    }
    await s.close();
  });

  it('digest and hmac of random data match node:crypto (one-shot, sync, session)', async () => {
    for (const alg of ['sha1', 'sha224', 'sha256', 'sha384', 'sha512']) {
      const h = await ctx.createHashSession({ alg });
      for (let i = 0; i < 20; i++) {
        const data = rnd(size());
        const ref = nc.createHash(alg).update(data).digest();
        expect((await ctx.digest(data, { alg })).equals(ref)).toBe(true);
        expect(ctx.digestSync(data, { alg }).equals(ref)).toBe(true);
        await h.update(data);
        expect((await h.digest()).equals(ref)).toBe(true);
      }
      await h.close();
    }
    for (const bits of [256, 384, 512]) {
      for (let i = 0; i < 20; i++) {
        const key = rnd(int(200)), data = rnd(size());
        const ref = nc.createHmac(`sha${bits}`, key).update(data).digest();
        expect((await ctx.hmac(data, { alg: `hmac-sha${bits}`, key })).equals(ref)).toBe(true);
        expect(ctx.hmacSync(data, { alg: `sha${bits}`, key }).equals(ref)).toBe(true);
      }
    }
  });

  it('caller-provided out and in-place operation (GCM, CTR, CBC decrypt) give the same bytes', async () => {
    const key = rnd(32), iv = rnd(12), data = rnd(10_000);
    const ref = reference('aes-256-gcm', key, iv, data);
    const out = Buffer.alloc(data.length + 100);
    const r = await ctx.encrypt(data, { alg: 'aes-256-gcm', key, iv, out });
    expect(r.ciphertext.buffer).toBe(out.buffer);
    expect(r.ciphertext.equals(ref.ct)).toBe(true);
    const inPlace = Buffer.from(data);
    ctx.encryptSync(inPlace, { alg: 'aes-256-gcm', key, iv, out: inPlace });
    expect(inPlace.equals(ref.ct)).toBe(true);
    await ctx.decrypt(inPlace, { alg: 'aes-256-gcm', key, iv, tag: ref.tag, out: inPlace });
    expect(inPlace.equals(data)).toBe(true);
    const ctrBuf = Buffer.from(data);
    await ctx.encrypt(ctrBuf, { alg: 'aes-256-ctr', key, iv: rnd(16).fill(1), out: ctrBuf });
    expect(ctrBuf.equals(reference('aes-256-ctr', key, Buffer.alloc(16, 1), data).ct)).toBe(true);
    const cbcIv = rnd(16);
    const cbc = reference('aes-256-cbc', key, cbcIv, data).ct;
    const cbcBuf = Buffer.from(cbc);
    const pt = await ctx.decrypt(cbcBuf, { alg: 'aes-256-cbc', key, iv: cbcIv, out: cbcBuf });
    expect(pt.equals(data)).toBe(true);
    expect(pt.buffer).toBe(cbcBuf.buffer);
  });
});
