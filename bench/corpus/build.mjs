// Builds the zip benchmark corpus under <repo>/.bench-corpus/ (git-ignored),
// from real data nobody in this project wrote. Idempotent: a complete,
// same-recipe corpus is reused. Run directly (`node bench/corpus/build.mjs`)
// or through `pnpm bench zip`, which calls ensureCorpus().
//
//   kernel.txt  Linux kernel C sources (.c/.h under kernel/, mm/, fs/ext4/,
//               lib/), concatenated in tarball order, first 8 MiB; from
//               Debian's linux-source-6.1 package (installed with apt if missing)
//   node.elf    the first 8 MiB of the running `node` binary (process.execPath)
//   json.json   TypeScript's localized diagnostic message tables
//               (typescript/lib/*/diagnosticMessages.generated.json, from
//               node_modules), merged into one JSON object by locale (≈ 4 MiB)
//   random.bin  8 MiB from a seeded xorshift128+ PRNG (same bytes every run)
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RECIPE = 1; // bump when the recipe changes: forces a rebuild
const MiB = 1024 * 1024;
const root = fileURLToPath(new URL('../../', import.meta.url));
export const corpusDir = join(root, '.bench-corpus');
const TARBALL = '/usr/src/linux-source-6.1.tar.xz';
const KERNEL_DIRS = ['kernel/', 'mm/', 'fs/ext4/', 'lib/'];

function atomicWrite(path, data) {
  writeFileSync(`${path}.part`, data);
  renameSync(`${path}.part`, path);
}

function ensureLinuxSource(log) {
  if (existsSync(TARBALL)) return;
  log(`corpus: ${TARBALL} missing, installing Debian's linux-source-6.1 (apt-get)`);
  const apt = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'linux-source-6.1'], apt);
  } catch {
    execFileSync('apt-get', ['update'], apt);
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'linux-source-6.1'], apt);
  }
  if (!existsSync(TARBALL)) throw new Error(`linux-source-6.1 installed but ${TARBALL} not found`);
}

/** Streams the matching members out of the tarball; stops once `limit` bytes arrived. */
function kernelText(limit) {
  const top = 'linux-source-6.1/';
  const patterns = KERNEL_DIRS.flatMap((d) => [`${top}${d}*.c`, `${top}${d}*.h`]);
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-xJOf', TARBALL, '--wildcards', ...patterns], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    let got = 0;
    let stderr = '';
    tar.stderr.on('data', (c) => (stderr += c));
    tar.stdout.on('data', (c) => {
      if (got >= limit) return;
      chunks.push(c);
      got += c.length;
      if (got >= limit) tar.kill('SIGTERM'); // enough: no need to decompress the rest
    });
    tar.on('error', reject);
    tar.on('close', (code) => {
      if (got >= limit) resolve(Buffer.concat(chunks).subarray(0, limit));
      else reject(new Error(`tar exited ${code} after ${got} bytes: ${stderr.trim()}`));
    });
  });
}

function nodeElf(limit) {
  const fd = openSync(process.execPath, 'r');
  try {
    const buf = Buffer.alloc(limit);
    const n = readSync(fd, buf, 0, limit, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function typescriptJson() {
  const require = createRequire(join(root, 'package.json'));
  const lib = dirname(require.resolve('typescript'));
  const merged = {};
  for (const locale of readdirSync(lib, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const file = join(lib, locale, 'diagnosticMessages.generated.json');
    if (existsSync(file)) merged[locale] = JSON.parse(readFileSync(file, 'utf8'));
  }
  const version = JSON.parse(readFileSync(join(lib, '..', 'package.json'), 'utf8')).version;
  return { data: Buffer.from(JSON.stringify(merged, null, 1)), source: `typescript@${version} lib/*/diagnosticMessages.generated.json (${Object.keys(merged).length} locales)` };
}

/** xorshift128+ with a fixed seed: the same "random" bytes every run. */
function seededRandom(bytes, seed = 0x9e3779b97f4a7c15n) {
  const out = Buffer.alloc(bytes);
  let s0 = seed;
  let s1 = seed ^ 0xdeadbeefcafebaben;
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < bytes; i += 8) {
    let x = s0;
    const y = s1;
    s0 = y;
    x = (x ^ (x << 23n)) & mask;
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    const v = (s1 + y) & mask;
    const chunk = Buffer.alloc(8);
    chunk.writeBigUInt64LE(v);
    chunk.copy(out, i, 0, Math.min(8, bytes - i));
  }
  return out;
}

function packageVersion(pkg) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  } catch {
    return 'unknown';
  }
}

/**
 * Makes sure the corpus exists; returns { dir, files: [{ name, path, bytes, source, sha256 }] }.
 */
export async function ensureCorpus({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const manifestPath = join(corpusDir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (m.recipe === RECIPE && m.files.every((f) => existsSync(f.path))) return m;
  }
  mkdirSync(corpusDir, { recursive: true });
  ensureLinuxSource(log);
  log('corpus: extracting kernel C sources');
  const entries = [
    { name: 'kernel', file: 'kernel.txt', make: async () => ({ data: await kernelText(8 * MiB), source: `Debian linux-source-6.1 ${packageVersion('linux-source-6.1')}: ${KERNEL_DIRS.join(' ')} *.c/*.h in tarball order` }) },
    { name: 'elf', file: 'node.elf', make: async () => ({ data: nodeElf(8 * MiB), source: `first 8 MiB of ${process.execPath} (node ${process.version})` }) },
    { name: 'json', file: 'json.json', make: async () => typescriptJson() },
    { name: 'random', file: 'random.bin', make: async () => ({ data: seededRandom(8 * MiB), source: 'xorshift128+ seeded 0x9e3779b97f4a7c15' }) },
  ];
  const files = [];
  for (const e of entries) {
    const { data, source } = await e.make();
    const path = join(corpusDir, e.file);
    atomicWrite(path, data);
    files.push({ name: e.name, path, bytes: data.length, source, sha256: createHash('sha256').update(data).digest('hex') });
    log(`corpus: ${e.file} ${(data.length / MiB).toFixed(2)} MiB — ${source}`);
  }
  const manifest = { recipe: RECIPE, files };
  atomicWrite(manifestPath, JSON.stringify(manifest, null, 2));
  return manifest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const m = await ensureCorpus();
  for (const f of m.files) console.log(`${f.name.padEnd(7)} ${String(f.bytes).padStart(9)}  ${f.sha256.slice(0, 16)}  ${f.source}`);
}
