#!/usr/bin/env node
// Checks that a directory of release binaries (build-binaries.mjs output,
// DIR/<target>) is self-contained and clean:
//
//   node scripts/release/check-binaries.mjs DIR/<target> [--target NAME]
//
// For every file of targets.mjs FILES: the ELF machine is the target's; the
// DT_NEEDED entries are only glibc's own (ALLOWED_NEEDED: no libstdc++,
// libgcc_s, libisal, libdeflate, libcrypto, libz); the highest GLIBC_
// symbol version it requires is at most GLIBC_BASELINE; `strings` finds no
// build path (/work, /root, /tmp, .cache, the repository, the home
// directory); and the dynamic symbols it defines are exactly its entry
// points (EXPORTS), and every undefined symbol is glibc's or one the node
// process provides (HOST_SYMBOLS). Exits 1, listing every failure, if anything is off.
// Uses binutils' readelf/strings, which read any architecture's ELF.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOWED_NEEDED, EXPORTS, FILES, GLIBC_BASELINE, HOST_SYMBOLS, TARGETS, TOOLCHAIN_WEAK_SYMBOLS, compareVersions, flagArg } from './lib/targets.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readelf = (args, file) => execFileSync('readelf', ['-W', ...args, file], { encoding: 'utf8', maxBuffer: 64 << 20 });

/** Everything the checks look at, for one file. */
export function inspect(file) {
  const machine = /^\s*Machine:\s*(.+)$/m.exec(readelf(['-h'], file))?.[1].trim();
  const needed = [...readelf(['-d'], file).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  // .gnu.version_r: "Name: GLIBC_2.14  Flags: none  Version: 3"
  const versions = [...readelf(['-V'], file).matchAll(/Name: ([A-Z_]+)_([0-9.]+)\s+Flags/g)].map((m) => ({ lib: m[1], version: m[2] }));
  const glibc = versions.filter((v) => v.lib === 'GLIBC').map((v) => v.version).sort(compareVersions);
  const others = [...new Set(versions.filter((v) => v.lib !== 'GLIBC').map((v) => `${v.lib}_${v.version}`))];
  // defined dynamic symbols: "Num: Value Size Type Bind Vis Ndx Name"
  const exported = readelf(['--dyn-syms'], file).split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && /^\d+:$/.test(f[0]) && f[6] !== 'UND' && (f[4] === 'GLOBAL' || f[4] === 'WEAK'))
    .map((f) => f[7].replace(/@.*$/, ''));
  // undefined and unversioned: not glibc's, so the loading process must have it
  const unresolved = readelf(['--dyn-syms'], file).split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && /^\d+:$/.test(f[0]) && f[6] === 'UND' && f[7] !== '' && !f[7].includes('@'))
    .map((f) => f[7]);
  const forbidden = ['/work', '/root', '/tmp', '.cache', repo, homedir()];
  const strings = execFileSync('strings', ['-a', file], { encoding: 'utf8', maxBuffer: 256 << 20 }).split('\n');
  const paths = strings.filter((s) => forbidden.some((f) => s.includes(f)));
  return { machine, needed, glibcMax: glibc.at(-1), otherVersions: others, exported, unresolved, paths };
}

/** { ok, text, results } for DIR (a DIR/<target> of release binaries). */
export function checkBinaries(dir, targetName = basename(dir)) {
  const target = TARGETS[targetName];
  if (target === undefined) throw new Error(`unknown target ${targetName} (one of ${Object.keys(TARGETS).join(', ')})`);
  const failures = [];
  const lines = [`check-binaries: ${dir} (${targetName}, GLIBC baseline ${GLIBC_BASELINE})`];
  const results = {};
  for (const file of FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      failures.push(`${file}: missing`);
      continue;
    }
    const r = inspect(path);
    results[file] = r;
    lines.push(`  ${file}: ${r.machine}; NEEDED ${r.needed.join(' ')}; GLIBC max ${r.glibcMax ?? 'none'}; exports ${r.exported.join(' ')}`);
    const fail = (m) => failures.push(`${file}: ${m}`);
    if (r.machine !== target.machine) fail(`machine is ${r.machine}, not ${target.machine}`);
    const bad = r.needed.filter((n) => !ALLOWED_NEEDED.some((re) => re.test(n)));
    if (bad.length) fail(`needs ${bad.join(', ')} (only glibc's libraries are allowed)`);
    if (r.glibcMax !== undefined && compareVersions(r.glibcMax, GLIBC_BASELINE) > 0) fail(`requires GLIBC_${r.glibcMax} > baseline ${GLIBC_BASELINE}`);
    if (r.otherVersions.length) fail(`requires symbol versions ${r.otherVersions.join(', ')} (not glibc)`);
    const want = [...EXPORTS[file]].sort();
    const got = [...new Set(r.exported)].sort();
    if (want.join() !== got.join()) fail(`exports ${got.join(', ') || 'nothing'}, expected ${want.join(', ')}`);
    const stray = r.unresolved.filter((n) => ![...HOST_SYMBOLS[file], ...TOOLCHAIN_WEAK_SYMBOLS].some((re) => re.test(n)));
    if (stray.length) fail(`leaves ${stray.join(', ')} undefined (neither glibc nor the node process provides it)`);
    if (r.paths.length) fail(`build paths baked in: ${r.paths.slice(0, 5).map((s) => JSON.stringify(s)).join(', ')}${r.paths.length > 5 ? ` (+${r.paths.length - 5})` : ''}`);
  }
  lines.push(...failures.map((f) => `  FAIL ${f}`));
  lines.push(failures.length === 0 ? `  ok: ${FILES.length} files` : `  ${failures.length} failure(s)`);
  return { ok: failures.length === 0, text: lines.join('\n'), results };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--target');
  if (dir === undefined) {
    console.error('usage: check-binaries.mjs DIR/<target> [--target NAME]');
    process.exit(2);
  }
  const report = checkBinaries(resolve(dir), flagArg(process.argv, '--target', basename(resolve(dir))));
  console.log(report.text);
  process.exit(report.ok ? 0 : 1);
}
