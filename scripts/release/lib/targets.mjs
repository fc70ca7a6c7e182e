// The release targets and the promises their binaries keep, in one place:
// build-binaries.mjs builds to these, check-binaries.mjs enforces them.

/**
 * Highest GLIBC_ symbol version a released binary may require: glibc 2.31
 * (Debian 11 bullseye, Ubuntu 20.04, RHEL 9 has 2.34), the glibc the
 * binaries are linked against (lib/toolchain.mjs: bullseye's gcc 10 and
 * libc6-dev). Measured on 2026-12-08: the addon needs at most GLIBC_2.17,
 * the zip engine 2.14 (x64) / 2.17 (arm64), the crypto engine 2.25 (OpenSSL's
 * getrandom). Built with bookworm's own gcc 12 instead, the addon needed
 * 2.36 (arc4random, from the static libstdc++) or 2.35 with --gc-sections
 * (_dl_find_object, libgcc_eh) and the engines 2.34 (pthread/dl in libc).
 * Raising it drops older distributions: say so in the changelog.
 */
export const GLIBC_BASELINE = '2.31';

/** DT_NEEDED entries a released binary may have (glibc's own libraries). */
export const ALLOWED_NEEDED = [/^libc\.so\.6$/, /^libm\.so\.6$/, /^libpthread\.so\.0$/, /^libdl\.so\.2$/,
  /^ld-linux-x86-64\.so\.2$/, /^ld-linux-aarch64\.so\.1$/];

/** The dynamic symbols each file may define (what node and the addon look up). */
export const EXPORTS = {
  'warpdrive_native.node': ['napi_register_module_v1', 'node_api_module_get_api_version_v1'],
  'zip-engine.so': ['zip_engine_get'], // packages/plugins-zip/src/plugin.ts softEngines symbol
  'crypto-engine.so': ['crypto_engine_get'], // packages/plugins-crypto/src/plugin.ts softEngines symbol
};

/**
 * Undefined dynamic symbols without a glibc version that a file may leave for
 * the node process to provide: Node-API and libuv for the addon (plus the
 * weak V8 getters of src/backing_hold.cc, checked at load), node's exported
 * zlib for the zip engine (compiled against node's zlib.h), nothing for the
 * crypto engine (OpenSSL is inside). Anything else -- a static library whose
 * CPU-specific file was left out, say -- would fail only at dlopen() on the
 * target, so the check catches it here. The toolchain's weak hooks
 * (__gmon_start__, _ITM_*) are allowed everywhere.
 */
export const HOST_SYMBOLS = {
  'warpdrive_native.node': [/^napi_/, /^node_api_/, /^uv_/, /^_ZN?K?2v8/],
  'zip-engine.so': [/^(deflate|inflate)[A-Za-z0-9_]*$/, /^zlibVersion$/, /^(crc32|adler32)(_combine)?$/],
  'crypto-engine.so': [],
};
export const TOOLCHAIN_WEAK_SYMBOLS = [/^__gmon_start__$/, /^_ITM_(de)?registerTMCloneTable$/];

export const FILES = Object.keys(EXPORTS);

/**
 * node: process.arch; deb: Debian architecture; triplet: GNU/multiarch
 * triplet, also the prefix of Debian's cross tools; machine: readelf -h's
 * "Machine:" line; cmakeProcessor: CMAKE_SYSTEM_PROCESSOR; isal: ISA-L's
 * host_cpu / arch make variables.
 */
export const TARGETS = {
  'linux-x64-gnu': {
    node: 'x64', deb: 'amd64', triplet: 'x86_64-linux-gnu', machine: 'Advanced Micro Devices X86-64',
    cmakeProcessor: 'x86_64', isal: { host_cpu: 'x86_64', arch: '' }, aptTools: ['binutils', 'nasm'],
  },
  'linux-arm64-gnu': {
    node: 'arm64', deb: 'arm64', triplet: 'aarch64-linux-gnu', machine: 'AArch64',
    cmakeProcessor: 'aarch64', isal: { host_cpu: 'aarch64', arch: 'aarch64' },
    aptTools: ['binutils-aarch64-linux-gnu'],
  },
};

/** The target named on the command line (`--target NAME`), or an error listing the known ones. */
export function targetArg(argv) {
  const i = argv.indexOf('--target');
  const name = i >= 0 ? argv[i + 1] : undefined;
  if (name === undefined || !(name in TARGETS)) {
    throw new Error(`--target must be one of: ${Object.keys(TARGETS).join(', ')} (got ${name ?? 'nothing'})`);
  }
  return { name, ...TARGETS[name] };
}

/** The value of `--flag VALUE` in argv, or `fallback`. */
export function flagArg(argv, flag, fallback) {
  const i = argv.indexOf(flag);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}

/** Compare dotted versions numerically: <0, 0, >0. */
export function compareVersions(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
