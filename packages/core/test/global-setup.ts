/**
 * Builds dist/ when it is older than src/ (the worker_threads fixtures import
 * the built package, as a user's Worker would).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default function setup(): void {
  const dist = join(root, 'dist', 'index.js');
  if (existsSync(dist) && statSync(dist).mtimeMs >= newest(join(root, 'src'))) return;
  try {
    execFileSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  } catch (err) {
    // Tests that need dist/ (worker_threads fixtures) fail with their own message.
    console.error(`@warpdrive/core: build before tests failed: ${(err as Error).message}`);
  }
}
