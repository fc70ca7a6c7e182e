/**
 * plugin-crypto through the shared conformance suite (round trip, known
 * vectors, bad input → typed errors, concurrency) on the soft device.
 */
import { randomBytes } from 'node:crypto';
import { defineConformanceSuite } from '@warpdrive/conformance';
import { open, type CryptoContext } from './helpers.js';

interface Opts {
  readonly alg: string;
  readonly key: Buffer;
  readonly iv: Buffer;
}

const key = randomBytes(32);
const iv12 = randomBytes(12);
const iv16 = randomBytes(16);
const data = randomBytes(1000);
const inputs = [Buffer.alloc(0), Buffer.from('a'), randomBytes(4096), randomBytes(100_003)];
const cases = ['aes-128-gcm', 'aes-256-gcm', 'aes-192-ctr', 'aes-256-ctr', 'aes-128-cbc', 'aes-256-cbc'].flatMap((alg) =>
  inputs.map((input) => ({
    name: `${alg} ${input.length} B`,
    input,
    options: { alg, key: key.subarray(0, Number(alg.slice(4, 7)) / 8), iv: alg.endsWith('gcm') ? iv12 : iv16 },
  })),
);
const join = (r: { ciphertext: Buffer; tag?: Buffer }) => (r.tag ? Buffer.concat([r.ciphertext, r.tag]) : r.ciphertext);
const split = (alg: string, y: Uint8Array) => {
  const b = Buffer.from(y.buffer, y.byteOffset, y.byteLength);
  return alg.endsWith('gcm') ? { ct: b.subarray(0, b.length - 16), tag: b.subarray(b.length - 16) } : { ct: b, tag: undefined };
};

const gcm = { alg: 'aes-256-gcm', key, iv: iv12 };

defineConformanceSuite<CryptoContext, Opts>({
  plugin: 'crypto',
  backends: [
    { name: 'soft (queued)', open },
    { name: 'soft (default: ≤ 16 KiB inline)', open: (o) => open({ ...o, inlineMaxBytes: 16384 }) },
  ],
  roundTrip: {
    cases,
    forward: async (ctx, x, o) => join(await ctx.encrypt(x, o!)),
    inverse: (ctx, y, o) => {
      const { ct, tag } = split(o!.alg, y);
      return ctx.decrypt(ct, { ...o!, tag });
    },
    forwardSync: (ctx, x, o) => join(ctx.encryptSync(x, o!)),
    inverseSync: (ctx, y, o) => {
      const { ct, tag } = split(o!.alg, y);
      return ctx.decryptSync(ct, { ...o!, tag });
    },
  },
  vectors: [
    // NIST SP 800-38D test case 2 (McGrew & Viega): AES-128-GCM, zero key/IV, one zero block.
    {
      name: 'AES-128-GCM test case 2: ciphertext || tag',
      run: async (ctx) => join(await ctx.encrypt(Buffer.alloc(16), { alg: 'aes-128-gcm', key: Buffer.alloc(16), iv: Buffer.alloc(12) })),
      expected: Buffer.from('0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf', 'hex'),
    },
    { name: 'SHA-256("abc") (FIPS 180-2 B.1)', run: (ctx) => ctx.digest(Buffer.from('abc'), { alg: 'sha256' }), expected: Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex') },
    { name: 'SHA-1("abc")', run: (ctx) => ctx.digestSync(Buffer.from('abc'), { alg: 'sha1' }), expected: Buffer.from('a9993e364706816aba3e25717850c26c9cd0d89d', 'hex') },
  ],
  badInput: [
    { name: 'unsupported algorithm', run: (ctx) => ctx.encrypt(data, { ...gcm, alg: 'aes-256-xts' }), code: 'ERR_UNSUPPORTED_OPERATION', details: { argument: 'alg' } },
    { name: 'unsupported digest', run: (ctx) => ctx.digest(data, { alg: 'md5' }), code: 'ERR_UNSUPPORTED_OPERATION' },
    { name: 'key of the wrong length', run: (ctx) => ctx.encrypt(data, { ...gcm, key: key.subarray(0, 16) }), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'key' } },
    { name: 'GCM IV of length 0', run: (ctx) => ctx.encrypt(data, { ...gcm, iv: Buffer.alloc(0) }), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'iv' } },
    { name: 'CBC IV of 12 bytes', run: (ctx) => ctx.encrypt(data, { alg: 'aes-256-cbc', key, iv: iv12 }), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'iv' } },
    { name: 'GCM tag length 10', run: (ctx) => ctx.encrypt(data, { ...gcm, tagLength: 10 }), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'tagLength' } },
    { name: 'GCM decrypt without tag', run: (ctx) => ctx.decrypt(data, gcm), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'tag' } },
    { name: 'GCM tag of 3 bytes', run: (ctx) => ctx.decrypt(data, { ...gcm, tag: Buffer.alloc(3) }), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'tag' } },
    { name: 'GCM tag mismatch', run: (ctx) => ctx.decrypt(data, { ...gcm, tag: Buffer.alloc(16) }), code: 'ERR_AUTH_FAILED' },
    { name: 'GCM tag mismatch (sync)', run: (ctx) => ctx.decryptSync(data, { ...gcm, tag: Buffer.alloc(16) }), code: 'ERR_AUTH_FAILED' },
    { name: 'CBC bad padding', run: (ctx) => ctx.decrypt(Buffer.alloc(32), { alg: 'aes-256-cbc', key, iv: iv16 }), code: 'ERR_DATA_CORRUPT' },
    { name: 'CBC ciphertext not whole blocks', run: (ctx) => ctx.decrypt(Buffer.alloc(33), { alg: 'aes-256-cbc', key, iv: iv16 }), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'data' } },
    { name: 'CBC without padding, partial block', run: (ctx) => ctx.encrypt(Buffer.alloc(17), { alg: 'aes-256-cbc', key, iv: iv16, padding: false }), code: 'ERR_INVALID_ARGUMENT' },
    { name: 'aad on CTR', run: (ctx) => ctx.encrypt(data, { alg: 'aes-256-ctr', key, iv: iv16, aad: data }), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'aad' } },
    { name: '`out` too small (GCM)', run: (ctx) => ctx.encrypt(data, { ...gcm, out: Buffer.alloc(999) }), code: 'ERR_BUFFER_TOO_SMALL', details: { argument: 'out' } },
    { name: '`out` too small (CBC padding needs a block more)', run: (ctx) => ctx.encrypt(Buffer.alloc(32), { alg: 'aes-256-cbc', key, iv: iv16, out: Buffer.alloc(32) }), code: 'ERR_BUFFER_TOO_SMALL' },
    { name: '`out` too small (digest)', run: (ctx) => ctx.digest(data, { alg: 'sha512', out: Buffer.alloc(63) }), code: 'ERR_BUFFER_TOO_SMALL' },
    {
      name: '`out` overlapping the input at another offset',
      run: (ctx) => {
        const buf = Buffer.alloc(2000);
        return ctx.encrypt(buf.subarray(0, 1000), { ...gcm, out: buf.subarray(8, 1008) });
      },
      code: 'ERR_INVALID_ARGUMENT',
      details: { argument: 'out' },
    },
    { name: 'data not a buffer', run: (ctx) => ctx.encrypt('text' as unknown as Buffer, gcm), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'data' } },
    { name: 'hmac without key', run: (ctx) => ctx.hmac(data, { alg: 'hmac-sha256' } as never), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'key' } },
    { name: 'session with a 24-byte key for aes-256-gcm', run: (ctx) => ctx.createCipherSession({ alg: 'aes-256-gcm', key: key.subarray(0, 24) }), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'key' } },
    { name: 'session options: unknown option', run: (ctx) => ctx.createCipherSession({ alg: 'aes-256-gcm', key, ivv: 1 } as never), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'options.ivv' } },
    { name: 'session options: key not bytes', run: (ctx) => ctx.createCipherSession({ alg: 'aes-256-gcm', key: 'k' } as never), code: 'ERR_INVALID_ARGUMENT', details: { argument: 'options.key' } },
    {
      name: 'closed cipher session',
      run: async (ctx) => {
        const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key });
        await s.close();
        return s.encrypt(data, { iv: iv12 });
      },
      code: 'ERR_SESSION_CLOSED',
    },
    {
      name: 'closed hash session (sync)',
      run: (ctx) => {
        const s = ctx.createHashSessionSync({ alg: 'sha256' });
        s.closeSync();
        return s.updateSync(data);
      },
      code: 'ERR_SESSION_CLOSED',
    },
    { name: 'stream update before start', run: async (ctx) => (await ctx.createCipherSession({ alg: 'aes-128-ctr', key: key.subarray(0, 16) })).update(data), code: 'ERR_INVALID_ARGUMENT' },
  ],
  concurrency: {
    inFlight: 256,
    queues: 4,
    run: async (ctx, i) => join(await ctx.encrypt(Buffer.alloc(i * 37, i), { alg: ['aes-128-gcm', 'aes-256-ctr', 'aes-192-cbc'][i % 3]!, key: key.subarray(0, [16, 32, 24][i % 3]), iv: i % 3 === 0 ? iv12 : iv16 })),
  },
});
