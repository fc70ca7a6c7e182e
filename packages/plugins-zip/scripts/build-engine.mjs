// Builds build/zip-engine.so from engine/*.c against the ABI header
// (driver/include/uapi) and @warpdrive/native's engine header.
//
// Libraries: ISA-L and libdeflate are linked dynamically (the node binary
// exports neither). zlib is linked statically from libz.a with every symbol
// hidden (--exclude-libs,ALL): node exports its own zlib, and a dlopen()ed
// -lz would otherwise bind deflate()/inflate() to node's copy, whose version
// and struct layout we do not control. See README "zlib symbols".
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

function staticZlib() {
  const multiarch = execFileSync(process.env.CC ?? 'cc', ['-print-multiarch']).toString().trim();
  for (const dir of [`/usr/lib/${multiarch}`, '/usr/lib', '/usr/local/lib']) {
    const path = join(dir, 'libz.a');
    if (existsSync(path)) return path;
  }
  throw new Error('libz.a not found (install zlib1g-dev)');
}

const sources = readdirSync(join(root, 'engine')).filter((f) => f.endsWith('.c')).map((f) => join(root, 'engine', f));
const sanitize = process.env.ZIP_ENGINE_SANITIZE ? ['-fsanitize=address,undefined', '-g'] : [];
mkdirSync(join(root, 'build'), { recursive: true });
// Link to a temporary name and rename: a process that has the library
// dlopen()ed keeps its mapping, where writing in place could crash it.
const out = join(root, 'build', 'zip-engine.so');
const tmp = `${out}.${process.pid}.tmp`;
execFileSync(
  process.env.CC ?? 'cc',
  ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', '-fvisibility=hidden', '-pthread',
    ...sanitize,
    '-I', uapi, '-I', join(nativeDir, 'include'),
    '-o', tmp, ...sources,
    staticZlib(), '-Wl,--exclude-libs,ALL', '-lisal', '-ldeflate', '-Wl,-z,defs', '-Wl,--as-needed'],
  { stdio: 'inherit' },
);
renameSync(tmp, out);
