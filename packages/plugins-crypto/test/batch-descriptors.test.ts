/**
 * Batches as batch descriptors (SESSION_BATCH / DIGEST_BATCH): one
 * descriptor per part, parts cut by size and by the 1024-entry limit,
 * failures reported with the caller's message index across parts, and
 * hmacBatch. (batch.test.ts covers the API's argument rules.)
 */
import * as nc from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPlan, partRanges } from '../src/batch-request.js';
import { open, type CryptoContext } from './helpers.js';

let queued: CryptoContext;
let inline: CryptoContext;
beforeAll(async () => {
  queued = await open({ queues: 2 });
  inline = await open({ inlineMaxBytes: 16384 });
});
afterAll(async () => {
  await queued?.close();
  await inline?.close();
});

const key = nc.randomBytes(32);
const gcmRef = (iv: Buffer, m: Buffer, aad?: Buffer) => {
  const c = nc.createCipheriv('aes-256-gcm', key, iv);
  if (aad) c.setAAD(aad);
  return { ct: Buffer.concat([c.update(m), c.final()]), tag: c.getAuthTag() };
};
const opsOf = (ctx: CryptoContext) => ctx.stats().ops;

describe('batchPlan', () => {
  it('inline while every message and the batch are small; queued parts by size, never over 1024 entries each', () => {
    expect(batchPlan(64, 64 * 4096, 4096, 16384)).toEqual({ inline: true, parts: 1 });
    expect(batchPlan(3000, 3000 * 16, 16, 16384)).toEqual({ inline: true, parts: 3 });
    expect(batchPlan(2, 2 << 20, 1 << 20, 16384)).toEqual({ inline: false, parts: 2 });
    expect(batchPlan(64, 64 << 20, 1 << 20, 16384)).toEqual({ inline: false, parts: 8 });
    expect(batchPlan(100, 100 * 20000, 20000, 16384)).toEqual({ inline: false, parts: 8 });
    expect(batchPlan(5000, 5000 * 20000, 20000, 16384).parts).toBe(8);
    expect(batchPlan(9000, 9000 * 20000, 20000, 16384).parts).toBe(9);
    expect(batchPlan(4, 400, 100, -1)).toEqual({ inline: false, parts: 1 }); // no inline path (kernel device)
    expect(partRanges(20, 8)).toEqual([[0, 2], [2, 3], [5, 2], [7, 3], [10, 2], [12, 3], [15, 2], [17, 3]]);
    expect(partRanges(2049, 3).map(([, n]) => n)).toEqual([683, 683, 683]);
    expect(batchPlan(64, 2 << 20, 32768, 65536).inline).toBe(false); // over 1 MiB in all
  });
});

describe('batch descriptors', () => {
  it('a queued batch in several parts: right bytes; one forged tag in a late part names its index and zeroes every output', async () => {
    const s = await queued.createCipherSession({ alg: 'aes-256-gcm', key });
    const messages = Array.from({ length: 20 }, (_, i) => nc.randomBytes(40_000 + i));
    const ivs = messages.map(() => nc.randomBytes(12));
    const aad = nc.randomBytes(13);
    const before = opsOf(queued);
    const { ciphertexts, tags } = await s.encryptBatch(messages, { ivs, aad });
    expect(opsOf(queued) - before).toBe(batchPlan(20, messages.reduce((n, m) => n + m.length, 0), 40_019, 0).parts);
    messages.forEach((m, i) => {
      const want = gcmRef(ivs[i]!, m, aad);
      expect(ciphertexts[i]!.equals(want.ct)).toBe(true);
      expect(tags!.subarray(16 * i, 16 * i + 16).equals(want.tag)).toBe(true);
    });
    tags![17 * 16 + 3]! ^= 0x40;
    const outs = messages.map((m) => Buffer.alloc(m.length, 0xee));
    await expect(s.decryptBatch(ciphertexts, { ivs, aad, tags, outs })).rejects.toMatchObject({ code: 'ERR_AUTH_FAILED', details: { index: 17 } });
    for (const o of outs) expect(o.every((b) => b === 0)).toBe(true);
    tags![17 * 16 + 3]! ^= 0x40;
    const plain = await s.decryptBatch(ciphertexts, { ivs, aad, tags, outs });
    plain.forEach((p, i) => expect(p.equals(messages[i]!)).toBe(true));
    await s.close();
  });

  for (const [name, get] of [['queued', () => queued], ['inline', () => inline]] as const) {
    it(`${name}: 2500 messages (three descriptors of ≤ 1024 entries) with IVs of 1, 4, 12 and 128 bytes`, async () => {
      const ctx = get();
      const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key });
      const messages = Array.from({ length: 2500 }, (_, i) => nc.randomBytes(i % 50));
      const ivs = messages.map((_, i) => nc.randomBytes(i === 0 ? 1 : [4, 12, 128][i % 3]!));
      const before = opsOf(ctx);
      const { ciphertexts, tags } = await s.encryptBatch(messages, { ivs, tagLength: 8 });
      expect(opsOf(ctx) - before).toBe(3);
      messages.forEach((m, i) => {
        const want = gcmRef(ivs[i]!, m);
        expect(ciphertexts[i]!.equals(want.ct)).toBe(true);
        expect(tags!.subarray(8 * i, 8 * i + 8).equals(want.tag.subarray(0, 8))).toBe(true);
      });
      const plain = await s.decryptBatch(ciphertexts, { ivs, tags, tagLength: 8 });
      plain.forEach((p, i) => expect(p.equals(messages[i]!)).toBe(true));
      await s.close();
    });

    it(`${name}: CBC batch with bad padding in message 2 → ERR_DATA_CORRUPT (index 2), outputs zeroed; a closed session refuses`, async () => {
      const k = key.subarray(0, 16);
      const s = await get().createCipherSession({ alg: 'aes-128-cbc', key: k });
      const ivs = [0, 1, 2, 3].map(() => nc.randomBytes(16));
      const plain = [nc.randomBytes(20), nc.randomBytes(40), Buffer.alloc(32), nc.randomBytes(5)];
      // message 2 ends in a 0x00 byte once decrypted: never valid PKCS#7 padding
      const messages = plain.map((m, i) => {
        const c = nc.createCipheriv('aes-128-cbc', k, ivs[i]!).setAutoPadding(i !== 2);
        return Buffer.concat([c.update(m), c.final()]);
      });
      const outs = messages.map((m) => Buffer.alloc(m.length, 0xee));
      await expect(s.decryptBatch(messages, { ivs, outs })).rejects.toMatchObject({ code: 'ERR_DATA_CORRUPT', details: { index: 2 } });
      for (const o of outs) expect(o.every((b) => b === 0)).toBe(true);
      const good = await s.decryptBatch([messages[0]!, messages[1]!, messages[3]!], { ivs: [ivs[0]!, ivs[1]!, ivs[3]!] });
      expect(good.map((b) => b.toString('hex'))).toEqual([plain[0]!, plain[1]!, plain[3]!].map((b) => b.toString('hex')));
      await s.close();
      await expect(s.encryptBatch(plain, { ivs })).rejects.toMatchObject({ code: 'ERR_SESSION_CLOSED' });
    });

    it(`${name}: hmacBatch equals node:crypto for every HMAC, into a new or the caller's buffer; bad input refused`, async () => {
      const ctx = get();
      const messages = [0, 1, 64, 1000, 20_000].map((n) => nc.randomBytes(n));
      const k = nc.randomBytes(70);
      for (const alg of ['hmac-sha256', 'hmac-sha384', 'hmac-sha512']) {
        const md = alg.slice(5);
        const want = Buffer.concat(messages.map((m) => nc.createHmac(md, k).update(m).digest()));
        expect((await ctx.hmacBatch(messages, { alg, key: k })).equals(want)).toBe(true);
        const out = Buffer.alloc(want.length + 3, 0xee);
        const got = await ctx.hmacBatch(messages, { alg, key: k, out });
        expect(got.buffer).toBe(out.buffer);
        expect(got.equals(want)).toBe(true);
      }
      await expect(ctx.hmacBatch(messages, { alg: 'hmac-sha256' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'key' } });
      await expect(ctx.hmacBatch(messages, { alg: 'hmac-sha256', key: k, out: Buffer.alloc(32 * 5 - 1) })).rejects.toMatchObject({ code: 'ERR_BUFFER_TOO_SMALL' });
      await expect(ctx.hmacBatch([Buffer.alloc(1), 7 as never], { alg: 'hmac-sha256', key: k })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { index: 1 } });
      await expect(ctx.hmacBatch(messages, { alg: 'hmac-md5', key: k })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_OPERATION' });
    });
  }

  it('in-place decryption failing in the first part: parts that never ran keep their ciphertext; n = 0 needs no tags', async () => {
    const s = await inline.createCipherSession({ alg: 'aes-256-gcm', key });
    const messages = Array.from({ length: 2100 }, () => nc.randomBytes(32));
    const ivs = messages.map(() => nc.randomBytes(12));
    const { ciphertexts, tags } = await s.encryptBatch(messages, { ivs });
    const saved = ciphertexts.map((c) => Buffer.from(c));
    tags![0]! ^= 1;
    await expect(s.decryptBatch(ciphertexts, { ivs, tags, outs: ciphertexts })).rejects.toMatchObject({ code: 'ERR_AUTH_FAILED', details: { index: 0 } });
    // part 1 (messages 0–699) failed and was wiped; parts 2 and 3 never ran
    expect(ciphertexts.slice(0, 700).every((c) => c.every((b) => b === 0))).toBe(true);
    ciphertexts.slice(700).forEach((c, i) => expect(c.equals(saved[700 + i]!)).toBe(true));
    expect(await s.decryptBatch([], { ivs: [] })).toEqual([]);
    await s.close();
  });

  it('an inline digest batch is one descriptor; a batch of large messages is queued in parts', async () => {
    const small = Array.from({ length: 64 }, () => nc.randomBytes(256));
    let before = opsOf(inline);
    const a = await inline.digestBatch(small, { alg: 'sha256' });
    expect(inline.stats().ops - before).toBe(1);
    expect(a.equals(Buffer.concat(small.map((m) => nc.createHash('sha256').update(m).digest())))).toBe(true);
    const large = Array.from({ length: 4 }, () => nc.randomBytes(100_000));
    before = opsOf(inline);
    const b = await inline.digestBatch(large, { alg: 'sha512' });
    expect(inline.stats().ops - before).toBe(4); // 400 kB: min(8, 4 messages, 400 kB / 64 KiB = 6)
    expect(b.equals(Buffer.concat(large.map((m) => nc.createHash('sha512').update(m).digest())))).toBe(true);
  });
});
