// Do a release directory's binaries work in this node? Loads its addon
// (WARPDRIVE_NATIVE_PATH) and both engines (through copies of the plugins'
// dist/ under packages/<plugin>/build/release-smoke/, whose
// ../build/<engine>.so is the released file), then checks gzip/gunzip and
// AES-256-GCM, SHA-256, HMAC-SHA-256 against node's own zlib and crypto,
// and that the crypto engine's OpenSSL is its own static copy.
//
//   node scripts/release/lib/smoke.mjs .release/binaries/linux-x64-gnu
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const plugins = { zip: join(repo, 'packages', 'plugins-zip'), crypto: join(repo, 'packages', 'plugins-crypto') };
const copyOf = (pkg) => join(pkg, 'build', 'release-smoke');

if (process.argv[2] === '--child') {
  const assert = (await import('node:assert/strict')).default;
  const nodeCrypto = await import('node:crypto');
  const nodeZlib = await import('node:zlib');
  const url = (p) => pathToFileURL(p).href;
  const { createContext } = await import(url(join(plugins.crypto, 'node_modules', '@warpdrive', 'core', 'dist', 'index.js')));
  const { crypto } = await import(url(join(copyOf(plugins.crypto), 'dist', 'index.js')));
  const zlib = (await import(url(join(copyOf(plugins.zip), 'dist', 'zlib', 'index.js')))).default;
  const data = nodeCrypto.randomBytes(1 << 20);
  const text = Buffer.from('warpdrive release smoke '.repeat(40000));
  for (const level of [1, 6, 9]) {
    const gz = await zlib.promises.gzip(text, { level });
    assert.deepEqual(nodeZlib.gunzipSync(gz), text);
    assert.deepEqual(zlib.gunzipSync(nodeZlib.gzipSync(text, { level })), text);
  }
  const ctx = await createContext({ plugins: [crypto()] });
  const key = nodeCrypto.randomBytes(32);
  const iv = nodeCrypto.randomBytes(12);
  const { ciphertext, tag } = await ctx.encrypt(data, { alg: 'aes-256-gcm', key, iv });
  const c = nodeCrypto.createCipheriv('aes-256-gcm', key, iv);
  assert.deepEqual(ciphertext, Buffer.concat([c.update(data), c.final()]));
  assert.deepEqual(tag, c.getAuthTag());
  assert.deepEqual(await ctx.digest(data, { alg: 'sha256' }), nodeCrypto.createHash('sha256').update(data).digest());
  assert.deepEqual(ctx.hmacSync(data, { alg: 'hmac-sha256', key }), nodeCrypto.createHmac('sha256', key).update(data).digest());
  const info = ctx.cryptoEngineInfo();
  assert.match(info.library, /crypto-engine\.so$/, 'EVP_EncryptInit_ex must be the engine\'s own (static, hidden) copy');
  await ctx.close?.();
  console.log(`smoke ok: gzip levels 1/6/9 both ways, aes-256-gcm, sha256, hmac-sha256; engine ${info.openssl} in ${info.library.replace(repo, '.')}`);
  process.exit(0);
}

const releaseDir = resolve(process.argv[2] ?? join(repo, '.release', 'binaries', `linux-${process.arch}-gnu`));
try {
  for (const [name, pkg] of Object.entries(plugins)) {
    rmSync(copyOf(pkg), { recursive: true, force: true });
    cpSync(join(pkg, 'dist'), join(copyOf(pkg), 'dist'), { recursive: true });
    mkdirSync(join(copyOf(pkg), 'build'), { recursive: true });
    copyFileSync(join(releaseDir, `${name}-engine.so`), join(copyOf(pkg), 'build', `${name}-engine.so`));
  }
  execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], {
    stdio: 'inherit', env: { ...process.env, WARPDRIVE_NATIVE_BUILD: '', WARPDRIVE_NATIVE_PATH: join(releaseDir, 'warpdrive_native.node') },
  });
} finally {
  for (const pkg of Object.values(plugins)) rmSync(copyOf(pkg), { recursive: true, force: true });
}
