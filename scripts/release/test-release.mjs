#!/usr/bin/env node
// Test of the release tooling (scripts/test.sh stage "release"): packs the workspace's
// own build (the binaries of this host's target, --dev-binaries) into .cache/release-test/,
// checks the output, checks that check-pack.mjs catches what it must, packs again (re-runnable,
// same tarballs), and installs the result in a fresh project (smoke-install.mjs).
// Needs the workspace built (scripts/setup.sh). Until scripts/release/build-binaries.mjs
// exists, the binaries are the contributor build; its absolute paths are warnings here only.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTarball } from './check-pack.mjs';
import { BINARY_PACKAGES, JS_PACKAGES, tarballName } from './targets.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = join(repo, '.cache', 'release-test');
const target = `${process.platform}-${process.arch}-gnu`;
const version = JSON.parse(readFileSync(join(repo, 'packages/core/package.json'), 'utf8')).version;
const local = { '@warpdrive/native': 'packages/native/build/Release', '@warpdrive/plugin-zip': 'packages/plugins-zip/build', '@warpdrive/plugin-crypto': 'packages/plugins-crypto/build' };
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures++; };
const node = (script, argv) => execFileSync(process.execPath, [join(repo, 'scripts/release', script), ...argv], { cwd: repo, stdio: 'inherit' });

rmSync(work, { recursive: true, force: true });
const bins = join(work, 'binaries', target);
mkdirSync(bins, { recursive: true });
for (const b of BINARY_PACKAGES) {
  const built = join(repo, local[b.name], b.file);
  if (!existsSync(built)) throw new Error(`test-release: ${built} is not built (run scripts/setup.sh)`);
  copyFileSync(built, join(bins, b.file));
}
const out = join(work, 'out');
const pack = () => node('pack.mjs', ['--no-build', '--targets', target, '--binaries', join(work, 'binaries'), '--out', out, '--dev-binaries']);

pack();
const names = [...JS_PACKAGES.map((d) => JSON.parse(readFileSync(join(repo, d, 'package.json'), 'utf8')).name),
  ...BINARY_PACKAGES.map((b) => `${b.name}-${target}`)].map((n) => tarballName(n, version)).sort();
const written = readdirSync(out).filter((f) => f.endsWith('.tgz')).sort();
check(JSON.stringify(written) === JSON.stringify(names), `one tarball per package at ${version}: ${written.join(' ')}`);
const sums = readFileSync(join(out, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
check(sums.length === names.length && sums.every(([h, f]) => createHash('sha256').update(readFileSync(join(out, f))).digest('hex') === h), 'SHA256SUMS lists every tarball with its hash');

for (const b of BINARY_PACKAGES) {
  const m = checkTarball(join(out, tarballName(b.name, version))).manifest;
  const want = Object.fromEntries(['linux-x64-gnu', 'linux-arm64-gnu'].map((t) => [`${b.name}-${t}`, version]));
  check(JSON.stringify(Object.entries(m.optionalDependencies ?? {}).sort()) === JSON.stringify(Object.entries(want).sort()), `${b.name} lists every target at ${version} in optionalDependencies`);
  const p = checkTarball(join(out, tarballName(`${b.name}-${target}`, version)));
  check(JSON.stringify(p.list.sort()) === JSON.stringify(['README.md', b.file, 'package.json'].sort()), `${b.name}-${target} holds ${b.file}, package.json and README.md only`);
  check(p.manifest.scripts === undefined && p.manifest.libc?.[0] === 'glibc' && p.manifest.version === version, `${b.name}-${target}: no scripts, libc glibc, version ${version}`);
  const shipped = createHash('sha256').update(execFileSync('tar', ['-xzOf', join(out, tarballName(`${b.name}-${target}`, version)), `package/${b.file}`], { maxBuffer: 256 << 20 })).digest('hex');
  const input = createHash('sha256').update(readFileSync(join(bins, b.file))).digest('hex');
  check(shipped === input, `${b.file} in the tarball is bit-for-bit the input binary`);
}
const core = checkTarball(join(out, tarballName('@warpdrive/core', version))).manifest;
check(core.dependencies['@warpdrive/native'] === version, `workspace:* became ${version} in @warpdrive/core`);

// check-pack.mjs must catch a test file, a build tree, a C source, an absolute path, an install script and workspace:*
const bad = mkdtempSync(join(tmpdir(), 'warpdrive-bad-'));
try {
  const pkg = join(bad, 'pkg');
  for (const d of ['test', 'build/Release', 'src']) mkdirSync(join(pkg, d), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'bad', version: '1.0.0', license: 'MIT', scripts: { postinstall: 'node x' }, dependencies: { a: 'workspace:*' } }));
  writeFileSync(join(pkg, 'test', 'a.test.js'), '');
  writeFileSync(join(pkg, 'build', 'Release', 'x.node'), '');
  writeFileSync(join(pkg, 'src', 'x.cc'), '');
  writeFileSync(join(pkg, 'index.js'), `export const where = '${repo}/packages/x';\n`);
  const json = execFileSync('npm', ['pack', pkg, '--json', '--ignore-scripts', '--pack-destination', bad], { cwd: bad, encoding: 'utf8' });
  const errors = checkTarball(join(bad, JSON.parse(json)[0].filename), { forbidden: [repo] }).errors.join('\n');
  for (const [what, re] of [['test file', /a\.test\.js/], ['build tree', /build\/Release/], ['C source', /x\.cc/], ['absolute path', /index\.js contains absolute/],
    ['install script', /postinstall/], ['workspace range', /workspace:\*/]]) check(re.test(errors), `check-pack catches a ${what}`);
} finally {
  rmSync(bad, { recursive: true, force: true });
}

// re-runnable, and npm pack is reproducible: the same inputs give the same tarballs
const before = readFileSync(join(out, 'SHA256SUMS'), 'utf8');
pack();
check(readFileSync(join(out, 'SHA256SUMS'), 'utf8') === before, 'a second run gives the same tarballs (SHA256SUMS identical)');

node('smoke-install.mjs', ['--release', out]);
console.log(failures === 0 ? 'test-release: all checks passed' : `test-release: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
