/**
 * plugin-crypto through the hostile-argument suite of @warpdrive/conformance:
 * one-shot encrypt/decrypt/digest/hmac (async and sync), batches, cipher and
 * hash sessions (whole messages, start/update/final, streams), each argument
 * × every hostile class, checked against node:crypto on a clean copy of the
 * true bytes; GCM decryption with a wrong tag must reject and leave `out`
 * all zero. Soft device (queued and inline paths) on the host; the kernel
 * device and its no-SVA data region in the QEMU guest.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { createContext } from '@warpdrive/core';
import { bytesOf, defineHostileSuite, runNodeTransform, trueBytes, type EntryPoint, type Position } from '@warpdrive/conformance';
import crypto, { type CipherSession, type HashSession } from '../src/index.js';

const env = process.env.WARPDRIVE_DEVICE;
const DEVICE = env !== undefined && env.startsWith('wd_soft-') ? env : 'wd_soft-0';
const inGuest = env !== undefined && env.startsWith('wd_soft-');

const open = (device: string, extra: { inlineMaxBytes?: number; dataRegion?: number } = {}) => {
  const { inlineMaxBytes, ...rest } = extra;
  return createContext({
    plugins: [crypto(inlineMaxBytes === undefined ? {} : { inlineMaxBytes })],
    device,
    ...(device === 'soft' ? { workers: 2 } : { depth: 64 }),
    ...rest,
  });
};
type Ctx = Awaited<ReturnType<typeof open>>;

// Fixed bytes (every args() call returns the same), lengths whole 8-byte elements.
const KEY = randomBytes(32);
const IV12 = randomBytes(12);
const IV16 = randomBytes(16);
const AAD = randomBytes(24);
const DATA = randomBytes(1024);
const BIG = randomBytes(1 << 20);
const HKEY = randomBytes(40);
const MSGS = [randomBytes(104), randomBytes(1024), randomBytes(8)];
const BATCH_IVS = [randomBytes(12), randomBytes(12), randomBytes(12)];

const asBytes = (v: unknown): Buffer => (typeof v === 'string' ? Buffer.from(v) : trueBytes(v) ?? Buffer.from(v as never));
const optsOf = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const given = (v: unknown): boolean => v !== undefined && v !== null;
/** The keys with a value (the plugin refuses unknown own keys, even undefined ones). */
const defined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const SOFT = ['soft', 'soft-queued'];
/** A batch error names message i as `messages[i]`, or as the message's own `data`. */
const MSG_NAMES = ['messages', 'message', 'data'];

function same(got: Buffer, want: Buffer, what: string): string | undefined {
  if (got.equals(want)) return undefined;
  return `${what}: ${got.length} bytes, expected ${want.length}${got.length === want.length ? ' (contents differ)' : ''}`;
}

/** node:crypto's encryption for the clean options. */
function nodeEncrypt(data: unknown, o: Record<string, unknown>): { ct: Buffer; tag?: Buffer } {
  const alg = o.alg as string;
  const gcm = alg.endsWith('gcm');
  const tagLength = given(o.tagLength) ? (o.tagLength as number) : 16;
  const c = createCipheriv(alg, asBytes(o.key), asBytes(o.iv), (gcm ? { authTagLength: tagLength } : undefined) as never) as ReturnType<typeof createCipheriv> & { setAAD(b: Buffer): void; getAuthTag(): Buffer };
  if (given(o.padding)) c.setAutoPadding(o.padding as boolean);
  if (given(o.aad)) c.setAAD(asBytes(o.aad));
  const ct = Buffer.concat([c.update(asBytes(data)), c.final()]);
  return gcm ? { ct, tag: c.getAuthTag() } : { ct };
}

/** node:crypto's decryption for the clean options (throws where node refuses). */
function nodeDecrypt(data: unknown, o: Record<string, unknown>): Buffer {
  const alg = o.alg as string;
  const gcm = alg.endsWith('gcm');
  const d = createDecipheriv(alg, asBytes(o.key), asBytes(o.iv), (gcm ? { authTagLength: asBytes(o.tag).length } : undefined) as never) as ReturnType<typeof createDecipheriv> & { setAAD(b: Buffer): void; setAuthTag(b: Buffer): void };
  if (given(o.padding)) d.setAutoPadding(o.padding as boolean);
  if (gcm) d.setAuthTag(asBytes(o.tag));
  if (given(o.aad)) d.setAAD(asBytes(o.aad));
  return Buffer.concat([d.update(asBytes(data)), d.final()]);
}

function checkEncrypt(result: unknown, data: unknown, options: unknown): string | undefined {
  const r = optsOf(result);
  const ct = bytesOf(r.ciphertext);
  if (typeof ct === 'string') return `ciphertext: ${ct}`;
  const want = nodeEncrypt(data, optsOf(options));
  const p = same(ct, want.ct, 'ciphertext');
  if (p !== undefined) return p;
  if (want.tag === undefined) return given(r.tag) ? 'a tag for a mode without one' : undefined;
  const tag = bytesOf(r.tag);
  return typeof tag === 'string' ? `tag: ${tag}` : same(tag, want.tag, 'tag');
}

function checkDecrypt(result: unknown, data: unknown, options: unknown): string | undefined {
  const out = bytesOf(result);
  if (typeof out === 'string') return out;
  let want: Buffer;
  try {
    want = nodeDecrypt(data, optsOf(options));
  } catch (err) {
    return `resolved with ${out.length} bytes, but node:crypto refuses the clean input: ${(err as Error).message}`;
  }
  return same(out, want, 'plaintext');
}

const hashOf = (alg: string, data: unknown, key?: unknown) =>
  key === undefined ? createHash(alg).update(asBytes(data)).digest() : createHmac(alg.replace(/^hmac-/, ''), asBytes(key)).update(asBytes(data)).digest();

function checkDigest(result: unknown, data: unknown, options: unknown, hmac: boolean): string | undefined {
  const out = bytesOf(result);
  if (typeof out === 'string') return out;
  const o = optsOf(options);
  return same(out, hashOf(o.alg as string, data, hmac ? o.key : undefined), hmac ? 'hmac' : 'digest');
}

function checkDigestBatch(result: unknown, messages: unknown, options: unknown, hmac: boolean): string | undefined {
  const out = bytesOf(result);
  if (typeof out === 'string') return out;
  const o = optsOf(options);
  const list = Array.from(messages as ArrayLike<unknown>);
  const want = Buffer.concat(list.map((m) => hashOf(o.alg as string, m, hmac ? o.key : undefined)));
  return same(out, want, 'digests');
}

const gcmKeys = { alg: 'aes-256-gcm', key: KEY, iv: IV12, aad: AAD, tagLength: undefined, padding: undefined, out: undefined };
const decKeys = { alg: 'aes-256-gcm', key: KEY, iv: IV12, aad: AAD, tag: undefined as Buffer | undefined, padding: undefined, out: undefined };
const ctrKeys = { alg: 'aes-256-ctr', key: KEY, iv: IV16, aad: undefined, tagLength: undefined, padding: undefined, out: undefined };
const buf = (path: Position['path'], names?: string[]): Position => ({ kind: 'buffer', path, ...(names ? { names } : {}) });
const outAt = (path: Position['path'], size: (a: readonly unknown[]) => number): Position => ({ kind: 'buffer', path, role: 'out', size });
const dataSize = (i: number) => (a: readonly unknown[]) => asBytes(a[i]).length + 32;

const gcmBase = { alg: 'aes-256-gcm', key: KEY, iv: IV12, aad: AAD };
/** The GCM tag of DATA / BIG under gcmKeys, and a wrong one. */
const TAG = nodeEncrypt(DATA, gcmKeys).tag!;
const CT = nodeEncrypt(DATA, gcmKeys).ct;
const BIG_ENC = nodeEncrypt(BIG, gcmKeys);
/** The same without AAD: the minimal (required options only) calls. */
const gcmNoAad = { alg: 'aes-256-gcm', key: KEY, iv: IV12 };
const TAG0 = nodeEncrypt(DATA, gcmNoAad).tag!;
const wrong = (t: Buffer) => {
  const w = Buffer.from(t);
  w[0]! ^= 1;
  return w;
};

/** Wrong-tag decryptions: separate out, in place, small (inline) and large (queued). */
function authFailures(sync: boolean): () => { label: string; args: unknown[]; outs: Uint8Array[] }[] {
  return () => {
    const small = Buffer.from(CT);
    const big = Buffer.from(BIG_ENC.ct);
    const outSmall = Buffer.alloc(CT.length, 0xcc);
    const outBig = Buffer.alloc(BIG.length, 0xcc);
    const inPlace = Buffer.from(CT);
    const cases = [
      { label: 'wrong tag, out separate (small)', args: [small, { ...gcmBase, tag: wrong(TAG), out: outSmall }], outs: [outSmall] },
      { label: 'wrong tag, in place (out is data)', args: [inPlace, { ...gcmBase, tag: wrong(TAG), out: inPlace }], outs: [inPlace] },
      { label: 'wrong aad, out separate', args: [Buffer.from(CT), { ...gcmBase, aad: randomBytes(24), tag: TAG, out: Buffer.alloc(CT.length, 0xcc) }], outs: [] as Uint8Array[] },
    ];
    cases[2]!.outs = [(cases[2]!.args[1] as { out: Buffer }).out];
    if (!sync) cases.push({ label: 'wrong tag, out separate (1 MiB, queued)', args: [big, { ...gcmBase, tag: wrong(BIG_ENC.tag!), out: outBig }], outs: [outBig] });
    return cases;
  };
}

const oneShot = (sync: boolean): EntryPoint<Ctx>[] => {
  const s = sync ? 'Sync' : '';
  const kind = sync ? ('sync' as const) : ('async' as const);
  const only = sync ? { backends: SOFT } : {};
  const enc = (ctx: Ctx, d: unknown, o: unknown) => (sync ? ctx.encryptSync(d as Buffer, o as never) : ctx.encrypt(d as Buffer, o as never));
  const dec = (ctx: Ctx, d: unknown, o: unknown) => (sync ? ctx.decryptSync(d as Buffer, o as never) : ctx.decrypt(d as Buffer, o as never));
  return [
    {
      name: `encrypt${s} (aes-256-gcm)`, kind, ...only,
      args: () => [Buffer.from(DATA), defined({ ...gcmKeys, key: Buffer.from(KEY), iv: Buffer.from(IV12), aad: Buffer.from(AAD) })],
      inFlightArgs: () => [Buffer.from(BIG), defined({ ...gcmKeys, key: Buffer.from(KEY), iv: Buffer.from(IV12), aad: Buffer.from(AAD) })],
      minimalArgs: () => [Buffer.from(DATA), { ...gcmNoAad }],
      positions: [buf([0], ['data']), buf([1, 'key']), buf([1, 'iv']), buf([1, 'aad']), outAt([1, 'out'], dataSize(0)), { kind: 'options', path: [1], keys: gcmKeys }],
      call: (ctx, [d, o]) => enc(ctx, d, o),
      check: (r, [d, o]) => checkEncrypt(r, d, o),
    },
    {
      name: `encrypt${s} (aes-256-ctr)`, kind, ...only,
      args: () => [Buffer.from(DATA), { alg: 'aes-256-ctr', key: Buffer.from(KEY), iv: Buffer.from(IV16) }],
      inFlightArgs: () => [Buffer.from(BIG), { alg: 'aes-256-ctr', key: Buffer.from(KEY), iv: Buffer.from(IV16) }],
      positions: [buf([0], ['data']), buf([1, 'key']), buf([1, 'iv']), outAt([1, 'out'], dataSize(0)), { kind: 'options', path: [1], keys: ctrKeys }],
      call: (ctx, [d, o]) => enc(ctx, d, o),
      check: (r, [d, o]) => checkEncrypt(r, d, o),
    },
    {
      name: `decrypt${s} (aes-256-gcm)`, kind, ...only,
      args: () => [Buffer.from(CT), defined({ ...decKeys, key: Buffer.from(KEY), iv: Buffer.from(IV12), aad: Buffer.from(AAD), tag: Buffer.from(TAG) })],
      inFlightArgs: () => [Buffer.from(BIG_ENC.ct), defined({ ...decKeys, key: Buffer.from(KEY), iv: Buffer.from(IV12), aad: Buffer.from(AAD), tag: Buffer.from(BIG_ENC.tag!) })],
      minimalArgs: () => [Buffer.from(nodeEncrypt(DATA, gcmNoAad).ct), { ...gcmNoAad, tag: Buffer.from(TAG0) }],
      positions: [buf([0], ['data']), buf([1, 'key']), buf([1, 'iv']), buf([1, 'aad']), buf([1, 'tag']), outAt([1, 'out'], dataSize(0)), { kind: 'options', path: [1], keys: { ...decKeys, tag: TAG } }],
      call: (ctx, [d, o]) => dec(ctx, d, o),
      check: (r, [d, o]) => checkDecrypt(r, d, o),
      authFailures: authFailures(sync),
    },
    {
      name: `digest${s} (sha256)`, kind, ...only,
      args: () => [Buffer.from(DATA), { alg: 'sha256' }],
      inFlightArgs: () => [Buffer.from(BIG), { alg: 'sha256' }],
      positions: [buf([0], ['data']), outAt([1, 'out'], () => 32), { kind: 'options', path: [1], keys: { alg: 'sha256', out: undefined } }],
      call: (ctx, [d, o]) => (sync ? ctx.digestSync(d as Buffer, o as never) : ctx.digest(d as Buffer, o as never)),
      check: (r, [d, o]) => checkDigest(r, d, o, false),
    },
    {
      name: `hmac${s} (hmac-sha256)`, kind, ...only,
      args: () => [Buffer.from(DATA), { alg: 'hmac-sha256', key: Buffer.from(HKEY) }],
      inFlightArgs: () => [Buffer.from(BIG), { alg: 'hmac-sha256', key: Buffer.from(HKEY) }],
      positions: [buf([0], ['data']), buf([1, 'key']), outAt([1, 'out'], () => 32), { kind: 'options', path: [1], keys: { alg: 'hmac-sha256', key: HKEY, out: undefined } }],
      call: (ctx, [d, o]) => (sync ? ctx.hmacSync(d as Buffer, o as never) : ctx.hmac(d as Buffer, o as never)),
      check: (r, [d, o]) => checkDigest(r, d, o, true),
    },
  ];
};

const batches: EntryPoint<Ctx>[] = [
  {
    name: 'digestBatch (sha256)', kind: 'batch',
    args: () => [MSGS.map((m) => Buffer.from(m)), { alg: 'sha256' }],
    inFlightArgs: () => [[Buffer.from(BIG), Buffer.from(MSGS[1]!)], { alg: 'sha256' }],
    positions: [{ kind: 'array', path: [0], names: MSG_NAMES }, buf([0, 0], MSG_NAMES), buf([0, 1], MSG_NAMES), outAt([1, 'out'], (a) => 32 * (a[0] as unknown[]).length), { kind: 'options', path: [1], keys: { alg: 'sha256', out: undefined } }],
    call: (ctx, [m, o]) => ctx.digestBatch(m as Buffer[], o as never),
    check: (r, [m, o]) => checkDigestBatch(r, m, o, false),
  },
  {
    name: 'hmacBatch (hmac-sha256)', kind: 'batch',
    args: () => [MSGS.map((m) => Buffer.from(m)), { alg: 'hmac-sha256', key: Buffer.from(HKEY) }],
    positions: [{ kind: 'array', path: [0], names: MSG_NAMES }, buf([0, 1], MSG_NAMES), buf([1, 'key']), outAt([1, 'out'], (a) => 32 * (a[0] as unknown[]).length), { kind: 'options', path: [1], keys: { alg: 'hmac-sha256', key: HKEY, out: undefined } }],
    call: (ctx, [m, o]) => ctx.hmacBatch(m as Buffer[], o as never),
    check: (r, [m, o]) => checkDigestBatch(r, m, o, true),
  },
];

// Sessions: one per case (setup), closed after it (teardown).
const cipherSession = (ctx: Ctx) => ctx.createCipherSession({ alg: 'aes-256-gcm', key: KEY });
const closeSession = async (s: unknown) => {
  await (s as CipherSession | HashSession | undefined)?.close();
};
const sessionKeys = { iv: IV12, aad: AAD, tagLength: undefined, out: undefined };
const withKey = (o: unknown) => ({ alg: 'aes-256-gcm', key: KEY, ...optsOf(o) });

function checkBatchEncrypt(result: unknown, messages: unknown, options: unknown): string | undefined {
  const r = optsOf(result);
  const o = optsOf(options);
  const list = Array.from(messages as ArrayLike<unknown>);
  const ivs = Array.from(o.ivs as ArrayLike<unknown>);
  const cts = r.ciphertexts as unknown[];
  if (!Array.isArray(cts) || cts.length !== list.length) return `expected ${list.length} ciphertexts`;
  const tagLength = given(o.tagLength) ? (o.tagLength as number) : 16;
  const tags = bytesOf(r.tags);
  if (typeof tags === 'string') return `tags: ${tags}`;
  for (let i = 0; i < list.length; i++) {
    const want = nodeEncrypt(list[i], { ...withKey({}), iv: ivs[i], aad: o.aad, tagLength });
    const ct = bytesOf(cts[i]);
    if (typeof ct === 'string') return `ciphertext ${i}: ${ct}`;
    const p = same(ct, want.ct, `ciphertext ${i}`) ?? same(tags.subarray(i * tagLength, (i + 1) * tagLength), want.tag!, `tag ${i}`);
    if (p !== undefined) return p;
  }
  return undefined;
}

const batchTags = (msgs: readonly Buffer[], ivs: readonly Buffer[]) => Buffer.concat(msgs.map((m, i) => nodeEncrypt(m, { ...gcmKeys, iv: ivs[i] }).tag!));
const batchCts = (msgs: readonly Buffer[], ivs: readonly Buffer[]) => msgs.map((m, i) => nodeEncrypt(m, { ...gcmKeys, iv: ivs[i] }).ct);
const CTS = batchCts(MSGS, BATCH_IVS);
const TAGS = batchTags(MSGS, BATCH_IVS);

const sessions: EntryPoint<Ctx>[] = [
  {
    name: 'createCipherSession', kind: 'session',
    args: () => [{ alg: 'aes-256-gcm', key: Buffer.from(KEY) }],
    positions: [buf([0, 'key']), { kind: 'options', path: [0], keys: { alg: 'aes-256-gcm', key: KEY, padding: undefined } }],
    call: async (ctx, [so]) => {
      const s = await ctx.createCipherSession(so as never);
      try {
        return await s.encrypt(DATA, { iv: IV12, aad: AAD });
      } finally {
        await s.close();
      }
    },
    check: (r, [so]) => checkEncrypt(r, DATA, { ...optsOf(so), iv: IV12, aad: AAD }),
  },
  ...([false, true] as const).map((sync): EntryPoint<Ctx> => ({
    name: sync ? 'session.encryptSync' : 'session.encrypt', kind: sync ? 'sync' : 'session', ...(sync ? { backends: SOFT } : {}),
    setup: cipherSession, teardown: closeSession,
    args: () => [Buffer.from(DATA), { iv: Buffer.from(IV12), aad: Buffer.from(AAD) }],
    inFlightArgs: () => [Buffer.from(BIG), { iv: Buffer.from(IV12), aad: Buffer.from(AAD) }],
    minimalArgs: () => [Buffer.from(DATA), { iv: Buffer.from(IV12) }],
    positions: [buf([0], ['data']), buf([1, 'iv']), buf([1, 'aad']), outAt([1, 'out'], dataSize(0)), { kind: 'options', path: [1], keys: sessionKeys }],
    call: (_ctx, [d, o], s) => (sync ? (s as CipherSession).encryptSync(d as Buffer, o as never) : (s as CipherSession).encrypt(d as Buffer, o as never)),
    check: (r, [d, o]) => checkEncrypt(r, d, withKey(o)),
  })),
  {
    name: 'session.decrypt', kind: 'session', setup: cipherSession, teardown: closeSession,
    args: () => [Buffer.from(CT), { iv: Buffer.from(IV12), aad: Buffer.from(AAD), tag: Buffer.from(TAG) }],
    inFlightArgs: () => [Buffer.from(BIG_ENC.ct), { iv: Buffer.from(IV12), aad: Buffer.from(AAD), tag: Buffer.from(BIG_ENC.tag!) }],
    minimalArgs: () => [Buffer.from(nodeEncrypt(DATA, gcmNoAad).ct), { iv: Buffer.from(IV12), tag: Buffer.from(TAG0) }],
    positions: [buf([0], ['data']), buf([1, 'iv']), buf([1, 'tag']), outAt([1, 'out'], dataSize(0)), { kind: 'options', path: [1], keys: { ...sessionKeys, tag: TAG } }],
    call: (_ctx, [d, o], s) => (s as CipherSession).decrypt(d as Buffer, o as never),
    check: (r, [d, o]) => checkDecrypt(r, d, withKey(o)),
    authFailures: () => {
      const out = Buffer.alloc(CT.length, 0xcc);
      const inPlace = Buffer.from(CT);
      return [
        { label: 'session: wrong tag, out separate', args: [Buffer.from(CT), { iv: IV12, aad: AAD, tag: wrong(TAG), out }], outs: [out] },
        { label: 'session: wrong tag, in place', args: [inPlace, { iv: IV12, aad: AAD, tag: wrong(TAG), out: inPlace }], outs: [inPlace] },
      ];
    },
  },
  ...([false, true] as const).map((sync): EntryPoint<Ctx> => ({
    name: sync ? 'session.start+updateSync+finalSync' : 'session.start+update+final', kind: sync ? 'sync' : 'session', ...(sync ? { backends: SOFT } : {}),
    setup: cipherSession, teardown: closeSession,
    args: () => [{ iv: Buffer.from(IV12), aad: Buffer.from(AAD) }, Buffer.from(DATA), {}],
    inFlightArgs: () => [{ iv: Buffer.from(IV12), aad: Buffer.from(AAD) }, Buffer.from(BIG), {}],
    minimalArgs: () => [{ iv: Buffer.from(IV12) }, Buffer.from(DATA)],
    positions: [buf([0, 'iv']), buf([0, 'aad']), buf([1], ['data', 'chunk']), outAt([2, 'out'], dataSize(1)), { kind: 'options', path: [0], keys: { iv: IV12, aad: AAD, decrypt: undefined } }, { kind: 'options', path: [2], keys: { out: undefined } }],
    call: (_ctx, [so, d, uo], st) => {
      const s = st as CipherSession;
      s.start(so as never);
      if (sync) {
        const u = Buffer.from(s.updateSync(d as Buffer, uo as never));
        const f = s.finalSync();
        return { ciphertext: Buffer.concat([u, f.output]), tag: f.tag };
      }
      const u = s.update(d as Buffer, uo as never);
      return u.then(async (part) => {
        const first = Buffer.from(part);
        const f = await s.final();
        return { ciphertext: Buffer.concat([first, f.output]), tag: f.tag };
      });
    },
    check: (r, [so, d]) => (optsOf(so).decrypt === true ? 'decrypted although asked to encrypt' : checkEncrypt(r, d, withKey(so))),
  })),
  {
    name: 'session.createEncryptStream', kind: 'node-stream', nodeErrors: true, setup: cipherSession, teardown: closeSession,
    args: () => [{ iv: Buffer.from(IV12), aad: Buffer.from(AAD) }, Buffer.from(DATA)],
    inFlightArgs: () => [{ iv: Buffer.from(IV12), aad: Buffer.from(AAD) }, Buffer.from(BIG)],
    minimalArgs: () => [{ iv: Buffer.from(IV12) }, Buffer.from(DATA)],
    positions: [buf([0, 'iv']), buf([0, 'aad']), buf([1], ['chunk', 'data']), { kind: 'options', path: [0], keys: { iv: IV12, aad: AAD, tagLength: undefined, highWaterMark: undefined } }],
    call: (_ctx, [o, d], st) => {
      const stream = (st as CipherSession).createEncryptStream(o as never);
      return runNodeTransform(stream, d).then((ct) => ({ ciphertext: ct, tag: stream.getAuthTag() }));
    },
    check: (r, [o, d]) => checkEncrypt(r, d, withKey(o)),
  },
  {
    name: 'session.encryptBatch', kind: 'batch', setup: cipherSession, teardown: closeSession,
    args: () => [MSGS.map((m) => Buffer.from(m)), { ivs: BATCH_IVS.map((v) => Buffer.from(v)), aad: Buffer.from(AAD) }],
    inFlightArgs: () => [[Buffer.from(BIG), Buffer.from(MSGS[1]!)], { ivs: BATCH_IVS.slice(0, 2).map((v) => Buffer.from(v)), aad: Buffer.from(AAD) }],
    minimalArgs: () => [MSGS.map((m) => Buffer.from(m)), { ivs: BATCH_IVS.map((v) => Buffer.from(v)) }],
    positions: [
      { kind: 'array', path: [0], names: MSG_NAMES }, buf([0, 0], MSG_NAMES), buf([0, 1], MSG_NAMES),
      { kind: 'array', path: [1, 'ivs'], names: ['ivs', 'iv'] }, buf([1, 'ivs', 1], ['ivs', 'iv']), buf([1, 'aad']),
      outAt([1, 'tags'], (a) => 16 * (a[0] as unknown[]).length),
      { kind: 'options', path: [1], keys: { ivs: BATCH_IVS, outs: undefined, aad: AAD, tagLength: undefined, tags: undefined } },
    ],
    call: (_ctx, [m, o], s) => (s as CipherSession).encryptBatch(m as Buffer[], o as never),
    check: (r, [m, o]) => checkBatchEncrypt(r, m, o),
  },
  {
    name: 'session.encryptBatch (outs)', kind: 'batch', setup: cipherSession, teardown: closeSession,
    args: () => [MSGS.map((m) => Buffer.from(m)), { ivs: BATCH_IVS.map((v) => Buffer.from(v)), outs: MSGS.map((m) => Buffer.alloc(m.length)), aad: Buffer.from(AAD) }],
    positions: [{ kind: 'array', path: [1, 'outs'], role: 'out', names: ['outs', 'out'] }, { kind: 'buffer', path: [1, 'outs', 1], role: 'out', names: ['outs', 'out'] }],
    call: (_ctx, [m, o], s) => (s as CipherSession).encryptBatch(m as Buffer[], o as never),
    check: (r, [m, o]) => checkBatchEncrypt(r, m, o),
  },
  {
    name: 'session.decryptBatch', kind: 'batch', setup: cipherSession, teardown: closeSession,
    args: () => [CTS.map((c) => Buffer.from(c)), { ivs: BATCH_IVS.map((v) => Buffer.from(v)), aad: Buffer.from(AAD), tags: Buffer.from(TAGS) }],
    positions: [
      { kind: 'array', path: [0], names: MSG_NAMES }, buf([0, 1], MSG_NAMES), buf([1, 'ivs', 1], ['ivs', 'iv']), buf([1, 'tags'], ['tags', 'tag']), buf([1, 'aad']),
      { kind: 'options', path: [1], keys: { ivs: BATCH_IVS, outs: undefined, aad: AAD, tagLength: undefined, tags: TAGS } },
    ],
    call: (_ctx, [m, o], s) => (s as CipherSession).decryptBatch(m as Buffer[], o as never),
    check: (r, [m, o]) => {
      const list = Array.from(m as ArrayLike<unknown>);
      const oo = optsOf(o);
      const ivs = Array.from(oo.ivs as ArrayLike<unknown>);
      const tags = asBytes(oo.tags);
      const outs = r as unknown[];
      if (!Array.isArray(outs) || outs.length !== list.length) return `expected ${list.length} plaintexts`;
      for (let i = 0; i < list.length; i++) {
        const got = bytesOf(outs[i]);
        if (typeof got === 'string') return `plaintext ${i}: ${got}`;
        const p = checkDecrypt(got, list[i], { ...withKey({}), iv: ivs[i], aad: oo.aad, tag: tags.subarray(i * 16, (i + 1) * 16) });
        if (p !== undefined) return `message ${i}: ${p}`;
      }
      return undefined;
    },
    authFailures: () => {
      const outs = MSGS.map((m) => Buffer.alloc(m.length, 0xcc));
      const tags = Buffer.from(TAGS);
      tags[16]! ^= 1; // message 1's tag
      return [{ label: 'decryptBatch: message 1 has a wrong tag', args: [CTS.map((c) => Buffer.from(c)), { ivs: BATCH_IVS, aad: AAD, tags, outs }], outs }];
    },
  },
  {
    name: 'hashSession.update+digest', kind: 'session',
    setup: (ctx) => ctx.createHashSession({ alg: 'sha256' }), teardown: closeSession,
    args: () => [Buffer.from(DATA), {}],
    inFlightArgs: () => [Buffer.from(BIG), {}],
    minimalArgs: () => [Buffer.from(DATA)],
    positions: [buf([0], ['data']), outAt([1, 'out'], () => 32), { kind: 'options', path: [1], keys: { out: undefined } }],
    call: (_ctx, [d, o], st) => {
      const s = st as HashSession;
      const u = s.update(d as Buffer);
      return u.then(() => s.digest(o as never));
    },
    check: (r, [d]) => checkDigest(r, d, { alg: 'sha256' }, false),
  },
];

defineHostileSuite<Ctx>({
  plugin: 'crypto',
  file: import.meta.url,
  // The host runs the soft device; the QEMU guest (WARPDRIVE_DEVICE set by
  // driver/test/qemu/sdk.sh) the kernel device, which must then exist:
  // nothing is skipped (opening a missing device fails the run).
  backends: inGuest
    ? [
        { name: 'kernel', open: () => open(DEVICE) },
        { name: 'kernel-nosva', open: () => open(DEVICE, { dataRegion: 8 << 20 }) },
      ]
    : [
        { name: 'soft', open: () => open('soft') },
        { name: 'soft-queued', open: () => open('soft', { inlineMaxBytes: 0 }) },
      ],
  entries: [...oneShot(false), ...oneShot(true), ...batches, ...sessions],
  pollute: ['alg', 'padding', 'decrypt', 'verifiedOnly', 'ivs', 'outs', 'tags'],
  sanity: async (ctx) => {
    const r = await ctx.encrypt(BIG, { alg: 'aes-256-gcm', key: KEY, iv: IV12, aad: AAD });
    if (!r.ciphertext.equals(BIG_ENC.ct) || !r.tag!.equals(BIG_ENC.tag!)) throw new Error('encrypt of a fresh context is wrong');
    const back = await ctx.decrypt(r.ciphertext, { alg: 'aes-256-gcm', key: KEY, iv: IV12, aad: AAD, tag: r.tag! });
    if (!back.equals(BIG)) throw new Error('decrypt of a fresh context is wrong');
    if (!(await ctx.digest(DATA, { alg: 'sha256' })).equals(createHash('sha256').update(DATA).digest())) throw new Error('digest of a fresh context is wrong');
  },
});
