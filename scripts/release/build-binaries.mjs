#!/usr/bin/env node
// Release binaries for one target, self-contained:
//
//   node scripts/release/build-binaries.mjs --target linux-x64-gnu|linux-arm64-gnu [--out DIR]
//
// writes DIR/<target>/{warpdrive_native.node,zip-engine.so,crypto-engine.so}
// (DIR defaults to .release/binaries) and then checks them with
// check-binaries.mjs (machine, DT_NEEDED, GLIBC_ baseline, no build paths,
// exports).
//
// The same build scripts as a contributor's (packages/native/CMakeLists.txt
// through cmake-js, the plugins' scripts/build-engine.mjs), given:
// - Debian bullseye's gcc 10 and glibc 2.31 for the target, unpacked from
//   bullseye's .debs (lib/toolchain.mjs; the glibc baseline, targets.mjs),
//   with the host's binutils (and nasm), installed here with apt if missing;
// - static ISA-L, libdeflate and OpenSSL for the target (lib/deps.mjs,
//   from Debian's archive, cached under .cache/release/deps/<target>/);
// - release flags: -O2, PIC, hidden visibility, every third-party archive
//   with --exclude-libs,ALL, a version script that exports only the entry
//   points (targets.mjs EXPORTS), static libstdc++/libgcc for the addon,
//   -ffile-prefix-map so no build path is baked in, and strip
//   --strip-unneeded of the output.
// zlib is not linked: the zip engine is compiled against node's zlib.h
// (arch-independent; from the node running this script) and binds to the
// zlib the node process exports (see packages/plugins-zip README).
//
// Intermediate trees go to .cache/release/build/<target>/ and are rebuilt
// every run (the toolchain and the deps are the cached part, under
// .cache/release/{toolchains,deps}/, keyed by their Debian versions).
// lib/smoke.mjs runs the output in this node; lib/bench-zip.mjs compares
// its zip engine's speed with the workspace build.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBinaries } from './check-binaries.mjs';
import { buildDeps } from './lib/deps.mjs';
import { EXPORTS, flagArg, targetArg } from './lib/targets.mjs';
import { bullseyeToolchain, TOOLCHAIN_ID } from './lib/toolchain.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = targetArg(process.argv);
const outRoot = resolve(flagArg(process.argv, '--out', join(repo, '.release', 'binaries')));
const outDir = join(outRoot, target.name);
const work = join(repo, '.cache', 'release', 'build', target.name);
const started = Date.now();
const lap = (what, t0) => console.log(`release: ${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);

// --- toolchain ----------------------------------------------------------------
function ensureApt(packages) {
  const missing = packages.filter((p) => {
    try {
      return !execFileSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed');
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  console.log(`release: installing ${missing.join(' ')}`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args) => execFileSync(sudo.length ? 'sudo' : 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  // another apt may hold the lock (shared machine): wait for it
  run(['-o', 'DPkg::Lock::Timeout=600', 'update', '-qq']);
  run(['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
}
ensureApt([...target.aptTools, 'make', 'cmake', 'ninja-build', 'xz-utils']);

const tool = (name) => `${target.triplet}-${name}`;
let t0 = Date.now();
const toolchain = bullseyeToolchain(repo, target);
lap(`toolchain (${TOOLCHAIN_ID})`, t0);
// No build path may remain in the output: the repository, the cache inside
// it and the home directory (cmake-js, node-gyp caches) map to short names.
const prefixMaps = [`-ffile-prefix-map=${repo}=.`, `-ffile-prefix-map=${homedir()}=~`];
// The compilers as small wrappers that add the sysroot flags and the path
// maps to every compile and link, whoever calls them (cmake-js replaces
// CMAKE_<LANG>_FLAGS, ISA-L's make has its own CFLAGS).
const wrapDir = join(repo, '.cache', 'release', 'wrap', target.name);
mkdirSync(wrapDir, { recursive: true });
const wrap = (name, real) => {
  const path = join(wrapDir, name);
  const quote = (a) => `'${a.replace(/'/g, `'\\''`)}'`;
  writeFileSync(path, `#!/bin/sh\nexec ${[real, ...toolchain.flags, ...prefixMaps].map(quote).join(' ')} "$@"\n`, { mode: 0o755 });
  return path;
};
const cc = wrap('cc', toolchain.cc);
const cxx = wrap('c++', toolchain.cxx);
const cflags = ['-fPIC', '-fvisibility=hidden'];
const tc = { ...target, cc, ar: toolchain.ar, cflags, depsKey: `${target.name}-${TOOLCHAIN_ID}` };

// --- third-party static libraries ----------------------------------------------
t0 = Date.now();
const deps = buildDeps(repo, tc);
lap(`deps (ISA-L ${deps.versions.isal}, ${deps.versions.libdeflate}, OpenSSL ${deps.versions.openssl})`, t0);

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const versionScript = (file) => {
  const path = join(work, `${file}.map`);
  writeFileSync(path, `{ global: ${EXPORTS[file].join('; ')}; local: *; };\n`);
  return path;
};

// --- the addon -------------------------------------------------------------------
t0 = Date.now();
const toolchainFile = join(work, 'toolchain.cmake');
writeFileSync(toolchainFile, [
  ...(target.node === process.arch ? [] : ['set(CMAKE_SYSTEM_NAME Linux)', `set(CMAKE_SYSTEM_PROCESSOR ${target.cmakeProcessor})`]),
  `set(CMAKE_C_COMPILER ${cc})`, `set(CMAKE_CXX_COMPILER ${cxx})`, `set(CMAKE_AR ${toolchain.ar})`,
  ''].join('\n'));
const nativeBuild = join(work, 'native');
execFileSync(join(repo, 'packages', 'native', 'node_modules', '.bin', 'cmake-js'),
  ['compile', '--out', nativeBuild, '--CDCMAKE_BUILD_TYPE=Release', `--CDCMAKE_TOOLCHAIN_FILE=${toolchainFile}`,
    '--CDWD_RELEASE_LINK=ON', `--CDWD_LIBDEFLATE_PREFIX=${deps.libdeflate}`, `--CDNODE_EXECUTABLE=${process.execPath}`],
  { cwd: join(repo, 'packages', 'native'), stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: '2' } });
lap('addon', t0);

// --- the engines --------------------------------------------------------------------
const engineEnv = (name) => ({
  ...process.env, CC: cc, AR: toolchain.ar, WD_TARGET_ARCH: target.node,
  WD_ENGINE_BUILD_DIR: join(work, name), WD_ENGINE_CFLAGS: '',
  WD_ENGINE_LDFLAGS: `-static-libgcc -Wl,--version-script=${versionScript(`${name}-engine.so`)}`,
  WD_ENGINE_SANITIZE: '', ZIP_ENGINE_SANITIZE: '', CRYPTO_ENGINE_SANITIZE: '', ZIP_ENGINE_ZLIB: '', ZIP_ENGINE_LIBDEFLATE: '',
});
t0 = Date.now();
execFileSync(process.execPath, [join(repo, 'packages', 'plugins-zip', 'scripts', 'build-engine.mjs')],
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...engineEnv('zip'), WD_ISAL_PREFIX: deps.isal } });
lap('zip engine', t0);
t0 = Date.now();
execFileSync(process.execPath, [join(repo, 'packages', 'plugins-crypto', 'scripts', 'build-engine.mjs')],
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...engineEnv('crypto'), WD_OPENSSL_PREFIX: deps.openssl } });
lap('crypto engine', t0);

// --- output ---------------------------------------------------------------------------
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const built = {
  'warpdrive_native.node': join(nativeBuild, 'Release', 'warpdrive_native.node'),
  'zip-engine.so': join(work, 'zip', 'zip-engine.so'),
  'crypto-engine.so': join(work, 'crypto', 'crypto-engine.so'),
};
for (const [file, from] of Object.entries(built)) {
  copyFileSync(from, join(outDir, file));
  execFileSync(toolchain.strip, ['--strip-unneeded', '-R', '.comment', join(outDir, file)]);
}
const report = checkBinaries(outDir, target.name);
console.log(report.text);
console.log(`release: ${target.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${outDir}`);
if (!report.ok) process.exit(1);
