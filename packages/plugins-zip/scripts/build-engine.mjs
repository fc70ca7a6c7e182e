// Builds build/zip-engine.so (or build-asan/, below) from engine/*.c against the ABI header
// (driver/include/uapi) and @warpdrive/native's engine header.
//
// Libraries: ISA-L is linked dynamically (the node binary does not export
// it). libdeflate is compiled from Debian's source of the installed version
// into the engine, private (see libdeflate-source.mjs for why), or linked
// dynamically if that source cannot be fetched. zlib: the engine deliberately uses the zlib that the
// running node exports (Chromium's zlib, about 2× faster than Debian's for
// deflate level 6 and inflate here), compiled against node's own zlib.h
// (include/node, the header node-gyp addons use) and resolved from the node
// executable when the soft device dlopen()s the engine. Where node ships no
// zlib.h, or with ZIP_ENGINE_ZLIB=static, libz.a is linked statically with
// every symbol hidden (--exclude-libs,ALL) so the engine cannot bind to a
// copy it was not compiled against. See README "zlib symbols".
//
// The private libdeflate is patched to accept only what zlib accepts
// (libdeflate-strict.mjs); with the system library, zlib decodes one-shot
// bodies instead (engine/oneshot.c).
//
// Sanitizers: `--sanitize` (or WARPDRIVE_ENGINE_SANITIZE=1) builds the
// engine, and its private libdeflate, with ASan + UBSan into build-asan/
// instead of build/, so the normal build is untouched; the plugin loads
// that copy when WARPDRIVE_NATIVE_BUILD=asan (src/plugin.ts). Such a
// library runs only in a process with libasan preloaded (scripts/test.sh,
// stage "sanitizers").
//
// Release builds (scripts/release/build-binaries.mjs) parametrise this same
// script through the environment, all unset for a contributor's build:
// CC / AR (the target's toolchain), WD_ENGINE_BUILD_DIR (instead of build/),
// WD_ENGINE_CFLAGS / WD_ENGINE_LDFLAGS (extra compile / link flags, split on
// spaces), WD_ISAL_PREFIX (a static ISA-L: include/, lib/libisal.a, linked
// with its symbols hidden instead of -lisal), WD_TARGET_ARCH (node's arch
// name of the target, for libdeflate's CPU-specific files).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { libdeflateFiles, libdeflateSource } from './libdeflate-source.mjs';
import { strictLibdeflate } from './libdeflate-strict.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const nativeDir = dirname(require.resolve('@warpdrive/native/package.json'));
const uapi = join(nativeDir, '..', '..', 'driver', 'include', 'uapi');
const asan = process.argv.includes('--sanitize') || process.env.WARPDRIVE_ENGINE_SANITIZE === '1';
const buildDir = process.env.WD_ENGINE_BUILD_DIR ?? join(root, asan ? 'build-asan' : 'build');
const words = (v) => (v ?? '').split(' ').filter((w) => w !== '');
const extraCflags = words(process.env.WD_ENGINE_CFLAGS);
const extraLdflags = words(process.env.WD_ENGINE_LDFLAGS);
const isalPrefix = process.env.WD_ISAL_PREFIX;
/** -fno-sanitize-recover: a UBSan report stops the process, as ASan's does. ZIP_ENGINE_SANITIZE=1: the same flags, in build/ (as before). */
const sanitize = asan || process.env.ZIP_ENGINE_SANITIZE ? ['-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-fno-omit-frame-pointer', '-g'] : [];

function staticZlib() {
  const multiarch = execFileSync(process.env.CC ?? 'cc', ['-print-multiarch']).toString().trim();
  for (const dir of [`/usr/lib/${multiarch}`, '/usr/lib', '/usr/local/lib']) {
    const path = join(dir, 'libz.a');
    if (existsSync(path)) return path;
  }
  throw new Error('libz.a not found (install zlib1g-dev)');
}

/** Node's zlib headers, copied alone (include/node would shadow other headers). */
function nodeZlibInclude() {
  if (process.env.ZIP_ENGINE_ZLIB === 'static') return undefined;
  const dir = join(dirname(dirname(process.execPath)), 'include', 'node');
  if (!existsSync(join(dir, 'zlib.h')) || !existsSync(join(dir, 'zconf.h'))) return undefined;
  const into = join(buildDir, 'node-zlib');
  mkdirSync(into, { recursive: true });
  for (const f of ['zlib.h', 'zconf.h']) copyFileSync(join(dir, f), join(into, f));
  return into;
}

/**
 * libdeflate, patched to zlib's notion of valid (libdeflate-strict.mjs), as
 * a static archive of hidden-visibility objects (its own flags: it is
 * third-party code, not held to -Werror), or undefined.
 */
function privateLibdeflate() {
  if (process.env.ZIP_ENGINE_LIBDEFLATE === 'system') return undefined;
  const cached = libdeflateSource(join(root, '..', '..', '.cache'));
  if (cached === undefined) return undefined;
  const tree = strictLibdeflate(cached, join(buildDir, 'libdeflate-src'));
  const objDir = join(buildDir, 'libdeflate');
  rmSync(objDir, { recursive: true, force: true });
  mkdirSync(objDir, { recursive: true });
  const objects = libdeflateFiles(tree, process.env.WD_TARGET_ARCH).map((src, i) => {
    const obj = join(objDir, `${i}-${basename(src, '.c')}.o`);
    execFileSync(process.env.CC ?? 'cc', ['-std=gnu11', '-O2', '-fPIC', '-fvisibility=hidden', '-DNDEBUG', ...sanitize, ...extraCflags, '-I', tree, '-c', src, '-o', obj], { stdio: 'inherit' });
    return obj;
  });
  const archive = join(objDir, 'libdeflate.a');
  execFileSync(process.env.AR ?? 'ar', ['rcs', archive, ...objects]);
  return { include: tree, archive };
}

const sources = readdirSync(join(root, 'engine')).filter((f) => f.endsWith('.c')).map((f) => join(root, 'engine', f));
mkdirSync(buildDir, { recursive: true });
const nodeZlib = nodeZlibInclude();
const deflate = privateLibdeflate();
const zlibArgs = nodeZlib === undefined
  ? [staticZlib(), '-Wl,--exclude-libs,ALL', '-Wl,-z,defs']
  : []; // zlib symbols stay undefined: node provides them at dlopen()
// Link to a temporary name and rename: a process that has the library
// dlopen()ed keeps its mapping, where writing in place could crash it.
const out = join(buildDir, 'zip-engine.so');
const tmp = `${out}.${process.pid}.tmp`;
execFileSync(
  process.env.CC ?? 'cc',
  ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', '-fvisibility=hidden', '-pthread',
    ...sanitize, ...extraCflags,
    ...(isalPrefix === undefined ? [] : ['-I', join(isalPrefix, 'include')]),
    ...(nodeZlib === undefined ? [] : ['-I', nodeZlib]),
    ...(deflate === undefined ? [] : ['-I', deflate.include, '-DZIP_LIBDEFLATE_STRICT']),
    '-I', uapi, '-I', join(nativeDir, 'include'),
    '-o', tmp, ...sources,
    ...zlibArgs, ...(deflate === undefined ? ['-ldeflate'] : [deflate.archive, '-Wl,--exclude-libs,ALL']), ...(isalPrefix === undefined ? ['-lisal'] : [join(isalPrefix, 'lib', 'libisal.a'), '-Wl,--exclude-libs,ALL']),
    '-Wl,--as-needed', ...extraLdflags],
  { stdio: 'inherit' },
);
renameSync(tmp, out);
console.log(`${asan ? 'build-asan/' : ''}zip-engine.so${asan ? ' (ASan+UBSan)' : ''}: zlib ${nodeZlib === undefined ? 'static (libz.a, hidden)' : "from node (node's zlib.h)"}, libdeflate ${deflate === undefined ? 'system (shared)' : `private, zlib-strict, from ${deflate.include}`}`);
