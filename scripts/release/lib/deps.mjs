// Third-party static libraries for one release target, from Debian's
// archive through a private apt (apt.mjs: every file is checked against
// the signed InRelease), built or unpacked once into
// .cache/release/deps/<target>/<name>-<debian version>/ with include/ and
// lib/. A directory whose name carries the version is reused as is, so a
// second run costs only the apt index refresh.
//
// - ISA-L: Debian's source package "libisal" (orig tarball), only its
//   igzip unit (+ crc, which igzip needs) with ISA-L's own Makefile.unx:
//   x86_64 assembles its .asm with nasm, aarch64 its .S with the cross gcc.
// - libdeflate: Debian's source of the installed libdeflate-dev (the same
//   tree the zip engine compiles, packages/plugins-zip/scripts/
//   libdeflate-source.mjs), as a static archive for the addon's CRC32.
// - OpenSSL: libcrypto.a and headers from Debian's libssl-dev .deb of the
//   target architecture (unpacked with dpkg-deb -x, not installed), so the
//   same bookworm build of OpenSSL 3 goes into both targets.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { libdeflateFiles, libdeflateSource } from '../../../packages/plugins-zip/scripts/libdeflate-source.mjs';
import { cachedDir, extractDeb, privateApt } from './apt.mjs';

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });

/**
 * @param {string} repo  repository root
 * @param {object} target  from targets.mjs, plus cc/ar/cflags (the release compile flags) and
 *   depsKey (the cache directory's name: target and toolchain)
 */
export function buildDeps(repo, target, log = (m) => console.log(m)) {
  const cache = join(repo, '.cache', 'release');
  const depsDir = join(cache, 'deps', target.depsKey ?? target.name);
  const apt = privateApt(join(cache, 'apt-bookworm'), { suite: 'bookworm', arches: ['amd64', 'arm64'], src: true });
  const safe = (v) => v.replace(/[^A-Za-z0-9.+-]/g, '_');

  // --- ISA-L -----------------------------------------------------------------
  const [isalVersion, sslVersion] = apt.versions(['libisal-dev', `libssl-dev:${target.deb}`]);
  const isal = cachedDir(join(depsDir, `isal-${safe(isalVersion)}`), 'lib/libisal.a', (out) => {
    log(`deps: ISA-L ${isalVersion} for ${target.name} (Debian source libisal, igzip unit)`);
    const src = join(out, 'src');
    const files = apt.source(`libisal=${isalVersion}`, src);
    const orig = files.find((f) => /\.orig\.tar\.(gz|xz|bz2)$/.test(f));
    if (orig === undefined) throw new Error('libisal: no .orig tarball in the source package');
    sh('tar', ['-xf', join(src, orig), '-C', src]);
    const tree = join(src, readdirSync(src).find((f) => existsSync(join(src, f, 'Makefile.unx'))));
    const cflagsVar = target.isal.arch === '' ? 'CFLAGS_' : `CFLAGS_${target.isal.arch}`;
    // Command-line variables override make.inc's: CC/AS/AR for the target,
    // the release flags (PIC for linking into a shared object, hidden).
    sh('make', ['-f', 'Makefile.unx', '-j2', 'lib', 'have_threads=y', 'units=igzip', `host_cpu=${target.isal.host_cpu}`, `arch=${target.isal.arch}`,
      `CC=${target.cc}`, `AR=${target.ar}`, `${cflagsVar}=-Wall ${target.cflags.join(' ')}`,
      ...(target.isal.arch === 'aarch64' ? [`AS=${target.cc} -D__ASSEMBLY__`, `ASFLAGS_aarch64=-c ${target.cflags.join(' ')}`] : [])],
    { cwd: tree, stdio: ['ignore', 'ignore', 'inherit'] });
    mkdirSync(join(out, 'include', 'isa-l'), { recursive: true });
    mkdirSync(join(out, 'lib'), { recursive: true });
    for (const h of readdirSync(join(tree, 'include')).filter((f) => f.endsWith('.h'))) {
      copyFileSync(join(tree, 'include', h), join(out, 'include', 'isa-l', h));
    }
    copyFileSync(join(tree, 'bin', 'isa-l.a'), join(out, 'lib', 'libisal.a'));
    sh('rm', ['-rf', src]);
  });

  // --- libdeflate (addon CRC32) -----------------------------------------------
  const deflateTree = libdeflateSource(join(repo, '.cache'), log);
  if (deflateTree === undefined) throw new Error('libdeflate: Debian source could not be fetched (see above)');
  // '-cpu': archives made before the target's CPU-feature files were in are not reused
  const libdeflate = cachedDir(join(depsDir, `${basename(deflateTree)}-cpu`), 'lib/libdeflate.a', (out) => {
    log(`deps: ${basename(deflateTree)} for ${target.name}`);
    mkdirSync(join(out, 'obj'), { recursive: true });
    // the target's lib/arm or lib/x86 (CPU detection), not the build host's
    const objects = libdeflateFiles(deflateTree, target.node).map((src, i) => {
      const obj = join(out, 'obj', `${i}-${basename(src, '.c')}.o`);
      sh(target.cc, ['-std=gnu11', '-O2', '-DNDEBUG', ...target.cflags, '-I', deflateTree, '-c', src, '-o', obj]);
      return obj;
    });
    mkdirSync(join(out, 'lib'), { recursive: true });
    mkdirSync(join(out, 'include'), { recursive: true });
    sh(target.ar, ['rcs', join(out, 'lib', 'libdeflate.a'), ...objects]);
    copyFileSync(join(deflateTree, 'libdeflate.h'), join(out, 'include', 'libdeflate.h'));
    sh('rm', ['-rf', join(out, 'obj')]);
  });

  // --- OpenSSL (crypto engine) -------------------------------------------------
  const openssl = cachedDir(join(depsDir, `openssl-${safe(sslVersion)}`), 'lib/libcrypto.a', (out) => {
    log(`deps: OpenSSL ${sslVersion} for ${target.name} (Debian libssl-dev:${target.deb})`);
    const debs = apt.download([`libssl-dev:${target.deb}=${sslVersion}`], join(out, 'debs'));
    const root = join(out, 'root');
    for (const deb of debs) extractDeb(deb, root);
    mkdirSync(join(out, 'lib'), { recursive: true });
    cpSync(join(root, 'usr', 'include', 'openssl'), join(out, 'include', 'openssl'), { recursive: true });
    // the architecture's configuration.h/opensslconf.h, merged in
    cpSync(join(root, 'usr', 'include', target.triplet, 'openssl'), join(out, 'include', 'openssl'), { recursive: true });
    copyFileSync(join(root, 'usr', 'lib', target.triplet, 'libcrypto.a'), join(out, 'lib', 'libcrypto.a'));
    sh('rm', ['-rf', root, join(out, 'debs')]);
  });

  return { isal, libdeflate, openssl, versions: { isal: isalVersion, libdeflate: basename(deflateTree), openssl: sslVersion } };
}
