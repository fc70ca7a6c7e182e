// Builds each engine/test/*.c together with the engine sources under
// AddressSanitizer + UBSan and runs it (pnpm test:engine): fuzz.c (hostile
// requests from several threads) and strict.c (the one-shot decoder accepts
// exactly what zlib accepts). The engine is built as the plugin ships it:
// against the private zlib-strict libdeflate when its source can be had
// (libdeflate-strict.mjs, also sanitized), else the system one. zlib is the
// system's here (node's copy is not linkable into an executable).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { libdeflateFiles, libdeflateSource } from './libdeflate-source.mjs';
import { strictLibdeflate } from './libdeflate-strict.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const nativeDir = dirname(require.resolve('@warpdrive/native/package.json'));
const uapi = join(nativeDir, '..', '..', 'driver', 'include', 'uapi');
const cc = process.env.CC ?? 'cc';
const sanitize = ['-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-fno-omit-frame-pointer', '-g'];
const out = join(root, 'build-asan', 'engine-test');
mkdirSync(out, { recursive: true });

function libdeflate() {
  if (process.env.ZIP_ENGINE_LIBDEFLATE === 'system') return { cflags: [], libs: ['-ldeflate'] };
  const cached = libdeflateSource(join(root, '..', '..', '.cache'));
  if (cached === undefined) return { cflags: [], libs: ['-ldeflate'] };
  const tree = strictLibdeflate(cached, join(out, 'libdeflate-src'));
  const objDir = join(out, 'libdeflate');
  rmSync(objDir, { recursive: true, force: true });
  mkdirSync(objDir, { recursive: true });
  const objects = libdeflateFiles(tree).map((src, i) => {
    const obj = join(objDir, `${i}-${basename(src, '.c')}.o`);
    execFileSync(cc, ['-std=gnu11', '-O1', '-fPIC', '-DNDEBUG', ...sanitize, '-I', tree, '-c', src, '-o', obj], { stdio: 'inherit' });
    return obj;
  });
  return { cflags: ['-I', tree, '-DZIP_LIBDEFLATE_STRICT'], libs: objects };
}

const engine = readdirSync(join(root, 'engine')).filter((f) => f.endsWith('.c')).map((f) => join(root, 'engine', f));
const tests = readdirSync(join(root, 'engine', 'test')).filter((f) => f.endsWith('.c')).sort();
const deflate = libdeflate();
for (const test of tests) {
  const exe = join(out, basename(test, '.c'));
  execFileSync(cc, [
    '-std=gnu11', '-O1', '-Wall', '-Wextra', '-Werror', '-pthread', ...sanitize, ...deflate.cflags,
    '-I', uapi, '-I', join(nativeDir, 'include'), '-o', exe, join(root, 'engine', 'test', test), ...engine,
    ...deflate.libs, '-lz', '-lisal',
  ], { stdio: 'inherit' });
  console.log(`engine test ${test}:`);
  execFileSync(exe, [], { stdio: 'inherit' });
}
