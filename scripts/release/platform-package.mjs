// Generates one binary package (`<name>-<target>`): a package.json with
// os/cpu/libc so npm and pnpm install only the one matching the host, the
// binary, and a README. No scripts: nothing runs at install time.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TARGETS } from './targets.mjs';

/**
 * The package.json of `base`'s binary package for `target`.
 * @param base - an entry of BINARY_PACKAGES
 * @param target - a key of TARGETS
 * @param js - the JS package's package.json (version, license, repository)
 */
export function platformManifest(base, target, js) {
  const name = `${base.name}-${target}`;
  return {
    name,
    version: js.version,
    description: `${base.what} of ${base.name}, prebuilt for ${target}`,
    license: js.license,
    repository: js.repository,
    ...TARGETS[target],
    ...(base.main ? { main: base.file } : {}),
    files: [base.file],
    engines: js.engines,
    publishConfig: { access: 'public' },
  };
}

/**
 * Writes the package into `dir` (created): package.json, README.md and the binary copied from `binary`.
 * @returns the manifest
 */
export function writePlatformPackage(dir, base, target, js, binary) {
  const manifest = platformManifest(base, target, js);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'README.md'), [
    `# ${manifest.name}`, '',
    `${base.what} of [\`${base.name}\`](https://www.npmjs.com/package/${base.name}), prebuilt for \`${target}\``,
    `(${TARGETS[target].os[0]}, ${TARGETS[target].cpu[0]}, glibc).`, '',
    `Do not install this package directly: \`${base.name}\` lists it in \`optionalDependencies\`, and npm or pnpm`,
    'installs the one that matches the machine. Other platforms: see docs/INSTALL.md, "Building from source".', '',
  ].join('\n'));
  copyFileSync(binary, join(dir, base.file));
  return manifest;
}
