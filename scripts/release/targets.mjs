// What a release contains: the prebuilt targets, the JS packages, and for each
// JS package with native code the file its per-target binary package carries.
// packages/native/src/locate.ts has the same target list (PREBUILT_TARGETS);
// pack.mjs refuses to run if the two disagree.

/** Target name -> the package.json selectors npm and pnpm match against the host. */
export const TARGETS = {
  'linux-x64-gnu': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  'linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
};

/** Published JS packages (workspace dirs). @warpdrive/conformance stays private. */
export const JS_PACKAGES = ['packages/native', 'packages/core', 'packages/plugins-zip', 'packages/plugins-crypto', 'packages/cli'];

/**
 * JS packages with a binary per target: `<name>-<target>` carries `file`
 * (found by packages/native/src/locate.ts from the JS package).
 */
export const BINARY_PACKAGES = [
  { dir: 'packages/native', name: '@warpdrive/native', file: 'warpdrive_native.node', main: true, what: 'the Node-API addon' },
  { dir: 'packages/plugins-zip', name: '@warpdrive/plugin-zip', file: 'zip-engine.so', main: false, what: 'the zip engine (ISA-L, libdeflate, zlib)' },
  { dir: 'packages/plugins-crypto', name: '@warpdrive/plugin-crypto', file: 'crypto-engine.so', main: false, what: 'the crypto engine (OpenSSL, static)' },
];

/** `@warpdrive/plugin-zip` -> `warpdrive-plugin-zip-0.1.0.tgz` (the name `npm pack` and `pnpm pack` give). */
export function tarballName(name, version) {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}
