/**
 * Sessions, concurrency, sync/async equivalence, authentication failure
 * hygiene and the engine's OpenSSL origin.
 */
import * as nc from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_LIBRARY } from '../src/index.js';
import { open, type CryptoContext } from './helpers.js';

let ctx: CryptoContext;
beforeAll(async () => {
  ctx = await open({ queues: 4 });
});
afterAll(() => ctx?.close());

const key = nc.randomBytes(32);

describe('sessions and concurrency', () => {
  it('64 sessions × 16 messages in flight at once all match node:crypto', async () => {
    const sessions = await Promise.all(Array.from({ length: 64 }, () => ctx.createCipherSession({ alg: 'aes-256-gcm', key })));
    const work = sessions.flatMap((s, i) =>
      Array.from({ length: 16 }, async (_, j) => {
        const iv = nc.randomBytes(12), data = nc.randomBytes(100 + i * 16 + j);
        const c = nc.createCipheriv('aes-256-gcm', key, iv);
        const ref = Buffer.concat([c.update(data), c.final()]);
        const got = await s.encrypt(data, { iv });
        expect(got.ciphertext.equals(ref) && got.tag!.equals(c.getAuthTag())).toBe(true);
      }),
    );
    await Promise.all(work);
    await Promise.all(sessions.map((s) => s.close()));
  });

  it('close() waits for the session’s in-flight messages, then later use is ERR_SESSION_CLOSED', async () => {
    const s = await ctx.createCipherSession({ alg: 'aes-128-ctr', key: key.subarray(0, 16) });
    const iv = nc.randomBytes(16);
    const pending = Array.from({ length: 50 }, () => s.encrypt(nc.randomBytes(10_000), { iv }));
    const closed = s.close();
    expect(s.closed).toBe(true);
    await expect(Promise.all(pending)).resolves.toHaveLength(50);
    await closed;
    expect(() => s.encryptSync(Buffer.alloc(1), { iv })).toThrow(expect.objectContaining({ code: 'ERR_SESSION_CLOSED' }));
    await expect(s.close()).resolves.toBeUndefined(); // idempotent
  });

  it('hash stream steps queued before close() still complete, in order', async () => {
    const h = await ctx.createHashSession({ alg: 'sha256' });
    const parts = Array.from({ length: 20 }, (_, i) => Buffer.alloc(1000, i));
    parts.forEach((p) => void h.update(p));
    const digest = h.digest();
    const closing = h.close();
    expect((await digest).equals(nc.createHash('sha256').update(Buffer.concat(parts)).digest())).toBe(true);
    await closing;
  });

  it('a *Sync stream step while async steps are queued is refused (ERR_DEVICE_BUSY), not interleaved', async () => {
    const h = await ctx.createHashSession({ alg: 'sha1' });
    const p = h.update(Buffer.alloc(10));
    expect(() => h.updateSync(Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'ERR_DEVICE_BUSY' }));
    await p;
    expect(h.digestSync().equals(nc.createHash('sha1').update(Buffer.alloc(10)).digest())).toBe(true);
    h.closeSync();
  });

  it('sync and async produce identical bytes for every algorithm', async () => {
    const data = nc.randomBytes(5000);
    for (const alg of ['aes-128-gcm', 'aes-192-ctr', 'aes-256-cbc']) {
      const o = { alg, key: key.subarray(0, Number(alg.slice(4, 7)) / 8), iv: nc.randomBytes(alg.endsWith('gcm') ? 12 : 16) };
      const a = await ctx.encrypt(data, o);
      const b = ctx.encryptSync(data, o);
      expect(a.ciphertext.equals(b.ciphertext)).toBe(true);
      expect(a.tag?.toString('hex')).toBe(b.tag?.toString('hex'));
    }
    for (const alg of ['sha224', 'sha384']) expect((await ctx.digest(data, { alg })).equals(ctx.digestSync(data, { alg }))).toBe(true);
  });
});

describe('authentication failure hygiene', () => {
  it('a GCM tag mismatch zeroes the caller’s out, including in-place buffers, and releases nothing', async () => {
    const iv = nc.randomBytes(12), data = nc.randomBytes(3000);
    const { ciphertext, tag } = await ctx.encrypt(data, { alg: 'aes-256-gcm', key, iv });
    const bad = Buffer.from(tag!);
    bad[15]! ^= 1;
    const out = Buffer.alloc(3000, 0x55);
    await expect(ctx.decrypt(ciphertext, { alg: 'aes-256-gcm', key, iv, tag: bad, out })).rejects.toMatchObject({ code: 'ERR_AUTH_FAILED' });
    expect(out.every((b) => b === 0)).toBe(true);
    const inPlace = Buffer.from(ciphertext);
    expect(() => ctx.decryptSync(inPlace, { alg: 'aes-256-gcm', key, iv, tag: bad, out: inPlace })).toThrow(expect.objectContaining({ code: 'ERR_AUTH_FAILED' }));
    expect(inPlace.every((b) => b === 0)).toBe(true);
    const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key });
    const out2 = Buffer.alloc(3000, 0x55);
    await expect(s.decrypt(ciphertext, { iv, tag: bad, out: out2 })).rejects.toMatchObject({ code: 'ERR_AUTH_FAILED' });
    expect(out2.every((b) => b === 0)).toBe(true);
    // a truncated (shorter) tag that does not match also fails
    await expect(s.decrypt(ciphertext, { iv, tag: tag!.subarray(0, 12).map((b) => b ^ 1) })).rejects.toMatchObject({ code: 'ERR_AUTH_FAILED' });
    // and the right one still works afterwards: the session survived
    expect((await s.decrypt(ciphertext, { iv, tag })).equals(data)).toBe(true);
    await s.close();
  });

  it('a streamed GCM decryption with a wrong tag fails at final with ERR_AUTH_FAILED', async () => {
    const iv = nc.randomBytes(12), data = nc.randomBytes(100);
    const { ciphertext } = ctx.encryptSync(data, { alg: 'aes-256-gcm', key, iv });
    const s = ctx.createCipherSessionSync({ alg: 'aes-256-gcm', key });
    s.start({ iv, decrypt: true });
    await s.update(ciphertext);
    await expect(s.final({ tag: Buffer.alloc(16) })).rejects.toMatchObject({ code: 'ERR_AUTH_FAILED' });
    await expect(s.update(ciphertext)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' }); // the stream ended
    s.closeSync();
  });
});

describe('inline threshold (crypto({ inlineMaxBytes }))', () => {
  it('small async requests run inline, large ones on a queue; results are identical', async () => {
    const c = await open({ inlineMaxBytes: 1024 });
    try {
      const iv = nc.randomBytes(12);
      const small = nc.randomBytes(1024), large = nc.randomBytes(1025);
      const before = c.stats();
      const a = await c.encrypt(small, { alg: 'aes-256-gcm', key, iv });
      const b = await c.encrypt(large, { alg: 'aes-256-gcm', key, iv });
      const s = await c.createHashSession({ alg: 'sha256' });
      await s.update(small);
      await s.update(large);
      expect((await s.digest()).equals(nc.createHash('sha256').update(small).update(large).digest())).toBe(true);
      await s.close();
      const after = c.stats();
      const inline = (st: typeof after) => Object.entries(st.perPath).filter(([k]) => k.endsWith(':inline')).reduce((n, [, v]) => n + v.ops, 0);
      expect(inline(after) - inline(before)).toBeGreaterThanOrEqual(3); // small encrypt, small update, digest
      expect(a.ciphertext.equals(ctx.encryptSync(small, { alg: 'aes-256-gcm', key, iv }).ciphertext)).toBe(true);
      expect(b.ciphertext.equals(ctx.encryptSync(large, { alg: 'aes-256-gcm', key, iv }).ciphertext)).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('rejects a bad inlineMaxBytes', async () => {
    const { default: cryptoPlugin } = await import('../src/index.js');
    expect(() => cryptoPlugin({ inlineMaxBytes: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('engine session state', () => {
  it('close() frees the engine state; sessions dropped without close() are freed once collected', async () => {
    const base = ctx.cryptoEngineInfo().sessions;
    const kept = await Promise.all(Array.from({ length: 10 }, () => ctx.createCipherSession({ alg: 'aes-128-gcm', key: key.subarray(0, 16) })));
    expect(ctx.cryptoEngineInfo().sessions).toBe(base + 10);
    await Promise.all(kept.map((s) => s.close()));
    expect(ctx.cryptoEngineInfo().sessions).toBe(base);
    await (async () => {
      for (let i = 0; i < 50; i++) ctx.createHashSessionSync({ alg: 'hmac-sha256', key });
    })();
    expect(ctx.cryptoEngineInfo().sessions).toBe(base + 50);
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'vitest.config.ts runs the tests with --expose-gc').toBeTypeOf('function');
    for (let i = 0; i < 100 && ctx.cryptoEngineInfo().sessions > base; i++) {
      gc!();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(ctx.cryptoEngineInfo().sessions).toBe(base);
  });
});

describe('OpenSSL origin (README "OpenSSL: which copy, and why")', () => {
  it('the engine runs its own static OpenSSL, not the one node exports', () => {
    const info = ctx.cryptoEngineInfo();
    expect(info.openssl).toMatch(/^OpenSSL 3\./);
    // dladdr(EVP_EncryptInit_ex) resolves inside our .so, not the node binary
    expect(info.library).toBe(ENGINE_LIBRARY);
    expect(info.library).not.toBe(process.execPath);
  });
});
