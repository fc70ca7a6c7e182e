// The compilers the release binaries are built with: Debian bullseye's
// gcc 10 against bullseye's glibc 2.31 (the oldest Debian this machine's
// apt reaches), unpacked from bullseye's .debs (apt.mjs: signature-checked,
// not installed) into .cache/release/toolchains/<target>-bullseye/ and run
// from there with --sysroot pointing at the same tree.
//
// Why not bookworm's gcc 12 with a bullseye sysroot: the addon links
// libstdc++ and libgcc statically, and gcc 12's libstdc++.a / libgcc_eh.a
// were built against glibc 2.36 (they import __libc_single_threaded,
// GLIBC_2.32, and _dl_find_object, GLIBC_2.35), so the runtime libraries
// must be the bullseye ones, and the compiler that matches their headers is
// gcc 10. gcc relocates itself (its paths are relative to the driver), so
// the unpacked driver finds its cc1/cc1plus; those run on the host with
// the host's libisl23/libmpc3/libmpfr6/libgmp10 (same sonames).
//
// The cross compiler's assembler and linker are the host's binutils
// (binutils-aarch64-linux-gnu, -B), newer than bullseye's and equivalent.
import { existsSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { cachedDir, extractDeb, privateApt } from './apt.mjs';

export const TOOLCHAIN_ID = 'bullseye-gcc10';

const PACKAGES = {
  'linux-x64-gnu': ['libc6', 'libc6-dev', 'linux-libc-dev', 'libgcc-s1', 'libstdc++-10-dev', 'libgcc-10-dev', 'gcc-10', 'g++-10', 'cpp-10'],
  'linux-arm64-gnu': ['gcc-10-aarch64-linux-gnu', 'g++-10-aarch64-linux-gnu', 'cpp-10-aarch64-linux-gnu', 'libgcc-10-dev-arm64-cross',
    'libstdc++-10-dev-arm64-cross', 'libc6-dev-arm64-cross', 'libc6-arm64-cross', 'linux-libc-dev-arm64-cross', 'libgcc-s1-arm64-cross'],
};

/**
 * Absolute symlinks (e.g. lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-2.31.so)
 * would point at the host's files: make them relative, inside the tree.
 */
function relativeLinks(root) {
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    const to = readlinkSync(path);
    if (!to.startsWith('/')) continue;
    rmSync(path);
    symlinkSync(relative(dirname(path), join(root, to)) || '.', path);
  }
}

/** { cc, cxx, ar, strip, flags } for `target` (flags: for every compile and link). */
export function bullseyeToolchain(repo, target, log = (m) => console.log(m)) {
  const cache = join(repo, '.cache', 'release');
  const apt = privateApt(join(cache, 'apt-bullseye'), { suite: 'bullseye', arches: ['amd64', 'arm64'] });
  const versions = apt.versions(PACKAGES[target.name]);
  const specs = PACKAGES[target.name].map((p, i) => `${p}=${versions[i]}`);
  // keyed by the glibc it links against: a bullseye point release rebuilds it
  const libc = specs.find((s) => /^libc6(-arm64-cross)?=/.test(s)).split('=')[1].replace(/[^A-Za-z0-9.+-]/g, '_');
  const root = cachedDir(join(cache, 'toolchains', `${target.name}-bullseye-${libc}`), 'stamp', (out) => {
    log(`toolchain: bullseye gcc 10 + glibc ${libc} for ${target.name}`);
    const debs = apt.download(specs, join(out, 'debs'));
    for (const deb of debs) extractDeb(deb, out);
    rmSync(join(out, 'debs'), { recursive: true, force: true });
    relativeLinks(out);
    writeFileSync(join(out, 'stamp'), `${specs.join('\n')}\n`);
  });
  const bin = (tool) => join(root, 'usr', 'bin', `${target.triplet}-${tool}`);
  const cross = target.node !== 'x64';
  // The tree is the sysroot. Native: the usual usr/include, usr/lib/<triplet>.
  // Cross: Debian's -cross packages put the target's libc in usr/<triplet>/
  // {include,lib} (and its libc.so script names /usr/<triplet>/lib/...,
  // found inside the sysroot); -idirafter, not -isystem, so that libstdc++'s
  // #include_next <stdlib.h> still finds the C header after its own.
  const flags = [`--sysroot=${root}`];
  if (cross) {
    const libc = join(root, 'usr', target.triplet);
    flags.push('-idirafter', join(libc, 'include'), '-B', join(libc, 'lib'), '-L', join(libc, 'lib'),
      '-B', `/usr/${target.triplet}/bin/`);
  }
  for (const f of [bin('gcc-10'), bin('g++-10')]) if (!existsSync(f)) throw new Error(`${f}: missing from the unpacked toolchain`);
  return { cc: bin('gcc-10'), cxx: bin('g++-10'), ar: `${target.triplet}-ar`, strip: `${target.triplet}-strip`, flags, root };
}
