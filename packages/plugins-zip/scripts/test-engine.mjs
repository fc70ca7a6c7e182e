// Builds engine/test/fuzz.c together with the engine sources under
// AddressSanitizer + UBSan and runs it (pnpm test:engine).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const nativeDir = dirname(require.resolve('@warpdrive/native/package.json'));
const uapi = join(nativeDir, '..', '..', 'driver', 'include', 'uapi');
const engine = readdirSync(join(root, 'engine')).filter((f) => f.endsWith('.c')).map((f) => join(root, 'engine', f));
const exe = join(root, 'build', 'zip-engine-fuzz');
mkdirSync(join(root, 'build'), { recursive: true });
execFileSync(process.env.CC ?? 'cc', [
  '-std=gnu11', '-O1', '-g', '-Wall', '-Wextra', '-Werror', '-pthread', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined',
  '-I', uapi, '-I', join(nativeDir, 'include'), '-o', exe, join(root, 'engine', 'test', 'fuzz.c'), ...engine, '-lz', '-lisal', '-ldeflate',
], { stdio: 'inherit' });
execFileSync(exe, [], { stdio: 'inherit' });
