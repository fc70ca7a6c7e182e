#!/usr/bin/env node
// `pnpm release:pack`: every tarball of one release, at one version, in .release/.
//
//   node scripts/release/pack.mjs [--targets linux-x64-gnu,linux-arm64-gnu] [--binaries DIR] [--no-build]
//                                 [--out DIR] [--dev-binaries]
//
// 1. builds the JS packages (pnpm -r build) unless --no-build;
// 2. gets the binaries per target: from --binaries DIR (DIR/<target>/<file>), else by running
//    scripts/release/build-binaries.mjs --target <t> --out .release/binaries for each target;
// 3. packs the JS packages with `pnpm pack` (it turns `workspace:*` into the exact version), then adds
//    `optionalDependencies` on their binary packages (see "Why" below) and repacks with `npm pack`;
// 4. generates the binary packages (platform-package.mjs) in a temp dir and packs them with `npm pack`;
// 5. checks every tarball (check-pack.mjs: file list, no install scripts, no absolute paths, `npm publish
//    --dry-run` without warnings) and writes .release/SHA256SUMS.
// Re-runnable: it removes its own previous tarballs first and never touches the workspace's files.
//
// Why optionalDependencies are added at pack time and not written in packages/*/package.json: pnpm
// records no lockfile entry for an optional dependency it cannot resolve (unpublished names, offline CI),
// so `pnpm install --frozen-lockfile` would fail on every fresh clone until the binaries are published.
//
// --dev-binaries: the binaries are a contributor's workspace build (not a release build), so absolute build
// paths found in them are reported but do not fail the run. Never for a real release.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { checkTarball } from './check-pack.mjs';
import { writePlatformPackage } from './platform-package.mjs';
import { BINARY_PACKAGES, JS_PACKAGES, TARGETS, tarballName } from './targets.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({
  options: {
    targets: { type: 'string', default: Object.keys(TARGETS).join(',') },
    binaries: { type: 'string' },
    out: { type: 'string', default: join(repo, '.release') },
    'no-build': { type: 'boolean', default: false },
    'dev-binaries': { type: 'boolean', default: false },
  },
});
const targets = args.targets.split(',').filter(Boolean);
for (const t of targets) if (!(t in TARGETS)) fail(`unknown target ${t} (known: ${Object.keys(TARGETS).join(', ')})`);
const out = resolve(args.out);

function fail(message) {
  console.error(`release:pack: ${message}`);
  process.exit(1);
}
function run(cmd, argv, options = {}) {
  return execFileSync(cmd, argv, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });
}
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

// One version for everything.
const manifests = new Map(JS_PACKAGES.map((dir) => [dir, readJson(join(repo, dir, 'package.json'))]));
const versions = new Set([...manifests.values()].map((m) => m.version));
if (versions.size !== 1) fail(`the JS packages disagree on the version: ${[...versions].join(', ')}`);
const [version] = versions;
for (const [dir, m] of manifests) if (m.private) fail(`${dir} is private but listed in JS_PACKAGES`);

// Drop the previous output first (never the binaries dir, which may be the
// input): a failed build below must not leave last run's tarballs for the
// proof stages to pass on.
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) if (f.endsWith('.tgz') || f === 'SHA256SUMS') rmSync(join(out, f));
if (!args['no-build']) run('pnpm', ['-r', '--reporter=append-only', 'run', 'build'], { stdio: 'inherit' });

// The loader's target list must be this one.
const { PREBUILT_TARGETS } = await import(pathToFileURL(join(repo, 'packages/native/dist/locate.js')).href);
if (PREBUILT_TARGETS.join() !== Object.keys(TARGETS).join()) {
  fail(`packages/native/src/locate.ts PREBUILT_TARGETS (${PREBUILT_TARGETS}) != scripts/release/targets.mjs (${Object.keys(TARGETS)})`);
}

let binaries = args.binaries === undefined ? undefined : resolve(args.binaries);
if (binaries === undefined) {
  const builder = join(repo, 'scripts/release/build-binaries.mjs');
  if (!existsSync(builder)) fail('scripts/release/build-binaries.mjs is missing: pass --binaries DIR (DIR/<target>/<file>)');
  binaries = join(out, 'binaries');
  for (const t of targets) run(process.execPath, [builder, '--target', t, '--out', binaries], { stdio: 'inherit' });
}
for (const t of targets) {
  for (const b of BINARY_PACKAGES) {
    if (!existsSync(join(binaries, t, b.file))) fail(`missing binary ${join(binaries, t, b.file)}`);
  }
}

const stage = mkdtempSync(join(tmpdir(), 'warpdrive-release-'));
const tarballs = [];
try {
  for (const dir of JS_PACKAGES) tarballs.push(packJs(dir, manifests.get(dir)));
  for (const b of BINARY_PACKAGES) {
    const js = manifests.get(b.dir);
    for (const t of targets) {
      const pkgDir = join(stage, 'bin', `${b.name.split('/')[1]}-${t}`);
      writePlatformPackage(pkgDir, b, t, js, join(binaries, t, b.file));
      tarballs.push(npmPack(pkgDir));
    }
  }
  let problems = 0;
  for (const tgz of tarballs) {
    const report = checkTarball(tgz, { forbidden: [repo, stage, '/work/', '/root/', '/home/'], devBinaries: args['dev-binaries'] });
    for (const w of report.warnings) console.warn(`release:pack: warning: ${report.name}: ${w}`);
    for (const e of report.errors) console.error(`release:pack: ERROR: ${report.name}: ${e}`);
    problems += report.errors.length;
    console.log(`release:pack: ${report.name}  ${report.files} files, ${(report.bytes / 1024).toFixed(1)} KiB`);
  }
  const sums = tarballs.map((t) => `${createHash('sha256').update(readFileSync(t)).digest('hex')}  ${t.slice(out.length + 1)}`).sort();
  writeFileSync(join(out, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  if (problems > 0) fail(`${problems} problem(s) in the tarballs (see above)`);
  console.log(`release:pack: ${tarballs.length} tarballs of version ${version} in ${out}`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** pnpm pack (workspace:* -> version), then the binary packages as optionalDependencies, then npm pack. */
function packJs(dir, manifest) {
  const packed = join(stage, 'pnpm', dir);
  mkdirSync(packed, { recursive: true });
  run('pnpm', ['pack', '--pack-destination', packed], { cwd: join(repo, dir) });
  const tgz = join(packed, tarballName(manifest.name, version));
  if (!existsSync(tgz)) fail(`pnpm pack did not write ${tgz}`);
  const unpacked = join(stage, 'unpacked', dir);
  mkdirSync(unpacked, { recursive: true });
  run('tar', ['-xzf', tgz, '-C', unpacked]);
  const pkgDir = join(unpacked, 'package');
  relativizeSourceMaps(pkgDir, join(repo, dir));
  const base = BINARY_PACKAGES.find((b) => b.dir === dir);
  const pj = readJson(join(pkgDir, 'package.json'));
  if (base !== undefined) {
    // every target, not only the ones built now: one JS tarball fits every platform
    pj.optionalDependencies = Object.fromEntries(Object.keys(TARGETS).map((t) => [`${base.name}-${t}`, version]));
  }
  // pnpm pack writes the replaced workspace:* entries in no fixed order: sorted, a re-run gives the same bytes
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies']) {
    if (pj[field] !== undefined) pj[field] = Object.fromEntries(Object.entries(pj[field]).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  writeFileSync(join(pkgDir, 'package.json'), `${JSON.stringify(pj, null, 2)}\n`);
  return npmPack(pkgDir);
}

/**
 * Source maps whose `sources` or `file` hold an absolute path of the build machine (tsup's CommonJS pass names
 * its intermediate output file so) get it relative to the map, as every other entry is: a tarball
 * must not carry the builder's paths, and the map stays valid.
 */
function relativizeSourceMaps(pkgDir, workspaceDir) {
  const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  for (const file of walk(pkgDir).filter((f) => f.endsWith('.map'))) {
    const map = readJson(file);
    const sources = Array.isArray(map.sources) ? map.sources : [];
    if (!sources.some((src) => isAbsolute(src)) && !(typeof map.file === 'string' && isAbsolute(map.file))) continue;
    const builtDir = dirname(join(workspaceDir, relative(pkgDir, file)));
    const rel = (p) => (typeof p === 'string' && isAbsolute(p) ? relative(builtDir, p) : p);
    map.sources = sources.map(rel);
    if (map.file !== undefined) map.file = rel(map.file);
    writeFileSync(file, JSON.stringify(map));
  }
}

/** `npm pack` a directory into `out`; returns the tarball's path. */
function npmPack(pkgDir) {
  const json = run('npm', ['pack', pkgDir, '--json', '--ignore-scripts', '--pack-destination', out], { cwd: stage });
  return join(out, JSON.parse(json)[0].filename);
}

