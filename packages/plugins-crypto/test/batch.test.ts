/**
 * Cipher session batches (encryptBatch/decryptBatch) on both paths (inline
 * and queued), and the reused inline request of whole messages.
 */
import * as nc from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, type CryptoContext } from './helpers.js';

let queued: CryptoContext;
let inline: CryptoContext;
beforeAll(async () => {
  queued = await open({ queues: 2 }); // every async request on a queue
  inline = await open({ inlineMaxBytes: 16384 });
});
afterAll(async () => {
  await queued?.close();
  await inline?.close();
});

const key = nc.randomBytes(32);
const ref = (alg: string, k: Buffer, iv: Buffer, data: Buffer) => {
  const c = nc.createCipheriv(alg, k, iv);
  const out = Buffer.concat([c.update(data), c.final()]);
  return { out, tag: alg.endsWith('gcm') ? (c as nc.CipherGCM).getAuthTag() : undefined };
};
const paths = () => [['queued', queued], ['inline', inline]] as const;

describe('encryptBatch / decryptBatch', () => {
  for (const [name, get] of [['queued', () => queued], ['inline', () => inline]] as const) {
    it(`${name}: every mode matches node:crypto per message, with and without outs, and decrypts back`, async () => {
      const ctx = get();
      for (const alg of ['aes-256-gcm', 'aes-128-ctr', 'aes-192-cbc']) {
        const k = key.subarray(0, Number(alg.slice(4, 7)) / 8);
        const s = await ctx.createCipherSession({ alg, key: k });
        const gcm = alg.endsWith('gcm');
        const messages = [0, 1, 15, 16, 17, 255, 4096, 20000].map((n) => nc.randomBytes(n));
        const ivs = messages.map(() => nc.randomBytes(gcm ? 12 : 16));
        const aad = gcm ? nc.randomBytes(20) : undefined;
        const outs = messages.map((m) => Buffer.alloc(m.byteLength + 16));
        const a = await s.encryptBatch(messages, { ivs, aad });
        const b = await s.encryptBatch(messages, { ivs, aad, outs, tagLength: gcm ? 12 : undefined });
        messages.forEach((m, i) => {
          const c = nc.createCipheriv(alg, k, ivs[i]!);
          if (aad) (c as nc.CipherGCM).setAAD(aad);
          const want = Buffer.concat([c.update(m), c.final()]);
          expect(a.ciphertexts[i]!.equals(want)).toBe(true);
          expect(b.ciphertexts[i]!.equals(want)).toBe(true);
          expect(b.ciphertexts[i]!.buffer).toBe(outs[i]!.buffer);
          if (gcm) {
            const tag = (c as nc.CipherGCM).getAuthTag();
            expect(a.tags!.subarray(16 * i, 16 * i + 16).equals(tag)).toBe(true);
            expect(b.tags!.subarray(12 * i, 12 * i + 12).equals(tag.subarray(0, 12))).toBe(true);
          }
        });
        if (!gcm) expect(a.tags).toBeUndefined();
        const plain = await s.decryptBatch(b.ciphertexts, { ivs, aad, tags: b.tags, tagLength: gcm ? 12 : undefined });
        plain.forEach((p, i) => expect(p.equals(messages[i]!)).toBe(true));
        await s.close();
      }
    });

    it(`${name}: one forged tag fails the whole batch with its index and zeroes every output`, async () => {
      const s = await get().createCipherSession({ alg: 'aes-256-gcm', key });
      const messages = Array.from({ length: 6 }, (_, i) => nc.randomBytes(100 + i * 5000));
      const ivs = messages.map(() => nc.randomBytes(12));
      const { ciphertexts, tags } = await s.encryptBatch(messages, { ivs });
      tags![3 * 16]! ^= 1;
      const outs = messages.map((m) => Buffer.alloc(m.byteLength, 0xee));
      const err = await s.decryptBatch(ciphertexts, { ivs, tags, outs }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_AUTH_FAILED', details: { index: 3 } });
      // messages 0-2 (decrypted first) and 3 (failed) are zeroed; the others were never written or zeroed
      for (const [i, o] of outs.entries()) expect(o.every((b) => b === 0) || (i > 3 && o.every((b) => b === 0xee))).toBe(true);
      for (const o of outs.slice(0, 4)) expect(o.every((b) => b === 0)).toBe(true);
      await s.close();
    });
  }

  it('a repeated IV, mismatched columns, a short tag buffer and misplaced tags are refused before anything runs', async () => {
    for (const [, ctx] of paths()) {
      const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key });
      const m = [Buffer.alloc(64, 1), Buffer.alloc(64, 2), Buffer.alloc(64, 3)];
      const outs = m.map(() => Buffer.alloc(64, 0xaa));
      const iv = nc.randomBytes(12);
      await expect(s.encryptBatch(m, { ivs: [iv, nc.randomBytes(12), Buffer.from(iv)], outs }))
        .rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'options.ivs[2]' } });
      expect(outs.every((o) => o.every((b) => b === 0xaa))).toBe(true);
      await expect(s.encryptBatch(m, { ivs: [iv] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'options.ivs' } });
      await expect(s.encryptBatch(m, { ivs: m.map(() => nc.randomBytes(12)), outs: [outs[0]!] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'options.outs' } });
      await expect(s.encryptBatch(m, { ivs: m.map(() => nc.randomBytes(12)), tags: Buffer.alloc(47) })).rejects.toMatchObject({ code: 'ERR_BUFFER_TOO_SMALL' });
      await expect(s.decryptBatch(m, { ivs: m.map(() => nc.randomBytes(12)) })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'options.tags' } });
      await expect(s.encryptBatch('nope' as never, { ivs: [] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'messages' } });
      await expect(s.encryptBatch([Buffer.alloc(1), 7 as never], { ivs: [nc.randomBytes(12), nc.randomBytes(12)] }))
        .rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { index: 1 } });
      await expect(s.encryptBatch(m, { ivs: m.map(() => nc.randomBytes(12)), outs: m.map(() => Buffer.alloc(10)) }))
        .rejects.toMatchObject({ code: 'ERR_BUFFER_TOO_SMALL', details: { index: 0 } });
      await s.close();
      await expect(s.encryptBatch([], { ivs: [] })).rejects.toMatchObject({ code: 'ERR_SESSION_CLOSED' });
      const ctr = await ctx.createCipherSession({ alg: 'aes-128-ctr', key: key.subarray(0, 16) });
      await expect(ctr.encryptBatch(m, { ivs: m.map(() => nc.randomBytes(16)), tags: Buffer.alloc(48) })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'options.tags' } });
      await expect(ctr.encryptBatch([], { ivs: [] })).resolves.toEqual({ ciphertexts: [] });
      await ctr.close();
    }
  });
});

describe('the reused inline request', () => {
  it('a call nested in a getter of the options (same session) gets its own request; both results are right', async () => {
    const s = inline.createCipherSessionSync({ alg: 'aes-256-gcm', key });
    const ivA = nc.randomBytes(12), ivB = nc.randomBytes(12), a = nc.randomBytes(300), b = nc.randomBytes(200);
    let inner: { ciphertext: Buffer; tag?: Buffer } | undefined;
    const options = {
      get iv() {
        inner = s.encryptSync(b, { iv: ivB });
        return ivA;
      },
    };
    const outer = await s.encrypt(a, options);
    const ra = ref('aes-256-gcm', key, ivA, a), rb = ref('aes-256-gcm', key, ivB, b);
    expect(outer.ciphertext.equals(ra.out) && outer.tag!.equals(ra.tag!)).toBe(true);
    expect(inner!.ciphertext.equals(rb.out) && inner!.tag!.equals(rb.tag!)).toBe(true);
    s.closeSync();
  });

  it('a failed inline message leaves the session usable and its next message correct', async () => {
    const s = inline.createCipherSessionSync({ alg: 'aes-128-gcm', key: key.subarray(0, 16) });
    const iv = nc.randomBytes(12), data = nc.randomBytes(1000);
    const { ciphertext, tag } = s.encryptSync(data, { iv, aad: Buffer.from('hdr') });
    await expect(s.decrypt(ciphertext, { iv, tag })).rejects.toMatchObject({ code: 'ERR_AUTH_FAILED' }); // aad missing
    await expect(s.decrypt(ciphertext, { iv, tag: tag!.subarray(0, 3) })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect((await s.decrypt(ciphertext, { iv, tag, aad: Buffer.from('hdr') })).equals(data)).toBe(true);
    s.closeSync();
  });

  it('ctx.digest / digestSync: a nested call from a getter, a failed call, then normal calls all give the right digests', async () => {
    const a = nc.randomBytes(300), b = nc.randomBytes(5000);
    let inner: Buffer | undefined;
    const options = {
      get alg() {
        inner = inline.digestSync(b, { alg: 'sha384' });
        return 'sha256';
      },
    };
    expect(inline.digestSync(a, options).equals(nc.createHash('sha256').update(a).digest())).toBe(true);
    expect(inner!.equals(nc.createHash('sha384').update(b).digest())).toBe(true);
    expect(() => inline.digestSync(a, { alg: 'sha256', out: Buffer.alloc(31) })).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_TOO_SMALL' }));
    expect(() => inline.digestSync(a, { alg: 'sha256', key: Buffer.alloc(1) } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    await expect(inline.digest(a, { alg: 'md5' })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_OPERATION' });
    const shared = new Uint8Array(new SharedArrayBuffer(100_000)).fill(7);
    for (const alg of ['sha1', 'sha224', 'sha256', 'sha384', 'sha512']) {
      expect((await inline.digest(a, { alg })).equals(nc.createHash(alg).update(a).digest())).toBe(true);
      expect((await inline.digest(shared, { alg })).equals(nc.createHash(alg).update(shared).digest())).toBe(true); // queued: above inlineMaxBytes
      const out = Buffer.alloc(64, 0xee);
      expect(inline.digestSync(b, { alg, out }).equals(nc.createHash(alg).update(b).digest())).toBe(true);
    }
  });

  it('ctx.digestBatch: every hash, inline and queued, into a new or the caller’s buffer; bad input refused with its index', async () => {
    for (const [, ctx] of paths()) {
      const messages = [0, 1, 63, 64, 65, 1000, 20_000].map((n) => nc.randomBytes(n));
      for (const alg of ['sha1', 'sha224', 'sha256', 'sha384', 'sha512']) {
        const len = nc.createHash(alg).digest().length;
        const want = Buffer.concat(messages.map((m) => nc.createHash(alg).update(m).digest()));
        expect((await ctx.digestBatch(messages, { alg })).equals(want)).toBe(true);
        const out = Buffer.alloc(messages.length * len + 5, 0xee);
        const got = await ctx.digestBatch(messages.slice(0, 5), { alg, out }); // all small: inline on the inline context
        expect(got.buffer).toBe(out.buffer);
        expect(got.length).toBe(5 * len);
        expect(got.equals(want.subarray(0, 5 * len))).toBe(true);
      }
      expect((await ctx.digestBatch([], { alg: 'sha256' })).length).toBe(0);
      await expect(ctx.digestBatch(messages, { alg: 'sha256', out: Buffer.alloc(32 * messages.length - 1) })).rejects.toMatchObject({ code: 'ERR_BUFFER_TOO_SMALL' });
      await expect(ctx.digestBatch([Buffer.alloc(3), 'x' as never], { alg: 'sha256' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { index: 1 } });
      await expect(ctx.digestBatch('x' as never, { alg: 'sha256' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'messages' } });
      await expect(ctx.digestBatch([], { alg: 'hmac-sha256' })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_OPERATION' });
      const shared = Buffer.alloc(256);
      await expect(ctx.digestBatch([shared.subarray(0, 100), shared.subarray(100, 200)], { alg: 'sha256', out: shared.subarray(150, 214) }))
        .rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { index: 1, argument: 'out' } });
    }
  });
});
