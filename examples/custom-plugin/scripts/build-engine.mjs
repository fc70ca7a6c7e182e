// Builds the engine shared library: one C file, compiled against the ABI
// header (driver/include/uapi) and the engine header shipped by
// @warpdrive/native. A published plugin would do this with node-gyp or
// cmake-js at install time; the result is the same .so.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const nativeDir = dirname(require.resolve('@warpdrive/native/package.json'));
const uapi = join(nativeDir, '..', '..', 'driver', 'include', 'uapi');

mkdirSync(join(root, 'build'), { recursive: true });
execFileSync(
  process.env.CC ?? 'cc',
  ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', '-fvisibility=hidden',
    '-I', uapi, '-I', join(nativeDir, 'include'),
    '-o', join(root, 'build', 'histogram-engine.so'), join(root, 'engine', 'histogram.c')],
  { stdio: 'inherit' },
);
