#!/usr/bin/env node
// Checks one release tarball (pack.mjs runs it on each; also usable alone:
// `node scripts/release/check-pack.mjs .release/*.tgz`):
// - file list: no tests, build trees, caches, node_modules, C/C++ sources or CMake files (the JS packages
//   ship dist/ only; building from source is from the repository, docs/INSTALL.md), no dotfiles;
// - package.json: no install-time scripts (none at all in a binary package), no `workspace:` ranges left,
//   binary packages carry os/cpu/libc;
// - no absolute build paths baked in: `strings` over every file must not contain the repository path,
//   the staging dir, /work/, /root/ or /home/;
// - `npm publish --dry-run` prints no warning (npm warns when it has to auto-correct package.json).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BAD_FILES = [
  [/(^|\/)(test|tests|__tests__|fixtures)\//, 'a test directory'],
  [/\.(test|spec)\.[cm]?[jt]sx?$/, 'a test file'],
  [/(^|\/)build(-[a-z]+)?\//, 'a build tree'],
  [/(^|\/)\.cache\//, 'a cache'],
  [/(^|\/)node_modules\//, 'node_modules'],
  [/\.(c|cc|cpp|cxx|o|a)$/, 'C/C++ source or object'],
  [/(^|\/)CMakeLists\.txt$/, 'a CMake file'],
  [/\.tsbuildinfo$/, 'a tsbuildinfo'],
  [/(^|\/)\.[^/]+$/, 'a dotfile'],
  [/^src\//, 'TypeScript sources (dist/ is shipped)'],
];
const HARMLESS_WARNINGS = [/requires you to be logged in to .* \(dry-run\)/];
const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepare', 'preprepare', 'postprepare'];
const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];

/**
 * @param tgz - tarball path
 * @param options - forbidden: substrings no file may contain; devBinaries: paths in .node/.so are warnings
 * @returns { name, files, bytes, errors, warnings }
 */
export function checkTarball(tgz, { forbidden = ['/work/', '/root/', '/home/'], devBinaries = false } = {}) {
  const errors = [];
  const warnings = [];
  const dir = mkdtempSync(join(tmpdir(), 'warpdrive-check-'));
  try {
    execFileSync('tar', ['-xzf', tgz, '-C', dir]);
    const root = join(dir, 'package');
    const files = walk(root).map((f) => relative(root, f));
    for (const f of files) {
      for (const [re, what] of BAD_FILES) if (re.test(f)) errors.push(`${f} is ${what}`);
    }
    const pj = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const binary = pj.os !== undefined;
    for (const s of Object.keys(pj.scripts ?? {})) {
      if (binary) errors.push(`binary package has a script (${s})`);
      else if (LIFECYCLE.includes(s)) errors.push(`install-time script ${s}`);
    }
    for (const field of DEP_FIELDS) {
      for (const [dep, range] of Object.entries(pj[field] ?? {})) {
        if (String(range).startsWith('workspace:')) errors.push(`${field}.${dep} is still ${range}`);
      }
    }
    if (binary) {
      for (const k of ['os', 'cpu', 'libc']) if (!Array.isArray(pj[k]) || pj[k].length !== 1) errors.push(`binary package needs ${k}: [one value]`);
      if (pj.private) errors.push('binary package is private');
    }
    if (pj.private) errors.push('package is private');
    for (const f of files) {
      const found = stringsOf(join(root, f)).filter((line) => forbidden.some((p) => line.includes(p)));
      if (found.length === 0) continue;
      const msg = `${f} contains absolute paths (${found.length}), e.g. ${JSON.stringify(found[0].slice(0, 160))}`;
      if (devBinaries && /\.(node|so)$/.test(f)) warnings.push(msg);
      else errors.push(msg);
    }
    const dry = spawnSync('npm', ['publish', '--dry-run', '--json', resolve(tgz)], { encoding: 'utf8', cwd: dir, env: npmEnv() });
    if (dry.status !== 0) errors.push(`npm publish --dry-run failed: ${dry.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    for (const line of dry.stderr.split('\n')) {
      // being logged out is the point of a dry run on a build machine; every other warning is a finding
      if (/^npm warn/i.test(line) && !HARMLESS_WARNINGS.some((re) => re.test(line))) errors.push(`npm publish --dry-run: ${line}`);
    }
    return { name: basename(tgz), files: files.length, bytes: statSync(tgz).size, errors, warnings, manifest: pj, list: files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The environment without the npm_config_* settings a parent package manager
 * exports (under `pnpm release:pack`, pnpm's own keys such as
 * `verify-deps-before-run`, which npm reports as unknown): npm is asked about
 * the tarball, not about the shell it was started from.
 */
function npmEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)));
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(e.parentPath ?? dir, e.name)) : [join(dir, e.name)]));
}

/** `strings -a` of a file (binaries and text alike), as lines. */
function stringsOf(file) {
  return execFileSync('strings', ['-a', '-n', '5', file], { encoding: 'utf8', maxBuffer: 256 << 20 }).split('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let bad = 0;
  for (const tgz of process.argv.slice(2)) {
    const r = checkTarball(tgz);
    for (const e of [...r.errors, ...r.warnings]) console.error(`${r.name}: ${e}`);
    bad += r.errors.length;
    console.log(`${r.name}: ${r.files} files, ${r.bytes} bytes, ${r.errors.length} error(s)`);
  }
  process.exit(bad > 0 ? 1 : 0);
}

