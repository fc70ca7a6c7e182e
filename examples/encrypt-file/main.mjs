// Chunked AES-256-GCM file encryption with one warpdrive cipher session.
//
//   node main.mjs encrypt IN OUT --key-file K     (K: 32 raw bytes; created if missing)
//   node main.mjs decrypt IN OUT --key-file K
//
// Format: "WDGCM\x01" | u32 chunk size | 8-byte random nonce prefix, then
// records of (ciphertext || 16-byte tag), one per chunk. Chunk i uses
// IV = prefix || u32 i (big-endian) and AAD = header || u64 i || final flag,
// so chunks cannot be reordered, dropped, or cut off at the end unnoticed.
// The session expands the key once; up to WINDOW chunks are in flight at a
// time (a session runs several whole messages in parallel on the workers),
// and each chunk is encrypted in place in its read buffer.
// Decryption writes to a temp file and renames it only once every chunk has
// authenticated: a tampered file leaves no plaintext behind.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createContext } from '@warpdrive/core';
import crypto from '@warpdrive/plugin-crypto';

const MAGIC = Buffer.from('WDGCM\x01', 'latin1');
const HEADER = MAGIC.length + 4 + 8;
const TAG = 16;
const CHUNK = 1 << 20;
const WINDOW = 4;

function ivOf(prefix, i) {
  const iv = Buffer.alloc(12);
  prefix.copy(iv, 0);
  iv.writeUInt32BE(i, 8);
  return iv;
}

function aadOf(header, i, final) {
  const aad = Buffer.alloc(header.length + 9);
  header.copy(aad, 0);
  aad.writeBigUInt64BE(BigInt(i), header.length);
  aad[header.length + 8] = final ? 1 : 0;
  return aad;
}

async function readFull(fh, buf, position) {
  let n = 0;
  while (n < buf.length) {
    const { bytesRead } = await fh.read(buf, n, buf.length - n, position + n);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  return n;
}

/** Encrypt `inPath` to `outPath`. */
export async function encryptFile(ctx, key, inPath, outPath, chunk = CHUNK) {
  const session = await ctx.createCipherSession({ alg: 'aes-256-gcm', key });
  const input = await open(inPath, 'r');
  const output = await open(outPath, 'w');
  try {
    const { size } = await input.stat();
    const count = Math.max(1, Math.ceil(size / chunk));
    const header = Buffer.alloc(HEADER);
    MAGIC.copy(header, 0);
    header.writeUInt32BE(chunk, MAGIC.length);
    const prefix = randomBytes(8);
    prefix.copy(header, MAGIC.length + 4);
    await output.write(header, 0, HEADER, 0);
    for (let first = 0; first < count; first += WINDOW) {
      const batch = [];
      for (let i = first; i < Math.min(count, first + WINDOW); i++) {
        batch.push((async () => {
          const buf = Buffer.allocUnsafe(chunk);
          const n = await readFull(input, buf, i * chunk);
          const data = buf.subarray(0, n);
          const { tag } = await session.encrypt(data, { iv: ivOf(prefix, i), aad: aadOf(header, i, i === count - 1), out: data });
          await output.write(Buffer.concat([data, tag]), 0, n + TAG, HEADER + i * (chunk + TAG));
        })());
      }
      await Promise.all(batch);
    }
  } finally {
    await input.close();
    await output.close();
    await session.close();
  }
}

/** Decrypt `inPath` to `outPath`; on any authentication failure no output file remains. */
export async function decryptFile(ctx, key, inPath, outPath) {
  const input = await open(inPath, 'r');
  const tmp = `${outPath}.${randomBytes(6).toString('hex')}.tmp`;
  const output = await open(tmp, 'wx');
  const session = await ctx.createCipherSession({ alg: 'aes-256-gcm', key });
  let ok = false;
  try {
    const header = Buffer.alloc(HEADER);
    if ((await readFull(input, header, 0)) !== HEADER || !header.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a WDGCM file');
    const chunk = header.readUInt32BE(MAGIC.length);
    const prefix = header.subarray(MAGIC.length + 4);
    const { size } = await input.stat();
    const body = size - HEADER;
    const count = Math.max(1, Math.ceil(body / (chunk + TAG)));
    for (let first = 0; first < count; first += WINDOW) {
      const batch = [];
      for (let i = first; i < Math.min(count, first + WINDOW); i++) {
        batch.push((async () => {
          const rec = Buffer.allocUnsafe(chunk + TAG);
          const n = await readFull(input, rec, HEADER + i * (chunk + TAG));
          if (n < TAG) throw new Error(`chunk ${i} is truncated`);
          const ct = rec.subarray(0, n - TAG);
          const plain = await session.decrypt(ct, { iv: ivOf(prefix, i), aad: aadOf(header, i, i === count - 1), tag: rec.subarray(n - TAG, n), out: ct });
          await output.write(plain, 0, plain.length, i * chunk);
        })());
      }
      await Promise.all(batch);
    }
    ok = true;
  } finally {
    await input.close();
    await output.close();
    await session.close();
    if (ok) await rename(tmp, outPath);
    else await rm(tmp, { force: true });
  }
}

async function loadKey(path) {
  if (!existsSync(path)) await writeFile(path, randomBytes(32), { mode: 0o600 });
  return readFile(path);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode, inPath, outPath, flag, keyPath] = process.argv.slice(2);
  if (!['encrypt', 'decrypt'].includes(mode) || !inPath || !outPath || flag !== '--key-file' || !keyPath) {
    console.error('usage: node main.mjs encrypt|decrypt IN OUT --key-file K');
    process.exit(2);
  }
  const ctx = await createContext({ plugins: [crypto()] });
  try {
    const key = await loadKey(keyPath);
    const t0 = performance.now();
    await (mode === 'encrypt' ? encryptFile(ctx, key, inPath, outPath) : decryptFile(ctx, key, inPath, outPath));
    console.error(`${mode}ed ${inPath} → ${outPath} in ${(performance.now() - t0).toFixed(0)} ms`);
  } catch (err) {
    console.error(`${mode} failed: ${err.code ?? ''} ${err.message}`);
    process.exitCode = 1;
  } finally {
    await ctx.close();
  }
}
