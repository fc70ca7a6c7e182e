/**
 * plugin-crypto on the wd_soft kernel device (/dev/wd_soft-N, driver/kernel
 * wd_soft_crypto*.c: the kernel crypto API): the shared conformance suite,
 * and every algorithm byte-identical with the soft device (OpenSSL), one-shot,
 * session messages, stream steps one by one, hash sessions, failure codes.
 *
 * Not run on the host (vitest.config.ts excludes it unless WARPDRIVE_DEVICE
 * is set): the QEMU guest of driver/test/qemu/run.sh runs it with
 * WARPDRIVE_DEVICE=wd_soft-0 and CI=1, where a missing device fails.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConformanceSuite } from '@warpdrive/conformance';
import { createContext, type Cqe } from '@warpdrive/core';
import crypto from '../src/index.js';
import { OPS } from '../src/ops.js';
import type { CryptoRequest } from '../src/codec.js';
import { needs } from '../../conformance/needs.js';

const env = process.env.WARPDRIVE_DEVICE;
const DEVICE = env !== undefined && env.startsWith('wd_soft-') ? env : 'wd_soft-0';
const hasDevice = existsSync(`/dev/${DEVICE}`);
const skipKernel = needs(hasDevice, `no /dev/${DEVICE} (the kernel-device tests run in the QEMU guest: pnpm test:driver)`);

const openKernel = (o: { queues?: number } = {}) => createContext({ plugins: [crypto()], device: DEVICE, depth: 64, ...o });
type Ctx = Awaited<ReturnType<typeof openKernel>>;

const key = randomBytes(32);
const iv12 = randomBytes(12);
const iv16 = randomBytes(16);
const gcm = { alg: 'aes-256-gcm', key, iv: iv12 };
const join = (r: { ciphertext: Buffer; tag?: Buffer }) => (r.tag ? Buffer.concat([r.ciphertext, r.tag]) : r.ciphertext);
const keyOf = (alg: string) => key.subarray(0, Number(alg.slice(4, 7)) / 8);

defineConformanceSuite<Ctx, { alg: string; key: Buffer; iv: Buffer }>({
  plugin: 'crypto',
  backends: [{ name: 'kernel', open: (o) => openKernel({ queues: o?.queues }), ...(hasDevice ? {} : { skip: `no /dev/${DEVICE}` }) }],
  roundTrip: {
    cases: ['aes-128-gcm', 'aes-256-ctr', 'aes-192-cbc'].flatMap((alg) =>
      [Buffer.alloc(0), randomBytes(1), randomBytes(100_003)].map((input) => ({
        name: `${alg} ${input.length} B`,
        input,
        options: { alg, key: keyOf(alg), iv: alg.endsWith('gcm') ? iv12 : iv16 },
      })),
    ),
    forward: async (ctx, x, o) => join(await ctx.encrypt(x, o!)),
    inverse: (ctx, y, o) => {
      const b = Buffer.from(y.buffer, y.byteOffset, y.byteLength);
      const g = o!.alg.endsWith('gcm');
      return ctx.decrypt(g ? b.subarray(0, b.length - 16) : b, { ...o!, tag: g ? b.subarray(b.length - 16) : undefined });
    },
  },
  vectors: [
    {
      name: 'AES-128-GCM test case 2: ciphertext || tag',
      run: async (ctx) => join(await ctx.encrypt(Buffer.alloc(16), { alg: 'aes-128-gcm', key: Buffer.alloc(16), iv: Buffer.alloc(12) })),
      expected: Buffer.from('0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf', 'hex'),
    },
    { name: 'SHA-256("abc")', run: (ctx) => ctx.digest(Buffer.from('abc'), { alg: 'sha256' }), expected: Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex') },
  ],
  badInput: [
    { name: 'GCM tag mismatch', run: (ctx) => ctx.decrypt(randomBytes(100), { ...gcm, tag: Buffer.alloc(16) }), code: 'ERR_AUTH_FAILED' },
    { name: 'CBC ciphertext not whole blocks', run: (ctx) => ctx.decrypt(Buffer.alloc(33), { alg: 'aes-256-cbc', key, iv: iv16 }), code: 'ERR_INVALID_ARGUMENT' },
    { name: 'key of the wrong length', run: (ctx) => ctx.encrypt(Buffer.alloc(8), { ...gcm, key: key.subarray(0, 16) }), code: 'ERR_INVALID_ARGUMENT' },
    { name: '`out` too small', run: (ctx) => ctx.encrypt(Buffer.alloc(100), { ...gcm, out: Buffer.alloc(99) }), code: 'ERR_BUFFER_TOO_SMALL' },
    { name: 'stream update before start', run: async (ctx) => (await ctx.createCipherSession({ alg: 'aes-128-ctr', key: key.subarray(0, 16) })).update(Buffer.alloc(4)), code: 'ERR_INVALID_ARGUMENT' },
    { name: 'no inline path: *Sync', run: (ctx) => ctx.digestSync(Buffer.alloc(4), { alg: 'sha256' }), code: 'ERR_UNSUPPORTED_OPERATION' },
  ],
  concurrency: {
    inFlight: 128,
    queues: 4,
    run: async (ctx, i) => join(await ctx.encrypt(Buffer.alloc(i * 37, i), { alg: ['aes-128-gcm', 'aes-256-ctr', 'aes-192-cbc'][i % 3]!, key: key.subarray(0, [16, 32, 24][i % 3]), iv: i % 3 === 0 ? iv12 : iv16 })),
  },
});

const CIPHERS = ['gcm', 'ctr', 'cbc'].flatMap((m) => [128, 192, 256].map((b) => `aes-${b}-${m}`));
const SIZES = [0, 1, 15, 16, 17, 1000, 70_001];

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (err: { code?: string }) => err.code ?? 'no code',
  );
}

describe.skipIf(skipKernel)(`crypto on kernel device ${DEVICE}, byte-identical with the soft device`, () => {
  let k: Ctx;
  let s: Ctx;
  beforeAll(async () => {
    k = await openKernel({ queues: 2 });
    s = await createContext({ plugins: [crypto()], device: 'soft', workers: 1 });
  });
  afterAll(async () => {
    await k?.close();
    await s?.close();
  });

  it('one-shot encrypt/decrypt: every AES mode and key size, GCM IVs of 12/7/60 bytes with AAD', async () => {
    for (const alg of CIPHERS) {
      const ivs = alg.endsWith('gcm') ? [iv12, randomBytes(7), randomBytes(60)] : [iv16];
      for (const [i, n] of SIZES.entries()) {
        const data = randomBytes(n);
        const o = { alg, key: keyOf(alg), iv: ivs[i % ivs.length]!, ...(alg.endsWith('gcm') ? { aad: randomBytes(i * 5), tagLength: [16, 12, 4][i % 3] } : {}) };
        const a = await k.encrypt(data, o);
        const b = await s.encrypt(data, o);
        expect(join(a).equals(join(b)), `${alg} ${n}`).toBe(true);
        expect((await k.decrypt(b.ciphertext, { ...o, tag: b.tag })).equals(data)).toBe(true);
        if (alg.endsWith('cbc') && n % 16 === 0) {
          const np = { ...o, padding: false };
          expect((await k.encrypt(data, np)).ciphertext.equals((await s.encrypt(data, np)).ciphertext)).toBe(true);
        }
      }
    }
  });

  it('digests and HMACs of every size class, HMAC keys shorter and longer than a block', async () => {
    for (const alg of ['sha1', 'sha224', 'sha256', 'sha384', 'sha512']) {
      for (const n of [0, 3, 64, 1000, 200_001]) {
        const data = randomBytes(n);
        expect((await k.digest(data, { alg })).equals(await s.digest(data, { alg })), `${alg} ${n}`).toBe(true);
      }
    }
    for (const alg of ['hmac-sha256', 'hmac-sha384', 'hmac-sha512']) {
      for (const kl of [1, 32, 200]) {
        const hk = randomBytes(kl);
        const data = randomBytes(kl * 51);
        expect((await k.hmac(data, { alg, key: hk })).equals(await s.hmac(data, { alg, key: hk })), `${alg} key ${kl}`).toBe(true);
      }
    }
  });

  it('cipher sessions: messages, and streams whose every step equals the soft device step', async () => {
    for (const alg of CIPHERS) {
      for (const padding of alg.endsWith('cbc') ? [true, false] : [true]) {
        const ks = await k.createCipherSession({ alg, key: keyOf(alg), padding });
        const ss = await s.createCipherSession({ alg, key: keyOf(alg), padding });
        const iv = alg.endsWith('gcm') ? iv12 : iv16;
        const aad = alg.endsWith('gcm') ? randomBytes(20) : undefined;
        const msg = randomBytes(padding ? 1001 : 1008);
        const ma = await ks.encrypt(msg, { iv, aad });
        const mb = await ss.encrypt(msg, { iv, aad });
        expect(join(ma).equals(join(mb)), `${alg} message`).toBe(true);
        for (const decrypt of [false, true]) {
          const input = decrypt ? mb.ciphertext : msg;
          ks.start({ iv, aad, decrypt });
          ss.start({ iv, aad, decrypt });
          const cuts = [0, 5, 16, 16, 100, 33];
          let off = 0;
          for (const c of cuts) {
            const piece = input.subarray(off, off + c);
            off += piece.length;
            expect((await ks.update(piece)).equals(await ss.update(piece)), `${alg} step ${c}`).toBe(true);
          }
          const rest = input.subarray(off);
          expect((await ks.update(rest)).equals(await ss.update(rest))).toBe(true);
          const fo = decrypt && mb.tag ? { tag: mb.tag } : alg.endsWith('gcm') && !decrypt ? { tagLength: 16 } : {};
          const fa = await ks.final(fo);
          const fb = await ss.final(fo);
          expect(fa.output.equals(fb.output), `${alg} final`).toBe(true);
          expect(fa.tag?.toString('hex')).toBe(fb.tag?.toString('hex'));
        }
        await ks.close();
        await ss.close();
      }
    }
  });

  it('hash sessions: update/digest twice (digest restarts), HMAC keeps its key', async () => {
    for (const alg of ['sha1', 'sha256', 'sha512', 'hmac-sha256', 'hmac-sha384']) {
      const hk = alg.startsWith('hmac') ? { key: randomBytes(77) } : {};
      const ka = await k.createHashSession({ alg, ...hk });
      const sa = await s.createHashSession({ alg, ...hk });
      for (let round = 0; round < 2; round++) {
        for (const n of [0, 7, 64, 5000]) {
          const d = randomBytes(n);
          await ka.update(d);
          await sa.update(d);
        }
        expect((await ka.digest()).equals(await sa.digest()), alg).toBe(true);
      }
      await ka.close();
      await sa.close();
    }
  });

  it('batch descriptors: encryptBatch/decryptBatch of every mode (one and several parts), digestBatch, hmacBatch equal the soft device; a forged tag fails by index', async () => {
    for (const alg of CIPHERS) {
      const ks = await k.createCipherSession({ alg, key: keyOf(alg) });
      const ss = await s.createCipherSession({ alg, key: keyOf(alg) });
      const gcm = alg.endsWith('gcm');
      // 40 small messages (one descriptor), then 6 × 50 kB (several parts)
      for (const sizes of [Array.from({ length: 40 }, (_, i) => i * 13), Array.from({ length: 6 }, (_, i) => 50_000 + i)]) {
        const messages = sizes.map((n) => randomBytes(n));
        const ivs = messages.map((_, i) => randomBytes(gcm ? [12, 7, 60][i % 3]! : 16));
        const o = { ivs, ...(gcm ? { aad: randomBytes(9), tagLength: 12 } : {}) };
        const a = await ks.encryptBatch(messages, o);
        const b = await ss.encryptBatch(messages, o);
        a.ciphertexts.forEach((c, i) => expect(c.equals(b.ciphertexts[i]!), `${alg} message ${i}`).toBe(true));
        expect(a.tags?.toString('hex')).toBe(b.tags?.toString('hex'));
        const back = await ks.decryptBatch(b.ciphertexts, { ...o, tags: b.tags });
        back.forEach((p, i) => expect(p.equals(messages[i]!)).toBe(true));
        if (gcm) {
          const forged = Buffer.from(b.tags!);
          forged[12 * (messages.length - 1)]! ^= 1;
          const outs = messages.map((m) => Buffer.alloc(m.length, 0xaa));
          const err = await ks.decryptBatch(b.ciphertexts, { ...o, tags: forged, outs }).catch((e: unknown) => e);
          expect(err).toMatchObject({ code: 'ERR_AUTH_FAILED', details: { index: messages.length - 1 } });
          for (const out of outs) expect(out.every((x) => x === 0)).toBe(true);
        }
      }
      await ks.close();
      await ss.close();
    }
    const messages = [0, 1, 64, 1000, 70_000, 200_000].map((n) => randomBytes(n));
    for (const alg of ['sha1', 'sha224', 'sha256', 'sha384', 'sha512']) {
      expect((await k.digestBatch(messages, { alg })).equals(await s.digestBatch(messages, { alg })), alg).toBe(true);
    }
    const hk = randomBytes(150);
    for (const alg of ['hmac-sha256', 'hmac-sha384', 'hmac-sha512']) {
      expect((await k.hmacBatch(messages, { alg, key: hk })).equals(await s.hmacBatch(messages, { alg, key: hk })), alg).toBe(true);
    }
  });

  it('failures: tag mismatch wipes `out` (ERR_AUTH_FAILED), bad padding is ERR_DATA_CORRUPT, like the soft device', async () => {
    const data = randomBytes(300);
    const { ciphertext, tag } = await s.encrypt(data, gcm);
    const bad = Buffer.from(tag!);
    bad[0] = bad[0]! ^ 1;
    // A block whose plaintext ends in 0x00: never valid PKCS#7.
    const cbc = { alg: 'aes-128-cbc', key: key.subarray(0, 16), iv: iv16 };
    const badPad = (await s.encrypt(Buffer.alloc(32, 0), { ...cbc, padding: false })).ciphertext;
    for (const ctx of [k, s]) {
      const out = Buffer.alloc(300, 0xaa);
      expect(await codeOf(ctx.decrypt(ciphertext, { ...gcm, tag: bad, out }))).toBe('ERR_AUTH_FAILED');
      expect(out.equals(Buffer.alloc(300))).toBe(true);
      expect(await codeOf(ctx.decrypt(badPad, cbc))).toBe('ERR_DATA_CORRUPT');
    }
  });

  it('sessions on a context of several queues stay on the queue that opened them; INFO counts them per queue', async () => {
    const sessions = await Promise.all(Array.from({ length: 8 }, (_, i) => k.createCipherSession({ alg: 'aes-128-gcm', key: key.subarray(i, i + 16) })));
    const ref = await Promise.all(Array.from({ length: 8 }, (_, i) => s.createCipherSession({ alg: 'aes-128-gcm', key: key.subarray(i, i + 16) })));
    const data = randomBytes(5000);
    const got = await Promise.all(sessions.flatMap((x) => [0, 1, 2].map(() => x.encrypt(data, { iv: iv12 }))));
    const want = await Promise.all(ref.map((x) => x.encrypt(data, { iv: iv12 })));
    got.forEach((r, i) => expect(join(r).equals(join(want[Math.floor(i / 3)]!))).toBe(true));
    // INFO on each queue: the kernel's text, and that queue's live sessions
    let live = 0;
    for (const q of k.queues) {
      const dst = Buffer.alloc(512);
      const info = await q.run<{ text: string; sessions: number }>(OPS.info, {
        param: undefined, src: undefined, dst, dstLen: dst.byteLength, aad: undefined, handle: 0,
        authDecrypt: false, label: 'engine info', done: (cqe: Cqe) => ({ text: dst.toString('utf8', 0, cqe.produced), sessions: cqe.auxLow }),
      } satisfies CryptoRequest<{ text: string; sessions: number }>);
      expect(info.text).toMatch(/^Linux \S+ kernel crypto API\n.*ghash/);
      live += info.sessions;
    }
    expect(live).toBe(8);
    await Promise.all([...sessions, ...ref].map((x) => x.close()));
  });
});

describe.skipIf(skipKernel)(`plugin-crypto on ${DEVICE} in no-SVA mode (dataRegion)`, () => {
  it('one-shot, sessions, streams and tag failures through the data region match the SVA queue', async () => {
    const nosva = await createContext({ plugins: [crypto()], device: DEVICE, depth: 32, dataRegion: 1 << 20 });
    const sva = await openKernel();
    try {
      const data = randomBytes(70_001);
      const aad = randomBytes(33);
      for (const alg of ['aes-256-gcm', 'aes-128-ctr', 'aes-192-cbc']) {
        const o = { alg, key: keyOf(alg), iv: alg.endsWith('gcm') ? iv12 : iv16, ...(alg.endsWith('gcm') ? { aad } : {}) };
        const a = await nosva.encrypt(data, o);
        expect(join(a).equals(join(await sva.encrypt(data, o)))).toBe(true);
        expect((await nosva.decrypt(a.ciphertext, { ...o, ...(a.tag ? { tag: a.tag } : {}) })).equals(data)).toBe(true);
      }
      expect((await nosva.digest(data, { alg: 'sha256' })).equals(await sva.digest(data, { alg: 'sha256' }))).toBe(true);
      expect((await nosva.hmac(data, { alg: 'hmac-sha256', key })).equals(await sva.hmac(data, { alg: 'hmac-sha256', key }))).toBe(true);
      // a GCM tag failure: typed error, and the caller's out stays zeroed
      const { ciphertext, tag } = await nosva.encrypt(data, gcm);
      const bad = Buffer.from(tag!);
      bad[0] = bad[0]! ^ 1;
      const out = Buffer.alloc(data.length, 0xaa);
      await expect(nosva.decrypt(ciphertext, { ...gcm, tag: bad, out })).rejects.toMatchObject({ code: 'ERR_AUTH_FAILED' });
      expect(out.equals(Buffer.alloc(data.length))).toBe(true);
      // a session: several messages, then a hash session in two updates
      const s = await nosva.createCipherSession({ alg: 'aes-256-gcm', key });
      const r = await s.encrypt(data, { iv: iv12 });
      expect(join(r).equals(join(await sva.encrypt(data, gcm)))).toBe(true);
      // a batch: its table (IVs inside, statuses written back) and every buffer go through the region
      const messages = [data.subarray(0, 100), data.subarray(100, 5000), data.subarray(5000, 5001)];
      const ivs = messages.map(() => randomBytes(12));
      const bt = await s.encryptBatch(messages, { ivs, aad });
      const back = await s.decryptBatch(bt.ciphertexts, { ivs, aad, tags: bt.tags });
      back.forEach((p, i) => expect(p.equals(messages[i]!)).toBe(true));
      bt.tags![16]! ^= 1;
      await expect(s.decryptBatch(bt.ciphertexts, { ivs, aad, tags: bt.tags })).rejects.toMatchObject({ code: 'ERR_AUTH_FAILED', details: { index: 1 } });
      expect((await nosva.digestBatch(messages, { alg: 'sha256' })).equals(await sva.digestBatch(messages, { alg: 'sha256' }))).toBe(true);
      await s.close();
      const h = await nosva.createHashSession({ alg: 'sha256' });
      await h.update(data.subarray(0, 1000));
      await h.update(data.subarray(1000));
      const d = await h.digest();
      expect(d.equals(await sva.digest(data, { alg: 'sha256' }))).toBe(true);
      await h.close();
      expect(nosva.stats().bytesCopied).toBeGreaterThan(0);
    } finally {
      await nosva.close();
      await sva.close();
    }
  });
});
