// The arm64 conformance smoke: representative cases of the conformance suites
// (packages/conformance, as the plugins' test/conformance*.test.ts configure them)
// driven through the public API of the *installed* packages, each result checked
// against node's own zlib/crypto. Run by run.sh inside the arm64 chroot under
// qemu-user, from a fresh npm project that installed the release tarballs.
//
// Why not vitest: the suites are vitest files in the source tree; running them here
// would need the dev tree (TypeScript sources, vitest and its native esbuild/rollup
// binaries for arm64) instead of the published packages, which is what this stage is
// about, and vitest's startup alone is slow under emulation. The cases below are the
// suites' categories in miniature: round trip, known vectors, bad input (typed errors),
// streaming, concurrency -- for zip, the node:zlib facade and crypto.
//
// Prints one line per case and `N passed, M failed`; exit code 1 on any failure.
import assert from 'node:assert/strict';
import nodeCrypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import nodeZlib from 'node:zlib';
import { createContext, isWarpdriveError } from '@warpdrive/core';
import zip from '@warpdrive/plugin-zip';
import wzlib from '@warpdrive/plugin-zip/zlib';
import crypto from '@warpdrive/plugin-crypto';

let passed = 0;
let failed = 0;
async function check(name, fn) {
  const t0 = performance.now();
  try {
    await fn();
    passed++;
    console.log(`  ok   ${name} (${(performance.now() - t0).toFixed(0)} ms)`);
  } catch (e) {
    failed++;
    console.log(`  FAIL ${name}: ${e?.code ? `${e.code} ` : ''}${e?.stack ?? e}`);
  }
}
async function rejectsWith(p, code) {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.ok(isWarpdriveError(e), `expected a WarpdriveError, got ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.code, code);
    return e;
  }
  assert.fail(`expected ${code}, nothing was thrown`);
}

// Inputs: incompressible, text-like and runs, plus edge sizes (0, 1, one page, odd).
const rnd = (n) => nodeCrypto.randomBytes(n);
const text = Buffer.from(
  Array.from({ length: 8000 }, (_, i) => `line ${i}: the quick brown fox ${i % 97} jumps over ${(i * 31) % 1000}\n`).join(''),
);
const samples = [
  ['empty', Buffer.alloc(0)],
  ['1 byte', Buffer.from('a')],
  ['4 KiB random', rnd(4096)],
  ['text', text],
  ['runs', Buffer.alloc(300_000, 0x61)],
  ['odd 65537 random', rnd(65537)],
];
const FORMATS = ['deflate', 'zlib', 'gzip'];
const nodeInflate = { deflate: nodeZlib.inflateRawSync, zlib: nodeZlib.inflateSync, gzip: nodeZlib.gunzipSync };
const nodeDeflate = { deflate: nodeZlib.deflateRawSync, zlib: nodeZlib.deflateSync, gzip: nodeZlib.gzipSync };

// The binaries this process runs must be the arm64 platform packages that npm installed.
await check('platform packages are installed and are aarch64 ELF files', () => {
  assert.equal(process.arch, 'arm64');
  const req = createRequire(import.meta.url);
  for (const [pkg, file] of [
    ['@warpdrive/native-linux-arm64-gnu', 'warpdrive_native.node'],
    ['@warpdrive/plugin-zip-linux-arm64-gnu', 'zip-engine.so'],
    ['@warpdrive/plugin-crypto-linux-arm64-gnu', 'crypto-engine.so'],
  ]) {
    const dir = dirname(req.resolve(`${pkg}/package.json`));
    const elf = readFileSync(join(dir, file));
    assert.equal(elf.subarray(0, 4).toString('latin1'), '\x7fELF', `${pkg}/${file} is not ELF`);
    assert.equal(elf.readUInt16LE(18), 0xb7, `${pkg}/${file}: e_machine ${elf.readUInt16LE(18)}, expected 183 (aarch64)`);
  }
  for (const v of ['WARPDRIVE_NATIVE_PATH', 'WARPDRIVE_NATIVE_BUILD']) assert.equal(process.env[v], undefined, `${v} is set`);
});

const ctx = await createContext({ plugins: [zip(), crypto()], device: 'soft', queues: 4 });
try {
  // zip: round trip at several levels, both directions against node:zlib.
  for (const level of [0, 1, 6, 9]) {
    await check(`zip round trip, deflate/zlib/gzip at level ${level}, against node:zlib`, async () => {
      for (const format of FORMATS) {
        for (const [name, data] of samples) {
          const ours = await ctx.compress(data, { format, level });
          assert.ok(nodeInflate[format](ours).equals(data), `node:zlib cannot read our ${format} of ${name}`);
          const theirs = nodeDeflate[format](data, { level });
          assert.ok((await ctx.decompress(theirs, { format })).equals(data), `we cannot read node's ${format} of ${name}`);
          assert.ok(ctx.decompressSync(ctx.compressSync(data, { format, level }), { format }).equals(data), `sync ${format} ${name}`);
        }
      }
    });
  }
  await check('zip known vectors (RFC 1951 stored block, RFC 1950 fixed Huffman, gzip of "abc")', async () => {
    assert.equal((await ctx.compress(Buffer.alloc(0), { format: 'deflate', level: 0 })).toString('hex'), '010000ffff');
    assert.equal((await ctx.compress(Buffer.alloc(0), { format: 'zlib', level: 0 })).toString('hex'), '7801010000ffff00000001');
    assert.equal(
      (await ctx.compress(Buffer.from('abc'), { format: 'gzip', level: 0 })).toString('hex'),
      '1f8b0800000000000403010300fcff616263c241243503000000',
    );
    assert.equal((await ctx.decompress(Buffer.from('789c4b040000620062', 'hex'))).toString(), 'a');
  });
  const gz = nodeZlib.gzipSync(text);
  await check('zip bad input: corrupt, truncated, bad CRC, trailing data, level 10, output limit, not a buffer', async () => {
    await rejectsWith(ctx.decompress(Buffer.from([0xff, 0xff, 0xff]), { format: 'deflate' }), 'ERR_DATA_CORRUPT');
    await rejectsWith(ctx.decompress(gz.subarray(0, gz.length >> 1)), 'ERR_DATA_TRUNCATED');
    const badCrc = Buffer.from(gz);
    badCrc[badCrc.length - 8] ^= 0xff;
    assert.equal((await rejectsWith(ctx.decompress(badCrc), 'ERR_DATA_CORRUPT')).details?.reason, 'checksum');
    assert.equal((await rejectsWith(ctx.decompress(Buffer.concat([gz, Buffer.from('garbage')])), 'ERR_DATA_CORRUPT')).details?.reason, 'trailing-data');
    await rejectsWith(() => ctx.compress(text, { level: 10 }), 'ERR_INVALID_ARGUMENT');
    await rejectsWith(ctx.decompress(gz, { maxOutputLength: 1000 }), 'ERR_OUTPUT_LIMIT');
    await rejectsWith(() => ctx.compress('text'), 'ERR_INVALID_ARGUMENT');
  });
  await check('zip streaming: gzip stream in many small writes agrees with node:zlib', async () => {
    const chunks = [];
    const src = Readable.from((function* () { for (let o = 0; o < text.length; o += 777) yield text.subarray(o, o + 777); })());
    await pipeline(src, ctx.createCompressStream({ format: 'gzip', level: 6 }), async function* (s) { for await (const c of s) chunks.push(c); });
    assert.ok(nodeZlib.gunzipSync(Buffer.concat(chunks)).equals(text));
  });
  await check('zip concurrency: 96 requests in flight on 4 queues agree with the sequential results', async () => {
    const run = (i) => ctx.compress(text.subarray(0, 4096 + i * 997), { format: FORMATS[i % 3], level: i % 10 });
    const parallel = await Promise.all(Array.from({ length: 96 }, (_, i) => run(i)));
    for (let i = 0; i < 96; i++) assert.ok(parallel[i].equals(await run(i)), `request ${i} differs`);
  });
  await check('node:zlib facade (@warpdrive/plugin-zip/zlib): sync, callback, promise and stream forms', async () => {
    for (const [name, data] of samples) {
      assert.ok(nodeZlib.gunzipSync(wzlib.gzipSync(data)).equals(data), `gzipSync ${name}`);
      assert.ok(wzlib.inflateSync(nodeZlib.deflateSync(data)).equals(data), `inflateSync ${name}`);
      assert.ok(nodeZlib.inflateRawSync(await wzlib.promises.deflateRaw(data, { level: 9 })).equals(data), `deflateRaw ${name}`);
    }
    const viaCallback = await new Promise((res, rej) => wzlib.gzip(text, (err, out) => (err ? rej(err) : res(out))));
    assert.ok(nodeZlib.gunzipSync(viaCallback).equals(text));
    const chunks = [];
    await pipeline(Readable.from([nodeZlib.gzipSync(text)]), wzlib.createGunzip(), async function* (s) { for await (const c of s) chunks.push(c); });
    assert.ok(Buffer.concat(chunks).equals(text));
    assert.throws(() => wzlib.gunzipSync(Buffer.from('not gzip')), (e) => e.code === 'Z_DATA_ERROR');
  });

  // crypto: AES-GCM against node:crypto, both directions; CTR/CBC; SHA/HMAC.
  await check('AES-256-GCM / AES-128-GCM encrypt and decrypt against node:crypto', async () => {
    for (const [alg, keyLen] of [['aes-256-gcm', 32], ['aes-128-gcm', 16]]) {
      for (const [name, data] of samples) {
        const key = rnd(keyLen), iv = rnd(12), aad = rnd(13);
        const { ciphertext, tag } = await ctx.encrypt(data, { alg, key, iv, aad });
        const c = nodeCrypto.createCipheriv(alg, key, iv).setAAD(aad);
        const want = Buffer.concat([c.update(data), c.final()]);
        assert.ok(ciphertext.equals(want), `${alg} ciphertext of ${name}`);
        assert.ok(tag.equals(c.getAuthTag()), `${alg} tag of ${name}`);
        assert.ok((await ctx.decrypt(want, { alg, key, iv, aad, tag })).equals(data), `${alg} decrypt of ${name}`);
        assert.ok(ctx.decryptSync(ciphertext, { alg, key, iv, aad, tag }).equals(data), `${alg} decryptSync of ${name}`);
      }
    }
  });
  await check('AES-GCM with a wrong tag is rejected with a typed error', async () => {
    const key = rnd(32), iv = rnd(12);
    const { ciphertext, tag } = await ctx.encrypt(text, { alg: 'aes-256-gcm', key, iv });
    tag[0] ^= 1;
    await rejectsWith(ctx.decrypt(ciphertext, { alg: 'aes-256-gcm', key, iv, tag }), 'ERR_AUTH_FAILED');
    await rejectsWith(() => ctx.decryptSync(ciphertext, { alg: 'aes-256-gcm', key, iv, tag }), 'ERR_AUTH_FAILED');
  });
  await check('AES-256-CTR and AES-256-CBC against node:crypto', async () => {
    for (const alg of ['aes-256-ctr', 'aes-256-cbc']) {
      const key = rnd(32), iv = rnd(16);
      const c = nodeCrypto.createCipheriv(alg, key, iv);
      const want = Buffer.concat([c.update(text), c.final()]);
      const { ciphertext } = await ctx.encrypt(text, { alg, key, iv });
      assert.ok(ciphertext.equals(want), alg);
      assert.ok((await ctx.decrypt(want, { alg, key, iv })).equals(text), `${alg} decrypt`);
    }
  });
  await check('SHA-1/SHA-256/SHA-512 and HMAC-SHA-256/512 against node:crypto', async () => {
    for (const [name, data] of samples) {
      for (const alg of ['sha1', 'sha256', 'sha512']) {
        const want = nodeCrypto.createHash(alg).update(data).digest();
        assert.ok((await ctx.digest(data, { alg })).equals(want), `${alg} of ${name}`);
        assert.ok(ctx.digestSync(data, { alg }).equals(want), `${alg} sync of ${name}`);
      }
      for (const alg of ['hmac-sha256', 'hmac-sha512']) {
        const key = rnd(40);
        const want = nodeCrypto.createHmac(alg.slice(5), key).update(data).digest();
        assert.ok((await ctx.hmac(data, { alg, key })).equals(want), `${alg} of ${name}`);
      }
    }
    // FIPS 180-2 known answer
    assert.equal((await ctx.digest(Buffer.from('abc'), { alg: 'sha256' })).toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  await check('crypto concurrency: 128 large AES-GCM requests in flight (through the queues)', async () => {
    const key = rnd(32);
    const msgs = Array.from({ length: 128 }, (_, i) => rnd(20_000 + i * 101));
    const ivs = msgs.map(() => rnd(12));
    const out = await Promise.all(msgs.map((m, i) => ctx.encrypt(m, { alg: 'aes-256-gcm', key, iv: ivs[i] })));
    out.forEach(({ ciphertext, tag }, i) => {
      const d = nodeCrypto.createDecipheriv('aes-256-gcm', key, ivs[i]).setAuthTag(tag);
      assert.ok(Buffer.concat([d.update(ciphertext), d.final()]).equals(msgs[i]), `message ${i}`);
    });
  });
  await check('crypto bad arguments: short key and missing tag are ERR_INVALID_ARGUMENT, md5/aes-256-xts ERR_UNSUPPORTED_OPERATION', async () => {
    const e = await rejectsWith(() => ctx.encrypt(text, { alg: 'aes-256-gcm', key: rnd(16), iv: rnd(12) }), 'ERR_INVALID_ARGUMENT');
    assert.match(e.message, /key/);
    await rejectsWith(() => ctx.decrypt(text, { alg: 'aes-256-gcm', key: rnd(32), iv: rnd(12) }), 'ERR_INVALID_ARGUMENT');
    await rejectsWith(() => ctx.digest(text, { alg: 'md5' }), 'ERR_UNSUPPORTED_OPERATION');
    assert.equal((await rejectsWith(() => ctx.encrypt(text, { alg: 'aes-256-xts', key: rnd(32), iv: rnd(16) }), 'ERR_UNSUPPORTED_OPERATION')).details?.argument, 'alg');
  });
} finally {
  await ctx.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
