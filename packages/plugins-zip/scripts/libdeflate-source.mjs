// The libdeflate sources the engine is compiled with: Debian's source
// package of the installed libdeflate-dev version, fetched with apt into
// the repository's .cache/ (git-ignored, never committed) the first time.
//
// Why not the installed libdeflate.so: on this machine kind the same 1.14
// code compiled here compresses kernel text 28% faster at level 7 (62 vs
// 48 MB/s per thread, 1 MiB requests; 70 vs 54 at 64 KiB), the level the
// plugin's level 6 uses. Debian builds it with a profile (-fprofile-use)
// trained on compressing one C file at every level, and that layout is
// slower here. Compiled into the engine with hidden visibility, the copy is
// private to the engine (node exports no libdeflate symbols).
//
// If the fetch fails (no apt, no network), the build falls back to the
// installed shared library and says so; results are identical, only speed
// differs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Upstream version of the installed libdeflate-dev, e.g. "1.14". */
function installedVersion() {
  // The native architecture's package: with a foreign one installed too
  // (multiarch, e.g. libdeflate-dev:arm64), a bare name matches both.
  const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  const full = execFileSync('dpkg-query', ['-W', '-f=${Version}', `libdeflate-dev:${arch}`], { encoding: 'utf8' }).trim();
  return { full, upstream: full.replace(/^\d+:/, '').replace(/-[^-]*$/, '') };
}

/** deb-src stanzas for the Debian archive the machine installs from. */
function debSrcStanzas() {
  const file = '/etc/apt/sources.list.d/debian.sources';
  if (existsSync(file)) {
    const stanzas = readFileSync(file, 'utf8').split(/\n\s*\n/).filter((s) => /^Types:.*\bdeb\b/m.test(s));
    if (stanzas.length > 0) return stanzas.map((s) => s.replace(/^Types:.*$/m, 'Types: deb-src')).join('\n\n') + '\n';
  }
  const codename = /^VERSION_CODENAME=(.+)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'bookworm';
  return `Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: ${codename}\nComponents: main\n`;
}

/**
 * Directory of the extracted libdeflate source tree (with lib/ and
 * libdeflate.h), fetching it once into `cacheDir`; undefined (with the
 * reason logged) when it cannot be had.
 */
export function libdeflateSource(cacheDir, log = (m) => console.log(m)) {
  let version;
  try {
    version = installedVersion();
  } catch {
    log('libdeflate: libdeflate-dev is not installed (dpkg-query): using the system library');
    return undefined;
  }
  const tree = join(cacheDir, `libdeflate-${version.upstream}`);
  if (existsSync(join(tree, 'lib', 'deflate_compress.c'))) return tree;
  const work = join(cacheDir, `libdeflate-fetch-${process.pid}`);
  try {
    mkdirSync(join(work, 'lists', 'partial'), { recursive: true });
    writeFileSync(join(work, 'src.sources'), debSrcStanzas());
    const apt = ['-o', 'Dir::Etc::SourceList=/dev/null', '-o', `Dir::Etc::SourceParts=${work}`, '-o', `Dir::State::Lists=${join(work, 'lists')}`, '-qq'];
    execFileSync('apt-get', [...apt, 'update'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    // apt checks the files against the signed Sources index
    execFileSync('apt-get', [...apt, 'source', '--download-only', `libdeflate=${version.full}`], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    const orig = readdirSync(work).find((f) => /^libdeflate_.*\.orig\.tar\.(gz|xz)$/.test(f));
    if (orig === undefined) throw new Error('no .orig tarball in the source package');
    mkdirSync(cacheDir, { recursive: true });
    execFileSync('tar', ['-xf', join(work, orig), '-C', work]);
    const top = readdirSync(work).find((f) => f.startsWith('libdeflate-') && existsSync(join(work, f, 'lib', 'deflate_compress.c')));
    if (top === undefined) throw new Error('unexpected layout of the source tarball');
    rmSync(tree, { recursive: true, force: true });
    execFileSync('mv', [join(work, top), tree]);
    log(`libdeflate: fetched Debian's source ${version.full} into ${tree}`);
    return tree;
  } catch (err) {
    const e = err;
    log(`libdeflate: could not fetch the source (${(e.stderr?.toString() || e.message).trim().split('\n')[0]}): using the system library`);
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The C files of the library proper (not its programs), for `arch` (node's name: x64, arm64). */
export function libdeflateFiles(tree, arch = process.arch) {
  const dirs = [join(tree, 'lib'), join(tree, 'lib', arch === 'arm64' || arch === 'arm' ? 'arm' : 'x86')];
  return dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.c')).map((f) => join(d, f)) : []));
}
