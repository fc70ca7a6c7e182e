// Builds build/zip-engine.so from engine/*.c against the ABI header
// (driver/include/uapi) and @warpdrive/native's engine header.
//
// Libraries: ISA-L and libdeflate are linked dynamically (the node binary
// exports neither). zlib: the engine deliberately uses the zlib that the
// running node exports (Chromium's zlib, about 2× faster than Debian's for
// deflate level 6 and inflate here), compiled against node's own zlib.h
// (include/node, the header node-gyp addons use) and resolved from the node
// executable when the soft device dlopen()s the engine. Where node ships no
// zlib.h, or with ZIP_ENGINE_ZLIB=static, libz.a is linked statically with
// every symbol hidden (--exclude-libs,ALL) so the engine cannot bind to a
// copy it was not compiled against. See README "zlib symbols".
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const nativeDir = dirname(require.resolve('@warpdrive/native/package.json'));
const uapi = join(nativeDir, '..', '..', 'driver', 'include', 'uapi');

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
  const into = join(root, 'build', 'node-zlib');
  mkdirSync(into, { recursive: true });
  for (const f of ['zlib.h', 'zconf.h']) copyFileSync(join(dir, f), join(into, f));
  return into;
}

const sources = readdirSync(join(root, 'engine')).filter((f) => f.endsWith('.c')).map((f) => join(root, 'engine', f));
const sanitize = process.env.ZIP_ENGINE_SANITIZE ? ['-fsanitize=address,undefined', '-g'] : [];
mkdirSync(join(root, 'build'), { recursive: true });
const nodeZlib = nodeZlibInclude();
const zlibArgs = nodeZlib === undefined
  ? [staticZlib(), '-Wl,--exclude-libs,ALL', '-Wl,-z,defs']
  : []; // zlib symbols stay undefined: node provides them at dlopen()
// Link to a temporary name and rename: a process that has the library
// dlopen()ed keeps its mapping, where writing in place could crash it.
const out = join(root, 'build', 'zip-engine.so');
const tmp = `${out}.${process.pid}.tmp`;
execFileSync(
  process.env.CC ?? 'cc',
  ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', '-fvisibility=hidden', '-pthread',
    ...sanitize,
    ...(nodeZlib === undefined ? [] : ['-I', nodeZlib]),
    '-I', uapi, '-I', join(nativeDir, 'include'),
    '-o', tmp, ...sources,
    ...zlibArgs, '-lisal', '-ldeflate', '-Wl,--as-needed'],
  { stdio: 'inherit' },
);
renameSync(tmp, out);
console.log(`zip-engine.so: zlib ${nodeZlib === undefined ? 'static (libz.a, hidden)' : "from node (node's zlib.h)"}`);
