/**
 * Closing a context closes the sessions still open on it: the engine's
 * live-session count (INFO) drops back, also for sessions with work in
 * flight, dropped sessions, and sessions closed concurrently by the caller.
 */
import * as nc from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, type CryptoContext } from './helpers.js';

// The engine's session table is per process: a second context reads it.
let observer: CryptoContext;
beforeAll(async () => {
  observer = await open();
});
afterAll(() => observer?.close());

const live = () => observer.cryptoEngineInfo().sessions;
const key = nc.randomBytes(32);

describe('context close frees its sessions', () => {
  it('every open cipher and hash session is zeroized and freed by ctx.close()', async () => {
    const before = live();
    const ctx = await open();
    const ciphers = await Promise.all(Array.from({ length: 5 }, () => ctx.createCipherSession({ alg: 'aes-256-gcm', key })));
    const hashes = [ctx.createHashSessionSync({ alg: 'hmac-sha256', key }), await ctx.createHashSession({ alg: 'sha512' })];
    expect(live()).toBe(before + 7);
    await ctx.close();
    expect(live()).toBe(before);
    for (const s of [...ciphers, ...hashes]) expect(s.closed).toBe(true);
    expect(() => ciphers[0]!.encryptSync(Buffer.alloc(16), { iv: Buffer.alloc(12) })).toThrow(expect.objectContaining({ code: 'ERR_SESSION_CLOSED' }));
    await expect(ciphers[1]!.close()).resolves.toBeUndefined();
  });

  it('messages in flight when the context closes complete before their session is freed', async () => {
    const before = live();
    const ctx = await open({ queues: 2 });
    const s = await ctx.createCipherSession({ alg: 'aes-128-ctr', key: key.subarray(0, 16) });
    const iv = nc.randomBytes(16), data = nc.randomBytes(200_000);
    const pending = Array.from({ length: 8 }, () => s.encrypt(data, { iv }));
    const closing = ctx.close();
    const results = await Promise.all(pending);
    const ref = nc.createCipheriv('aes-128-ctr', key.subarray(0, 16), iv).update(data);
    for (const r of results) expect(r.ciphertext.equals(ref)).toBe(true);
    await closing;
    expect(live()).toBe(before);
  });

  it('a session the caller is already closing, and one closed before, are not closed twice', async () => {
    const before = live();
    const ctx = await open();
    const a = await ctx.createCipherSession({ alg: 'aes-192-cbc', key: key.subarray(0, 24) });
    const b = await ctx.createHashSession({ alg: 'sha1' });
    const c = await ctx.createHashSession({ alg: 'sha256' });
    b.closeSync();
    const closingA = a.close();
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      await ctx.close();
      await closingA;
    } finally {
      process.off('warning', onWarning);
    }
    expect(c.closed).toBe(true);
    expect(warnings).toEqual([]);
    expect(live()).toBe(before);
  });

  it('a session dropped without close() is freed by ctx.close() even before it is collected', async () => {
    const before = live();
    const ctx = await open();
    await (async () => {
      await ctx.createCipherSession({ alg: 'aes-256-gcm', key }); // dropped at once
    })();
    expect(live()).toBe(before + 1);
    await ctx.close();
    expect(live()).toBe(before);
  });
});
