/**
 * Issue 16, the crypto plugin: hostile arguments end in a typed
 * WarpdriveError or a correct result, never a crash, a wrong result or an
 * untyped error. Each block names the defect it pins down:
 * - the four crashes of the table (a lying `out`, digest input, `aad`);
 * - own-property / subclass overrides of byteLength, byteOffset and buffer,
 *   Proxies, DataViews and other views;
 * - negative and empty lengths (`aad` at -1, zero-length `tags` at 64, a
 *   16-byte key claiming 32), untyped RangeErrors from batches and sessions;
 * - options polluted onto Object.prototype;
 * - an IV getter that answers differently on each read (nonce reuse);
 * - detached buffers, including one detached while a stream step waits;
 * - and afterwards a fresh context still works.
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
const both = () => [['queued', queued], ['inline', inline]] as const;

const key32 = nc.randomBytes(32);
const iv12 = nc.randomBytes(12);
const iv16 = nc.randomBytes(16);
const MiB = 1 << 20;

/** A `T` with own properties shadowing the built-in getters. */
function lie<T extends ArrayBufferView>(view: T, props: { byteLength?: unknown; byteOffset?: unknown; buffer?: unknown; length?: unknown }): T {
  for (const [k, value] of Object.entries(props)) Object.defineProperty(view, k, { value, configurable: true });
  return view;
}
/** `n` random bytes whose byteLength claims `claim`. */
const claiming = (n: number, claim: unknown) => lie(new Uint8Array(nc.randomBytes(n)), { byteLength: claim, length: claim });
/** A view of a buffer that has been transferred away (detached). */
function detached(n = 16): Uint8Array {
  const ab = new ArrayBuffer(n);
  const view = new Uint8Array(ab);
  structuredClone(ab, { transfer: [ab] });
  return view;
}
const taProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const intrinsic = (k: string) => Object.getOwnPropertyDescriptor(taProto, k)!.get!;
/** A copy of the bytes a typed array really spans, whatever its own properties say. */
const trueBytes = (v: Uint8Array) =>
  Buffer.from(new Uint8Array(intrinsic('buffer').call(v) as ArrayBuffer, intrinsic('byteOffset').call(v) as number, intrinsic('byteLength').call(v) as number));

function gcmRef(k: Uint8Array, iv: Uint8Array, data: Uint8Array, aad?: Uint8Array, tagLength = 16) {
  const c = nc.createCipheriv(`aes-${k.length * 8}-gcm` as 'aes-256-gcm', k, iv, { authTagLength: tagLength });
  if (aad) c.setAAD(aad);
  return { ciphertext: Buffer.concat([c.update(data), c.final()]), tag: c.getAuthTag() };
}
function ref(alg: string, k: Uint8Array, iv: Uint8Array, data: Uint8Array, autoPadding = true): Buffer {
  const c = nc.createCipheriv(alg, k, iv);
  c.setAutoPadding(autoPadding);
  return Buffer.concat([c.update(data), c.final()]);
}
const sha256 = (d: Uint8Array) => nc.createHash('sha256').update(d).digest();

/** The WarpdriveError thrown (sync) or rejected (async) by `fn`, checked for `code` and `argument`. */
async function typed(fn: () => unknown, code: string, argument?: string | RegExp): Promise<void> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${code}`).toBeDefined();
  expect((err as Error).name, String(err)).toBe('WarpdriveError');
  expect((err as { code: string }).code, String(err)).toBe(code);
  if (argument !== undefined) expect(String((err as { details?: { argument?: string } }).details?.argument)).toMatch(argument);
}

describe('the crashes of the issue table', () => {
  it('encrypt/encryptSync with a 16-byte `out` claiming 1 MiB: ERR_BUFFER_TOO_SMALL, nothing written past it', async () => {
    const data = nc.randomBytes(MiB);
    const backing = new Uint8Array(64);
    const out = lie(new Uint8Array(backing.buffer, 0, 16), { byteLength: MiB, length: MiB });
    for (const [, ctx] of both()) {
      await typed(() => ctx.encrypt(data, { alg: 'aes-256-ctr', key: key32, iv: iv16, out }), 'ERR_BUFFER_TOO_SMALL', 'out');
      await typed(() => ctx.encryptSync(data, { alg: 'aes-256-ctr', key: key32, iv: iv16, out }), 'ERR_BUFFER_TOO_SMALL', 'out');
    }
    expect(backing.every((b) => b === 0)).toBe(true);
  });

  it('digest of a 16-byte view claiming 1 MiB: the digest of its 16 bytes', async () => {
    const view = claiming(16, MiB);
    const want = sha256(trueBytes(view));
    for (const [, ctx] of both()) {
      expect((await ctx.digest(view, { alg: 'sha256' })).equals(want)).toBe(true);
      expect(ctx.digestSync(view, { alg: 'sha256' }).equals(want)).toBe(true);
      expect((await ctx.digestBatch([view, view], { alg: 'sha256' })).equals(Buffer.concat([want, want]))).toBe(true);
    }
  });

  it('GCM encrypt with an `aad` claiming 1 MiB: the result of its true 16 bytes', async () => {
    const aad = claiming(16, MiB);
    const trueAad = trueBytes(aad);
    const data = nc.randomBytes(100);
    const want = gcmRef(key32, iv12, data, trueAad);
    for (const [, ctx] of both()) {
      const r = await ctx.encrypt(data, { alg: 'aes-256-gcm', key: key32, iv: iv12, aad });
      expect(r.ciphertext.equals(want.ciphertext) && r.tag!.equals(want.tag)).toBe(true);
      const s = ctx.encryptSync(data, { alg: 'aes-256-gcm', key: key32, iv: iv12, aad });
      expect(s.tag!.equals(want.tag)).toBe(true);
    }
  });
});

describe('lying views: own properties, subclass getters, Proxies, DataViews', () => {
  it('own byteLength/byteOffset/buffer on data, key, iv, aad, tag and out are invisible', async () => {
    const secret = new ArrayBuffer(4096);
    new Uint8Array(secret).fill(0x5a);
    const data = lie(new Uint8Array(nc.randomBytes(64)), { byteOffset: 100, buffer: secret, byteLength: 4000 });
    const plain = trueBytes(data);
    expect(plain.length).toBe(64);
    const key = lie(new Uint8Array(key32), { byteLength: 16, byteOffset: 8, buffer: secret });
    const iv = lie(new Uint8Array(iv12), { byteLength: 128, buffer: secret });
    const aad = lie(new Uint8Array(nc.randomBytes(20)), { byteLength: 3000, byteOffset: 1, buffer: secret });
    const trueAad = trueBytes(aad);
    const want = gcmRef(key32, iv12, plain, trueAad);
    for (const [, ctx] of both()) {
      const outAb = new ArrayBuffer(256);
      const out = lie(new Uint8Array(outAb, 0, 64), { byteOffset: 192, byteLength: 64, buffer: secret });
      const r = await ctx.encrypt(data, { alg: 'aes-256-gcm', key, iv, aad, out });
      expect(r.ciphertext.equals(want.ciphertext) && r.tag!.equals(want.tag)).toBe(true);
      expect(r.ciphertext.buffer).toBe(outAb); // the true memory of `out`
      expect(new Uint8Array(secret).every((b) => b === 0x5a)).toBe(true);
      const tag = lie(Buffer.from(want.tag), { byteLength: 4, buffer: secret });
      expect((await ctx.decrypt(r.ciphertext, { alg: 'aes-256-gcm', key, iv, aad, tag })).equals(plain)).toBe(true);
      expect(ctx.decryptSync(r.ciphertext, { alg: 'aes-256-gcm', key, iv, aad, tag }).equals(plain)).toBe(true);
    }
  });

  it('a subclass whose getters lie is read through the built-in getters', async () => {
    class Liar extends Uint8Array {
      override get byteLength(): number {
        return MiB;
      }
      override get byteOffset(): number {
        return 7;
      }
      override get length(): number {
        return MiB;
      }
    }
    const data = new Liar(nc.randomBytes(33));
    const trueData = trueBytes(data);
    for (const [, ctx] of both()) {
      expect((await ctx.digest(data, { alg: 'sha256' })).equals(sha256(trueData))).toBe(true);
      const out = new Liar(16);
      await typed(() => ctx.encrypt(data, { alg: 'aes-256-ctr', key: key32, iv: iv16, out }), 'ERR_BUFFER_TOO_SMALL', 'out');
      const r = ctx.encryptSync(data, { alg: 'aes-256-ctr', key: key32, iv: new Liar(iv16) });
      expect(r.ciphertext.equals(ref('aes-256-ctr', key32, iv16, trueData))).toBe(true);
    }
  });

  it('a Proxy around a typed array is refused for data, key, iv, aad and out', async () => {
    const p = () => new Proxy(new Uint8Array(32), {});
    const gcm = { alg: 'aes-256-gcm', key: key32, iv: iv12 };
    for (const [, ctx] of both()) {
      await typed(() => ctx.encrypt(p(), gcm), 'ERR_INVALID_ARGUMENT', 'data');
      await typed(() => ctx.encrypt(Buffer.alloc(8), { ...gcm, key: p() }), 'ERR_INVALID_ARGUMENT', 'key');
      await typed(() => ctx.encrypt(Buffer.alloc(8), { ...gcm, iv: p() }), 'ERR_INVALID_ARGUMENT', 'iv');
      await typed(() => ctx.encrypt(Buffer.alloc(8), { ...gcm, aad: p() }), 'ERR_INVALID_ARGUMENT', 'aad');
      await typed(() => ctx.encryptSync(Buffer.alloc(8), { ...gcm, out: p() }), 'ERR_INVALID_ARGUMENT', 'out');
      await typed(() => ctx.digest(p(), { alg: 'sha256' }), 'ERR_INVALID_ARGUMENT', 'data');
      await typed(() => ctx.hmacSync(Buffer.alloc(1), { alg: 'hmac-sha256', key: p() }), 'ERR_INVALID_ARGUMENT', 'key');
    }
  });

  it('DataViews and other element types, lying or not, give the result of their true bytes', async () => {
    const ab = nc.randomBytes(256).buffer;
    const dv = lie(new DataView(ab, 16, 40), { byteLength: 200, byteOffset: 0 });
    const i8 = lie(new Int8Array(ab, 64, 24), { byteLength: 192, byteOffset: 0, buffer: new ArrayBuffer(1024) });
    const f64 = new Float64Array(ab, 128, 4);
    const dvBytes = Buffer.from(ab, 16, 40), i8Bytes = Buffer.from(ab, 64, 24), f64Bytes = Buffer.from(ab, 128, 32);
    for (const [, ctx] of both()) {
      expect((await ctx.digest(dv, { alg: 'sha256' })).equals(sha256(dvBytes))).toBe(true);
      expect(ctx.digestSync(i8, { alg: 'sha256' }).equals(sha256(i8Bytes))).toBe(true);
      expect(ctx.hmacSync(f64, { alg: 'hmac-sha256', key: dv }).equals(nc.createHmac('sha256', dvBytes).update(f64Bytes).digest())).toBe(true);
      const out = new DataView(new ArrayBuffer(64), 8, 40);
      const r = await ctx.encrypt(dv, { alg: 'aes-256-ctr', key: key32, iv: iv16, out });
      expect(r.ciphertext.equals(ref('aes-256-ctr', key32, iv16, dvBytes))).toBe(true);
      expect(r.ciphertext.byteOffset).toBe(8);
    }
  });
});

describe('negative and empty lengths, untyped errors', () => {
  it('an `aad` claiming -1 (encrypt, encryptSync, session encrypt/start, encryptBatch) uses its true bytes', async () => {
    const aad = claiming(16, -1);
    const trueAad = trueBytes(aad);
    const data = nc.randomBytes(48);
    const want = gcmRef(key32, iv12, data, trueAad);
    for (const [, ctx] of both()) {
      expect((await ctx.encrypt(data, { alg: 'aes-256-gcm', key: key32, iv: iv12, aad })).tag!.equals(want.tag)).toBe(true);
      expect(ctx.encryptSync(data, { alg: 'aes-256-gcm', key: key32, iv: iv12, aad }).tag!.equals(want.tag)).toBe(true);
      const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key: key32 });
      expect((await s.encrypt(data, { iv: iv12, aad })).tag!.equals(want.tag)).toBe(true);
      s.start({ iv: iv12, aad });
      const head = await s.update(data);
      const fin = await s.final();
      expect(Buffer.concat([head, fin.output]).equals(want.ciphertext) && fin.tag!.equals(want.tag)).toBe(true);
      const b = await s.encryptBatch([data], { ivs: [iv12], aad });
      expect(b.ciphertexts[0]!.equals(want.ciphertext) && b.tags!.equals(want.tag)).toBe(true);
      await s.close();
    }
  });

  it('a zero-length `tags` claiming 64 bytes: ERR_BUFFER_TOO_SMALL from encryptBatch and decryptBatch', async () => {
    const m = [0, 1, 2, 3].map(() => nc.randomBytes(32));
    const ivs = m.map(() => nc.randomBytes(12));
    for (const [, ctx] of both()) {
      const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key: key32 });
      const tags = lie(new Uint8Array(0), { byteLength: 64, length: 64 });
      await typed(() => s.encryptBatch(m, { ivs, tags }), 'ERR_BUFFER_TOO_SMALL', 'options.tags');
      await typed(() => s.decryptBatch(m, { ivs, tags }), 'ERR_BUFFER_TOO_SMALL', 'options.tags');
      // the RangeError [ERR_BUFFER_OUT_OF_BOUNDS] of the issue: tags whose offset lies
      const real = new Uint8Array(new ArrayBuffer(64));
      const offset = lie(real, { byteOffset: 4096, byteLength: 64 });
      const r = await s.encryptBatch(m, { ivs, tags: offset });
      expect(r.tags!.buffer).toBe(real.buffer);
      m.forEach((x, i) => expect(r.tags!.subarray(16 * i, 16 * i + 16).equals(gcmRef(key32, ivs[i]!, x).tag)).toBe(true));
      const back = await s.decryptBatch(r.ciphertexts, { ivs, tags: offset });
      back.forEach((p, i) => expect(p.equals(m[i]!)).toBe(true));
      await s.close();
    }
  });

  it('a 16-byte key claiming 32 bytes is refused for aes-256 (one-shot and sessions)', async () => {
    const key = claiming(16, 32);
    for (const [, ctx] of both()) {
      await typed(() => ctx.encrypt(Buffer.alloc(16), { alg: 'aes-256-gcm', key, iv: iv12 }), 'ERR_INVALID_ARGUMENT', 'key');
      await typed(() => ctx.encryptSync(Buffer.alloc(16), { alg: 'aes-256-ctr', key, iv: iv16 }), 'ERR_INVALID_ARGUMENT', 'key');
      await typed(() => ctx.createCipherSession({ alg: 'aes-256-gcm', key }), 'ERR_INVALID_ARGUMENT', 'key');
      await typed(() => ctx.createCipherSessionSync({ alg: 'aes-256-cbc', key }), 'ERR_INVALID_ARGUMENT', 'key');
    }
  });

  it('session update/updateSync/encrypt with lying views: correct output, no RangeError [ERR_OUT_OF_RANGE]', async () => {
    const data = claiming(40, MiB);
    const trueData = trueBytes(data);
    for (const [, ctx] of both()) {
      const s = await ctx.createCipherSession({ alg: 'aes-256-ctr', key: key32 });
      s.start({ iv: iv16 });
      const a = s.updateSync(data);
      const b = s.updateSync(data, { out: lie(new Uint8Array(40), { byteLength: 0, byteOffset: 9999 }) });
      s.finalSync();
      expect(Buffer.concat([a, b]).equals(ref('aes-256-ctr', key32, iv16, Buffer.concat([trueData, trueData])))).toBe(true);
      s.start({ iv: iv16 });
      await typed(() => s.updateSync(data, { out: claiming(8, MiB) }), 'ERR_BUFFER_TOO_SMALL', 'out');
      expect((await s.encrypt(data, { iv: iv16 })).ciphertext.equals(ref('aes-256-ctr', key32, iv16, trueData))).toBe(true);
      await s.close();
      const h = await ctx.createHashSession({ alg: 'sha256' });
      h.updateSync(data);
      await h.update(data);
      expect((await h.digest()).equals(sha256(Buffer.concat([trueData, trueData])))).toBe(true);
      await h.close();
    }
  });

  it('a BigInt or object `alg` and a sparse batch claiming 2^32 - 1 messages: typed errors, at once', async () => {
    const toJSON = { toJSON: () => 'aes-256-gcm' };
    for (const [, ctx] of both()) {
      await typed(() => ctx.encrypt(Buffer.alloc(1), { alg: 10n, key: key32, iv: iv12 } as never), 'ERR_UNSUPPORTED_OPERATION', 'alg');
      await typed(() => ctx.encrypt(Buffer.alloc(1), { alg: toJSON, key: key32, iv: iv12 } as never), 'ERR_UNSUPPORTED_OPERATION', 'alg');
      await typed(() => ctx.digestSync(Buffer.alloc(1), { alg: 1n } as never), 'ERR_UNSUPPORTED_OPERATION', 'alg');
      const sparse: Buffer[] = [];
      sparse.length = 2 ** 32 - 1;
      const t = Date.now();
      await typed(() => ctx.digestBatch(sparse, { alg: 'sha256' }), 'ERR_INVALID_ARGUMENT', 'messages');
      const s = await ctx.createCipherSession({ alg: 'aes-256-ctr', key: key32 });
      await typed(() => s.encryptBatch(sparse, { ivs: sparse }), 'ERR_INVALID_ARGUMENT', 'messages');
      await typed(() => s.encryptBatch([Buffer.alloc(1)], { ivs: sparse }), 'ERR_INVALID_ARGUMENT', 'options.ivs');
      expect(Date.now() - t).toBeLessThan(5000);
      await s.close();
    }
  });

  it('a byteLength of NaN, Infinity or a string changes nothing', async () => {
    for (const claim of [NaN, Infinity, -Infinity, '1048576', 2 ** 53]) {
      const v = claiming(24, claim);
      expect(inline.digestSync(v, { alg: 'sha256' }).equals(sha256(trueBytes(v)))).toBe(true);
      expect((await queued.digest(v, { alg: 'sha256' })).equals(sha256(trueBytes(v)))).toBe(true);
    }
  });
});

describe('options polluted onto Object.prototype', () => {
  const proto = Object.prototype as Record<string, unknown>;
  /** Run `fn` with `fields` set on Object.prototype, always removing them. */
  async function polluted<T>(fields: Record<string, unknown>, fn: () => Promise<T> | T): Promise<T> {
    for (const [k, v] of Object.entries(fields)) proto[k] = v;
    try {
      return await fn();
    } finally {
      for (const k of Object.keys(fields)) delete proto[k];
    }
  }

  it('`out` on the prototype never receives a result (encrypt, decrypt, *Sync, digest, hmac, digestBatch, sessions)', async () => {
    const attacker = Buffer.alloc(4096);
    const data = nc.randomBytes(64);
    const enc = gcmRef(key32, iv12, data);
    const gcm = { alg: 'aes-256-gcm', key: key32, iv: iv12 };
    for (const [, ctx] of both()) {
      const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key: key32 });
      const h = await ctx.createHashSession({ alg: 'sha256' });
      await polluted({ out: attacker }, async () => {
        const r = await ctx.encrypt(data, gcm);
        expect(r.ciphertext.equals(enc.ciphertext)).toBe(true);
        expect(ctx.encryptSync(data, gcm).ciphertext.equals(enc.ciphertext)).toBe(true);
        expect((await ctx.decrypt(enc.ciphertext, { ...gcm, tag: enc.tag })).equals(data)).toBe(true);
        expect(ctx.decryptSync(enc.ciphertext, { ...gcm, tag: enc.tag }).equals(data)).toBe(true);
        expect((await ctx.digest(data, { alg: 'sha256' })).equals(sha256(data))).toBe(true);
        expect(ctx.digestSync(data, { alg: 'sha256' }).equals(sha256(data))).toBe(true);
        expect(ctx.hmacSync(data, { alg: 'hmac-sha256', key: key32 }).equals(nc.createHmac('sha256', key32).update(data).digest())).toBe(true);
        expect((await ctx.hmac(data, { alg: 'hmac-sha256', key: key32 })).length).toBe(32);
        expect((await ctx.digestBatch([data, data], { alg: 'sha256' })).equals(Buffer.concat([sha256(data), sha256(data)]))).toBe(true);
        expect((await s.encrypt(data, { iv: iv12 })).ciphertext.equals(enc.ciphertext)).toBe(true);
        expect((await s.encryptBatch([data], { ivs: [iv12] })).ciphertexts[0]!.equals(enc.ciphertext)).toBe(true);
        s.start({ iv: iv12 });
        expect(s.updateSync(data).equals(enc.ciphertext)).toBe(true);
        expect(s.finalSync().tag!.equals(enc.tag)).toBe(true);
        h.updateSync(data);
        expect(h.digestSync().equals(sha256(data))).toBe(true);
      });
      expect(attacker.every((b) => b === 0)).toBe(true);
      await s.close();
      await h.close();
    }
  });

  it('`aad`, `tagLength`, `padding`, `tags` and `inlineMaxBytes` on the prototype change no result', async () => {
    const data = nc.randomBytes(17);
    const want = gcmRef(key32, iv12, data);
    const cbc = ref('aes-256-cbc', key32, iv16, data);
    const tags = Buffer.alloc(64);
    await polluted({ aad: Buffer.from('attacker'), tagLength: 4, padding: false, tags, inlineMaxBytes: 0 }, async () => {
      const { crypto } = await import('../src/index.js');
      expect(() => crypto({})).not.toThrow();
      for (const [, ctx] of both()) {
        const r = await ctx.encrypt(data, { alg: 'aes-256-gcm', key: key32, iv: iv12 });
        expect(r.tag!.equals(want.tag)).toBe(true); // 16 bytes, no AAD
        expect(ctx.encryptSync(data, { alg: 'aes-256-cbc', key: key32, iv: iv16 }).ciphertext.equals(cbc)).toBe(true); // padded
        const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key: key32 });
        expect((await s.encrypt(data, { iv: iv12 })).tag!.equals(want.tag)).toBe(true);
        const b = await s.encryptBatch([data], { ivs: [iv12] });
        expect(b.tags!.equals(want.tag) && b.tags!.buffer !== tags.buffer).toBe(true);
        await s.close();
        const c = ctx.createCipherSessionSync({ alg: 'aes-256-cbc', key: key32 });
        expect((await c.encrypt(data, { iv: iv16 })).ciphertext.equals(cbc)).toBe(true);
        c.closeSync();
      }
    });
    expect(tags.every((b) => b === 0)).toBe(true);
  });

  it('`key`, `iv` and `tag` on the prototype are not used in their place', async () => {
    const data = nc.randomBytes(32);
    const enc = gcmRef(key32, iv12, data);
    await polluted({ key: key32, iv: iv12, tag: enc.tag }, async () => {
      for (const [, ctx] of both()) {
        await typed(() => ctx.encrypt(data, { alg: 'aes-256-gcm', iv: iv12 } as never), 'ERR_INVALID_ARGUMENT', 'key');
        await typed(() => ctx.encrypt(data, { alg: 'aes-256-gcm', key: key32 } as never), 'ERR_INVALID_ARGUMENT', 'iv');
        await typed(() => ctx.decrypt(enc.ciphertext, { alg: 'aes-256-gcm', key: key32, iv: iv12 }), 'ERR_INVALID_ARGUMENT', 'tag');
        await typed(() => ctx.hmac(data, { alg: 'hmac-sha256' } as never), 'ERR_INVALID_ARGUMENT', 'key');
        // a plain digest with a polluted `key` is still a plain digest
        expect((await ctx.digest(data, { alg: 'sha256' })).equals(sha256(data))).toBe(true);
        const h = await ctx.createHashSession({ alg: 'sha256' });
        await h.close();
        await typed(() => ctx.createCipherSession({ alg: 'aes-256-gcm' } as never), 'ERR_INVALID_ARGUMENT', 'options.key');
        const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key: key32 });
        await typed(() => s.encrypt(data, {} as never), 'ERR_INVALID_ARGUMENT', 'iv');
        await typed(() => s.decrypt(enc.ciphertext, { iv: iv12 }), 'ERR_INVALID_ARGUMENT', 'tag');
        await s.close();
      }
    });
  });
});

describe('nonce reuse through a getter', () => {
  for (const name of ['queued', 'inline'] as const) {
    it(`${name}: ivs[1] answering a fresh IV on the first read and ivs[0] later is read once; reuse is still refused`, async () => {
      const ctx = name === 'queued' ? queued : inline;
      const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key: key32 });
      // queued: messages over inlineMaxBytes; inline: small ones
      const m = [nc.randomBytes(name === 'queued' ? 70_000 : 64), nc.randomBytes(name === 'queued' ? 70_000 : 64)];
      const first = nc.randomBytes(12), fresh = nc.randomBytes(12);
      let reads = 0;
      const ivs: Buffer[] = [first];
      Object.defineProperty(ivs, 1, { enumerable: true, get: () => (reads++ === 0 ? fresh : first) });
      const r = await s.encryptBatch(m, { ivs });
      expect(reads).toBe(1);
      // message 1 really is under the fresh IV: no two messages share a nonce
      expect(r.ciphertexts[1]!.equals(gcmRef(key32, fresh, m[1]!).ciphertext)).toBe(true);
      expect(r.ciphertexts[0]!.equals(gcmRef(key32, first, m[0]!).ciphertext)).toBe(true);
      // a getter answering the repeated IV at once is refused
      const again: Buffer[] = [first];
      Object.defineProperty(again, 1, { enumerable: true, get: () => first });
      await typed(() => s.encryptBatch(m, { ivs: again }), 'ERR_INVALID_ARGUMENT', 'options.ivs[1]');
      // a Proxy array whose length and elements change between reads
      let lengthReads = 0;
      const shifty = new Proxy([first, fresh], {
        get: (t, k) => (k === 'length' ? (lengthReads++ === 0 ? 2 : 1) : k === '1' ? (reads++ % 2 ? first : fresh) : Reflect.get(t, k)),
      });
      reads = 0;
      const p = await s.encryptBatch(m, { ivs: shifty });
      expect(p.ciphertexts[1]!.equals(gcmRef(key32, fresh, m[1]!).ciphertext)).toBe(true);
      // `messages` with a getter is read once too
      let mReads = 0;
      const list: Buffer[] = [m[0]!];
      Object.defineProperty(list, 1, { enumerable: true, get: () => (mReads++ === 0 ? m[1]! : Buffer.alloc(1)) });
      const q = await s.encryptBatch(list, { ivs: [nc.randomBytes(12), nc.randomBytes(12)] });
      expect(mReads).toBe(1);
      expect(q.ciphertexts[1]!.length).toBe(m[1]!.length);
      await s.close();
    });
  }

  it('a decrypt stream reads its `tag` option once: a getter cannot swap the checked tag for another', async () => {
    const data = nc.randomBytes(64);
    const enc = gcmRef(key32, iv12, data);
    for (const [, ctx] of both()) {
      const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key: key32 });
      let reads = 0;
      const options = { iv: iv12, get tag() {
        return reads++ === 0 ? enc.tag : Buffer.alloc(3);
      } };
      const d = s.createDecryptStream(options);
      const chunks: Buffer[] = [];
      d.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise((resolve, reject) => d.on('end', resolve).on('error', reject));
      d.end(enc.ciphertext);
      await done;
      expect(reads).toBe(1);
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
      await s.close();
    }
  });
});

describe('cipher streams', () => {
  /** Write `chunks` to `stream` and collect what comes out (or the error it fails with). */
  function drive(stream: import('node:stream').Transform, chunks: unknown[]): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      stream.on('data', (c: Buffer) => out.push(c)).on('end', () => resolve(Buffer.concat(out))).on('error', reject);
      for (const c of chunks) stream.write(c);
      stream.end();
    });
  }

  it('written views whose own properties lie are taken by their true bytes (node would follow the lie)', async () => {
    const ab = nc.randomBytes(256).buffer;
    const a = lie(new Uint8Array(ab, 0, 64), { byteLength: MiB, byteOffset: 100 });
    const b = lie(new DataView(ab, 64, 32), { byteLength: -1, buffer: new ArrayBuffer(8) });
    const c = lie(Buffer.from(nc.randomBytes(16)), { byteLength: MiB });
    const want = ref('aes-256-ctr', key32, iv16, Buffer.concat([Buffer.from(ab, 0, 64), Buffer.from(ab, 64, 32), trueBytes(c)]));
    for (const [, ctx] of both()) {
      const s = await ctx.createCipherSession({ alg: 'aes-256-ctr', key: key32 });
      expect((await drive(s.createEncryptStream({ iv: iv16 }), [a, b, c])).equals(want)).toBe(true);
      await s.close();
    }
  });

  it('a Proxy or a detached view written to a stream fails it with a typed error', async () => {
    for (const [, ctx] of both()) {
      const s = await ctx.createCipherSession({ alg: 'aes-256-ctr', key: key32 });
      await typed(() => drive(s.createEncryptStream({ iv: iv16 }), [new Proxy(Buffer.alloc(8), {})]), 'ERR_INVALID_ARGUMENT', 'chunk');
      await typed(() => drive(s.createEncryptStream({ iv: iv16 }), [detached()]), 'ERR_BUFFER_DETACHED', 'chunk');
      const dvAb = new ArrayBuffer(16);
      const dv = new DataView(dvAb);
      structuredClone(dvAb, { transfer: [dvAb] });
      await typed(() => drive(s.createEncryptStream({ iv: iv16 }), [dv]), 'ERR_BUFFER_DETACHED', 'chunk');
      // the session is handed back and serves the next stream
      expect((await drive(s.createEncryptStream({ iv: iv16 }), [Buffer.alloc(16)])).equals(ref('aes-256-ctr', key32, iv16, Buffer.alloc(16)))).toBe(true);
      await s.close();
    }
  });
});

describe('detached buffers', () => {
  it('a detached data, out, key, iv, aad or tag: ERR_BUFFER_DETACHED naming it', async () => {
    const gcm = { alg: 'aes-256-gcm', key: key32, iv: iv12 };
    const tag = Buffer.alloc(16);
    for (const [, ctx] of both()) {
      await typed(() => ctx.encrypt(detached(), gcm), 'ERR_BUFFER_DETACHED', 'data');
      await typed(() => ctx.encryptSync(Buffer.alloc(4), { ...gcm, out: detached() }), 'ERR_BUFFER_DETACHED', 'out');
      await typed(() => ctx.encrypt(Buffer.alloc(4), { ...gcm, key: detached(32) }), 'ERR_BUFFER_DETACHED', 'key');
      await typed(() => ctx.encrypt(Buffer.alloc(4), { ...gcm, iv: detached(12) }), 'ERR_BUFFER_DETACHED', 'iv');
      await typed(() => ctx.encrypt(Buffer.alloc(4), { ...gcm, aad: detached() }), 'ERR_BUFFER_DETACHED', 'aad');
      await typed(() => ctx.decrypt(Buffer.alloc(4), { ...gcm, tag: detached() }), 'ERR_BUFFER_DETACHED', 'tag');
      await typed(() => ctx.decryptSync(Buffer.alloc(4), { ...gcm, tag, out: detached() }), 'ERR_BUFFER_DETACHED', 'out');
      await typed(() => ctx.digest(detached(), { alg: 'sha256' }), 'ERR_BUFFER_DETACHED', 'data');
      await typed(() => ctx.digestSync(Buffer.alloc(1), { alg: 'sha256', out: detached(32) }), 'ERR_BUFFER_DETACHED', 'out');
      await typed(() => ctx.hmacSync(Buffer.alloc(1), { alg: 'hmac-sha256', key: detached() }), 'ERR_BUFFER_DETACHED', 'key');
      await typed(() => ctx.digestBatch([Buffer.alloc(1), detached()], { alg: 'sha256' }), 'ERR_BUFFER_DETACHED', 'messages');
      await typed(() => ctx.createCipherSession({ alg: 'aes-256-gcm', key: detached(32) }), 'ERR_BUFFER_DETACHED', 'key');
      const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key: key32 });
      await typed(() => s.encrypt(detached(), { iv: iv12 }), 'ERR_BUFFER_DETACHED', 'data');
      await typed(() => s.encryptSync(Buffer.alloc(4), { iv: iv12, out: detached() }), 'ERR_BUFFER_DETACHED', 'out');
      await typed(() => s.encryptBatch([Buffer.alloc(4)], { ivs: [detached(12)] }), 'ERR_BUFFER_DETACHED', 'iv');
      await typed(() => s.encryptBatch([detached()], { ivs: [iv12] }), 'ERR_BUFFER_DETACHED', 'messages');
      await typed(() => s.encryptBatch([Buffer.alloc(4)], { ivs: [iv12], tags: detached() }), 'ERR_BUFFER_DETACHED', 'options.tags');
      await typed(() => s.decryptBatch([Buffer.alloc(4)], { ivs: [iv12], tags: Buffer.alloc(16), outs: [detached()] }), 'ERR_BUFFER_DETACHED', 'out');
      await typed(() => s.start({ iv: detached(12) }), 'ERR_BUFFER_DETACHED', 'iv');
      s.start({ iv: iv12 });
      await typed(() => s.updateSync(detached()), 'ERR_BUFFER_DETACHED', 'data');
      await s.close();
    }
  });

  it('a buffer detached by an options getter, after it was converted, is refused before the engine sees it', async () => {
    for (const [, ctx] of both()) {
      const ab = new ArrayBuffer(64);
      const data = new Uint8Array(ab);
      const options = { alg: 'sha256', get out() {
        structuredClone(ab, { transfer: [ab] });
        return undefined;
      } };
      await typed(() => ctx.digest(data, options), 'ERR_BUFFER_DETACHED', 'data');
    }
  });

  it('a chunk detached while its stream step waits behind another: ERR_BUFFER_DETACHED, and the session recovers', async () => {
    const s = await queued.createCipherSession({ alg: 'aes-256-ctr', key: key32 });
    s.start({ iv: iv16 });
    const ab = new ArrayBuffer(4096);
    const first = s.update(nc.randomBytes(100_000)); // queued: the next step is chained behind it
    const second = s.update(new Uint8Array(ab));
    structuredClone(ab, { transfer: [ab] }); // before the second step is built
    await first;
    await typed(() => second, 'ERR_BUFFER_DETACHED', 'data');
    s.start({ iv: iv16 });
    const data = nc.randomBytes(256);
    expect(Buffer.concat([await s.update(data), (await s.final()).output]).equals(ref('aes-256-ctr', key32, iv16, data))).toBe(true);
    const h = await queued.createHashSession({ alg: 'sha256' });
    const hb = new ArrayBuffer(512);
    const a = h.update(nc.randomBytes(100_000));
    const b = h.update(new Uint8Array(hb));
    structuredClone(hb, { transfer: [hb] });
    await a;
    await typed(() => b, 'ERR_BUFFER_DETACHED', 'data');
    await h.close();
    await s.close();
  });

  it('the IV and AAD of a stream are copied at start(): changing or detaching them afterwards changes nothing', async () => {
    const data = nc.randomBytes(64);
    for (const [, ctx] of both()) {
      const s = await ctx.createCipherSession({ alg: 'aes-256-gcm', key: key32 });
      const ivAb = new ArrayBuffer(12), aadAb = new ArrayBuffer(20);
      new Uint8Array(ivAb).set(iv12);
      new Uint8Array(aadAb).fill(7);
      const want = gcmRef(key32, iv12, data, Buffer.alloc(20, 7));
      s.start({ iv: new Uint8Array(ivAb), aad: new Uint8Array(aadAb) });
      structuredClone(ivAb, { transfer: [ivAb] });
      structuredClone(aadAb, { transfer: [aadAb] });
      const out = await s.update(data);
      const fin = await s.final();
      expect(out.equals(want.ciphertext) && fin.tag!.equals(want.tag)).toBe(true);
      await s.close();
    }
  });
});

describe('afterwards', () => {
  it('a fresh context still works', async () => {
    const ctx = await open({ inlineMaxBytes: 1024 });
    const data = nc.randomBytes(5000);
    const r = await ctx.encrypt(data, { alg: 'aes-128-gcm', key: key32.subarray(0, 16), iv: iv12 });
    expect(r.ciphertext.equals(gcmRef(key32.subarray(0, 16), iv12, data).ciphertext)).toBe(true);
    expect((await ctx.digest(data, { alg: 'sha256' })).equals(sha256(data))).toBe(true);
    await ctx.close();
  });
});

describe('decrypt accepts the options object encrypt was given', () => {
  it('checks `tagLength` against the tag instead of refusing it as unknown', async () => {
    const { createContext } = await import('@warpdrive/core');
    const { default: crypto } = await import('../src/index.js');
    const ctx = await createContext({ plugins: [crypto()] });
    try {
      const o = { alg: 'aes-128-gcm', key: Buffer.alloc(16, 1), iv: Buffer.alloc(12, 2), tagLength: 12 };
      const { ciphertext, tag } = ctx.encryptSync(Buffer.from('hello'), o);
      expect(ctx.decryptSync(ciphertext, { ...o, tag }).toString()).toBe('hello');
      expect((await ctx.decrypt(ciphertext, { ...o, tag })).toString()).toBe('hello');
      let err: unknown;
      try {
        ctx.decryptSync(ciphertext, { ...o, tag: tag!.subarray(0, 8) });
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'tag' } });
    } finally {
      await ctx.close();
    }
  });
});
