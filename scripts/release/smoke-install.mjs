#!/usr/bin/env node
// The quick install proof of `pnpm release:pack`'s output (the bare-machine one is
// scripts/release's debootstrap test): in a fresh project outside the
// repository, `npm install` the tarballs of .release/ for this host's target,
// then
//   1. compress with @warpdrive/plugin-zip and check the result with node:zlib;
//   2. remove the platform packages (as `npm install --omit=optional` or a
//      foreign platform would leave it) and check that the same script fails with
//      the typed error ERR_NATIVE_UNAVAILABLE, never MODULE_NOT_FOUND or a crash.
//
//   node scripts/release/smoke-install.mjs [--release DIR] [--keep]
//
// The binary packages of other targets are skipped by npm (os/cpu/libc). The JS packages'
// optionalDependencies also name the targets not in DIR; npm asks the registry for them and
// skips them as optional when they are not published.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BINARY_PACKAGES, tarballName } from './targets.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({ options: { release: { type: 'string', default: join(repo, '.release') }, keep: { type: 'boolean', default: false } } });
const release = resolve(args.release);
const target = `${process.platform}-${process.arch}-gnu`;
const version = JSON.parse(readFileSync(join(repo, 'packages/core/package.json'), 'utf8')).version;

const wanted = ['@warpdrive/native', '@warpdrive/core', '@warpdrive/plugin-zip', '@warpdrive/plugin-crypto',
  ...BINARY_PACKAGES.map((b) => `${b.name}-${target}`)].map((n) => join(release, tarballName(n, version)));
const present = new Set(readdirSync(release));
for (const t of wanted) if (!present.has(t.slice(release.length + 1))) throw new Error(`smoke-install: ${t} is missing (run pnpm release:pack)`);

const SCRIPT = `import { gunzipSync } from 'node:zlib';
import { createContext } from '@warpdrive/core';
import zip, { ENGINE_LIBRARY } from '@warpdrive/plugin-zip';
const input = Buffer.from('warpdrive installs like any Node package. '.repeat(20000));
try {
  const ctx = await createContext({ plugins: process.argv[2] === 'core' ? [] : [zip()], device: 'soft' });
  if (process.argv[2] === 'core') throw new Error('createContext worked without the addon');
  const gz = await ctx.compress(input, { format: 'gzip', level: 1 });
  await ctx.close();
  if (!gunzipSync(gz).equals(input)) throw new Error('round trip through node:zlib differs');
  console.log(JSON.stringify({ ok: true, in: input.length, out: gz.length, engine: ENGINE_LIBRARY }));
} catch (err) { console.log(JSON.stringify({ ok: false, name: err.name, code: err.code, message: err.message, details: err.details })); }
`;

const project = mkdtempSync(join(tmpdir(), 'warpdrive-smoke-'));
try {
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'warpdrive-smoke', private: true, type: 'module' }));
  writeFileSync(join(project, 'main.mjs'), SCRIPT);
  const t0 = Date.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...wanted], { cwd: project, stdio: 'inherit' });
  console.log(`smoke-install: npm install of ${wanted.length} tarballs in ${project}: ${Date.now() - t0} ms`);

  const ok = runScript(project);
  if (!ok.ok) throw new Error(`smoke-install: the installed packages failed: ${JSON.stringify(ok)}`);
  const engine = join(project, 'node_modules', `@warpdrive/plugin-zip-${target}`, 'zip-engine.so');
  if (ok.engine !== engine) throw new Error(`smoke-install: the engine came from ${ok.engine}, not ${engine}`);
  console.log(`smoke-install: gzip through the installed plugin-zip (${ok.engine}), checked by node:zlib: ${ok.in} -> ${ok.out} bytes`);

  for (const b of BINARY_PACKAGES) rmSync(join(project, 'node_modules', `${b.name}-${target}`), { recursive: true, force: true });
  const missing = runScript(project);
  if (missing.ok || missing.code !== 'ERR_NATIVE_UNAVAILABLE' || missing.name !== 'WarpdriveError') {
    throw new Error(`smoke-install: without the platform packages expected WarpdriveError ERR_NATIVE_UNAVAILABLE, got ${JSON.stringify(missing)}`);
  }
  for (const part of ['linux-x64-gnu', 'linux-arm64-gnu', 'Building from source']) {
    if (!missing.message.includes(part)) throw new Error(`smoke-install: the error message lacks ${JSON.stringify(part)}: ${missing.message}`);
  }
  console.log(`smoke-install: without the platform packages: ${missing.name} ${missing.code}: ${missing.message}`);
  // the addon's own error, through core (no plugin asks for its engine first)
  const addon = runScript(project, 'core');
  if (addon.code !== 'ERR_NATIVE_UNAVAILABLE' || addon.name !== 'WarpdriveError' || !addon.message.includes('@warpdrive/native-')) {
    throw new Error(`smoke-install: without @warpdrive/native-${target} expected WarpdriveError ERR_NATIVE_UNAVAILABLE, got ${JSON.stringify(addon)}`);
  }
  console.log(`smoke-install: core without the addon: ${addon.name} ${addon.code}: ${addon.message}`);
} finally {
  if (args.keep) console.log(`smoke-install: kept ${project}`);
  else rmSync(project, { recursive: true, force: true });
}

/** Runs main.mjs with a clean environment (no WARPDRIVE_* override); returns its JSON line. */
function runScript(cwd, mode = 'zip') {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WARPDRIVE_')));
  const r = spawnSync(process.execPath, ['main.mjs', mode], { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`smoke-install: main.mjs exited with ${r.status} (signal ${r.signal}): ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}
