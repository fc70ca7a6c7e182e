#!/usr/bin/env node
/**
 * Runs @arethetypeswrong/cli (a root devDependency) on the `pnpm pack`
 * tarballs of the published JS packages: each entry's types must resolve,
 * and match the module kind (ESM or CJS) of its JavaScript, under node10,
 * node16 from CJS, node16 from ESM and bundler resolution.
 *
 *   node scripts/check-attw.mjs [TARBALL...]
 *
 * Without arguments it packs native, core, plugin-zip and plugin-crypto into
 * .cache/attw/ first (run `pnpm build` before); with arguments it checks
 * those tarballs (e.g. the release folder's). Exits 1 if attw reports a problem.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGES } from './check-dual-format.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let tarballs = process.argv.slice(2).map((t) => resolve(t));
if (tarballs.length === 0) {
  const dir = join(repo, '.cache', 'attw');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const folder of Object.values(PACKAGES)) {
    execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: join(repo, folder), stdio: ['ignore', 'ignore', 'inherit'] });
  }
  tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz')).map((f) => join(dir, f));
}
const attw = join(repo, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
let failed = 0;
for (const tarball of tarballs) {
  const r = spawnSync(process.execPath, [attw, '--pack', tarball, '--format', 'table-flipped', '--no-color'], { encoding: 'utf8' });
  process.stdout.write(`# ${tarball}\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) failed++;
}
console.log(`attw: ${tarballs.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
