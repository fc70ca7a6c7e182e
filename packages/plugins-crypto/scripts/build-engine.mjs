// Builds build/crypto-engine.so (or build-asan/, below) from engine/*.c against the ABI header
// (driver/include/uapi) and @warpdrive/native's engine header.
//
// OpenSSL: linked statically from the system libcrypto.a with every symbol
// hidden (--exclude-libs,ALL). The node binary exports its own OpenSSL 3;
// a dlopen()ed -lcrypto would silently bind EVP_* to node's copy, whose
// version, build options and provider/config state we do not control.
// README "OpenSSL: which copy, and why" has the decision and the runtime
// evidence (the engine's INFO opcode reports the version and the object
// that holds EVP_EncryptInit_ex).
//
// Sanitizers: `--sanitize` (or WARPDRIVE_ENGINE_SANITIZE=1) builds it with
// ASan + UBSan into build-asan/ instead of build/, so the normal build is
// untouched; the plugin loads that copy when WARPDRIVE_NATIVE_BUILD=asan
// (src/plugin.ts), in a process with libasan preloaded (scripts/test.sh,
// stage "sanitizers").
//
// Release builds (scripts/release/build-binaries.mjs) parametrise this same
// script through the environment, all unset for a contributor's build:
// CC (the target's compiler), WD_ENGINE_BUILD_DIR (instead of build/),
// WD_ENGINE_CFLAGS / WD_ENGINE_LDFLAGS (extra compile / link flags, split on
// spaces), WD_OPENSSL_PREFIX (include/ and lib/libcrypto.a to use instead
// of the system's libssl-dev).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const nativeDir = dirname(require.resolve('@warpdrive/native/package.json'));
const uapi = join(nativeDir, '..', '..', 'driver', 'include', 'uapi');

function staticCrypto() {
  if (process.env.WD_OPENSSL_PREFIX !== undefined) return join(process.env.WD_OPENSSL_PREFIX, 'lib', 'libcrypto.a');
  const multiarch = execFileSync(process.env.CC ?? 'cc', ['-print-multiarch']).toString().trim();
  for (const dir of [`/usr/lib/${multiarch}`, '/usr/lib', '/usr/local/lib']) {
    const path = join(dir, 'libcrypto.a');
    if (existsSync(path)) return path;
  }
  throw new Error('libcrypto.a not found (install libssl-dev)');
}

const sources = readdirSync(join(root, 'engine')).filter((f) => f.endsWith('.c')).map((f) => join(root, 'engine', f));
const asan = process.argv.includes('--sanitize') || process.env.WARPDRIVE_ENGINE_SANITIZE === '1';
const buildDir = process.env.WD_ENGINE_BUILD_DIR ?? join(root, asan ? 'build-asan' : 'build');
const words = (v) => (v ?? '').split(' ').filter((w) => w !== '');
/** -fno-sanitize-recover: a UBSan report stops the process, as ASan's does. CRYPTO_ENGINE_SANITIZE=1: the same flags, in build/ (as before). */
const sanitize = asan || process.env.CRYPTO_ENGINE_SANITIZE ? ['-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-fno-omit-frame-pointer', '-g'] : [];
mkdirSync(buildDir, { recursive: true });
// Link to a temporary name and rename: a process that has the library
// dlopen()ed keeps its mapping, where writing in place could crash it.
const out = join(buildDir, 'crypto-engine.so');
const tmp = `${out}.${process.pid}.tmp`;
execFileSync(
  process.env.CC ?? 'cc',
  ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', '-fvisibility=hidden', '-pthread',
    ...sanitize, ...words(process.env.WD_ENGINE_CFLAGS),
    ...(process.env.WD_OPENSSL_PREFIX === undefined ? [] : ['-I', join(process.env.WD_OPENSSL_PREFIX, 'include')]),
    '-I', uapi, '-I', join(nativeDir, 'include'),
    '-o', tmp, ...sources,
    staticCrypto(), '-Wl,--exclude-libs,ALL', '-ldl', '-Wl,-z,defs', '-Wl,--as-needed', ...words(process.env.WD_ENGINE_LDFLAGS)],
  { stdio: 'inherit' },
);
renameSync(tmp, out);
if (asan) console.log('build-asan/crypto-engine.so (ASan+UBSan)');
