/**
 * The binary lookup (src/locate.ts) on injected hosts and file systems: no
 * globals are patched, so every platform is tested on this one.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BUILD_FROM_SOURCE, PREBUILT_TARGETS, currentHost, hostOf, isNativeUnavailable, locateBinary, targetOf,
  type HostInfo, type LocateOptions, type NativeUnavailableError,
} from '../src/locate.js';

const X64: HostInfo = { platform: 'linux', arch: 'x64', libc: 'glibc' };
const base: Omit<LocateOptions, 'host'> = {
  packageName: '@warpdrive/plugin-zip', file: 'zip-engine.so', from: import.meta.url, localDirs: ['/nowhere/build'],
  exists: () => false, resolve: () => { throw Object.assign(new Error('not found'), { code: 'MODULE_NOT_FOUND' }); },
};

function failure(options: LocateOptions): NativeUnavailableError {
  try {
    locateBinary(options);
  } catch (err) {
    if (isNativeUnavailable(err)) return err;
    throw err;
  }
  throw new Error('locateBinary did not throw');
}

describe('target names', () => {
  it('are platform-arch-libc on Linux and platform-arch elsewhere', () => {
    expect(targetOf(X64)).toBe('linux-x64-gnu');
    expect(targetOf({ platform: 'linux', arch: 'arm64', libc: 'musl' })).toBe('linux-arm64-musl');
    expect(targetOf({ platform: 'darwin', arch: 'arm64', libc: null })).toBe('darwin-arm64');
    expect(PREBUILT_TARGETS).toEqual(['linux-x64-gnu', 'linux-arm64-gnu']);
  });

  it('musl is told from glibc by the report header (glibcVersionRuntime), and the report is read only on Linux', () => {
    expect(hostOf('linux', 'x64', () => ({ header: { glibcVersionRuntime: '2.36' } }))).toEqual(X64);
    expect(hostOf('linux', 'arm64', () => ({ header: {} }))).toEqual({ platform: 'linux', arch: 'arm64', libc: 'musl' });
    expect(hostOf('linux', 'x64', () => undefined).libc).toBe('musl');
    expect(hostOf('darwin', 'arm64', () => { throw new Error('read'); })).toEqual({ platform: 'darwin', arch: 'arm64', libc: null });
  });

  it('this host is detected as glibc Linux (the CI machine)', () => {
    expect(currentHost()).toEqual({ platform: process.platform, arch: process.arch, libc: 'glibc' });
  });
});

describe('lookup order', () => {
  it('a local build wins over the platform package', () => {
    const found = locateBinary({
      ...base, host: X64, localDirs: ['/a', '/b'], exists: (p) => p === '/b/zip-engine.so',
      resolve: () => '/pkg/package.json',
    });
    expect(found).toEqual({ path: '/b/zip-engine.so', source: 'local' });
  });

  it('without a local build, the platform package of the host target is resolved from the caller', () => {
    const requests: string[] = [];
    const found = locateBinary({
      ...base, host: { platform: 'linux', arch: 'arm64', libc: 'glibc' },
      exists: (p) => p === '/nm/@warpdrive/plugin-zip-linux-arm64-gnu/zip-engine.so',
      resolve: (request) => { requests.push(request); return '/nm/@warpdrive/plugin-zip-linux-arm64-gnu/package.json'; },
    });
    expect(found).toEqual({ path: '/nm/@warpdrive/plugin-zip-linux-arm64-gnu/zip-engine.so', source: 'package' });
    expect(requests).toEqual(['@warpdrive/plugin-zip-linux-arm64-gnu/package.json']);
  });

  it('an override wins over everything, and a missing override is an error, not a fallback', () => {
    expect(locateBinary({ ...base, host: X64, override: '/x/y.node', exists: (p) => p === '/x/y.node' }))
      .toEqual({ path: '/x/y.node', source: 'override' });
    const err = failure({ ...base, host: X64, override: '/x/missing.node', exists: (p) => p === '/nowhere/build/zip-engine.so' });
    expect(err.details.reason).toBe('bad-override');
  });

  it('usePackage: false (sanitizer builds) never falls back to the platform package', () => {
    const err = failure({ ...base, host: X64, usePackage: false, resolve: () => '/pkg/package.json', exists: (p) => p.startsWith('/pkg') });
    expect(err.details.reason).toBe('not-installed');
    expect(err.details.lookedFor).toEqual(['/nowhere/build/zip-engine.so']);
  });

  it('resolves a real platform package through node_modules (createRequire from the caller)', () => {
    const root = mkdtempSync(join(tmpdir(), 'wd-locate-'));
    cleanup.push(root);
    const pkg = join(root, 'node_modules', '@warpdrive', 'plugin-zip-linux-x64-gnu');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@warpdrive/plugin-zip-linux-x64-gnu', version: '0.0.0' }));
    writeFileSync(join(pkg, 'zip-engine.so'), '');
    const from = pathToFileURL(join(root, 'caller.js')).href;
    expect(locateBinary({ packageName: '@warpdrive/plugin-zip', file: 'zip-engine.so', from, localDirs: [], host: X64 }))
      .toEqual({ path: join(pkg, 'zip-engine.so'), source: 'package' });
  });
});

const cleanup: string[] = [];
afterAll(() => { for (const dir of cleanup) rmSync(dir, { recursive: true, force: true }); });

describe('the typed error', () => {
  it('a prebuilt target whose package is missing: names the package, lists the targets, points at the source build', () => {
    const err = failure({ ...base, host: X64 });
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('ERR_NATIVE_UNAVAILABLE');
    expect(err.message).toContain('@warpdrive/plugin-zip-linux-x64-gnu');
    expect(err.message).toContain('linux-x64-gnu, linux-arm64-gnu');
    expect(err.message).toContain('docs/INSTALL.md');
    expect(err.message).toContain('Building from source');
    expect(err.message).not.toContain('MODULE_NOT_FOUND');
    expect(err.details).toMatchObject({
      reason: 'not-installed', package: '@warpdrive/plugin-zip', file: 'zip-engine.so', platform: 'linux', arch: 'x64',
      libc: 'glibc', target: 'linux-x64-gnu', prebuilt: PREBUILT_TARGETS, buildFromSource: BUILD_FROM_SOURCE,
      lookedFor: ['/nowhere/build/zip-engine.so', '@warpdrive/plugin-zip-linux-x64-gnu/zip-engine.so'],
    });
  });

  it.each([
    [{ platform: 'darwin', arch: 'arm64', libc: null }, 'darwin arm64'],
    [{ platform: 'win32', arch: 'x64', libc: null }, 'win32 x64'],
    [{ platform: 'linux', arch: 'x64', libc: 'musl' }, 'musl'],
    [{ platform: 'linux', arch: 'ia32', libc: 'glibc' }, 'linux ia32'],
  ] as const)('an unsupported platform (%o) is a typed error, and no package is resolved', (host, named) => {
    let resolved = false;
    const err = failure({ ...base, host, resolve: () => { resolved = true; return '/x/package.json'; } });
    expect(resolved).toBe(false);
    expect(err.code).toBe('ERR_NATIVE_UNAVAILABLE');
    expect(err.details.reason).toBe('unsupported-platform');
    expect(err.details.target).toBe(targetOf(host));
    expect(err.message).toContain(named);
    expect(err.message).toContain('Prebuilt targets: linux-x64-gnu, linux-arm64-gnu');
    expect(err.message).toContain(BUILD_FROM_SOURCE);
  });

  it('an unsupported platform still uses a local source build', () => {
    const host = { platform: 'linux', arch: 'x64', libc: 'musl' } as const;
    expect(locateBinary({ ...base, host, exists: () => true })).toEqual({ path: '/nowhere/build/zip-engine.so', source: 'local' });
  });
});

describe('the addon loader (dist/index.js in a child process)', () => {
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  function importWith(env: Record<string, string>): { code?: string; name?: string; reason?: string; message?: string; path?: string } {
    const script = `import(${JSON.stringify(pathToFileURL(dist).href)}).then((m) => console.log(JSON.stringify({ path: m.native.path })),
      (e) => console.log(JSON.stringify({ code: e.code, name: e.name, reason: e.details?.reason, message: e.message })))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim()) as { code?: string };
  }

  it('loads the local build', () => {
    expect(importWith({}).path).toBe(fileURLToPath(new URL('../build/Release/warpdrive_native.node', import.meta.url)));
  });

  it('a file that is not an addon is ERR_NATIVE_UNAVAILABLE (load-failed), not a crash', () => {
    const root = mkdtempSync(join(tmpdir(), 'wd-locate-'));
    cleanup.push(root);
    writeFileSync(join(root, 'broken.node'), 'not an ELF file');
    const r = importWith({ WARPDRIVE_NATIVE_PATH: join(root, 'broken.node') });
    expect(r).toMatchObject({ code: 'ERR_NATIVE_UNAVAILABLE', name: 'NativeUnavailableError', reason: 'load-failed' });
    expect(r.message).toContain('Building from source');
  });

  it('a missing WARPDRIVE_NATIVE_PATH is ERR_NATIVE_UNAVAILABLE (bad-override)', () => {
    expect(importWith({ WARPDRIVE_NATIVE_PATH: '/nonexistent/warpdrive_native.node' }))
      .toMatchObject({ code: 'ERR_NATIVE_UNAVAILABLE', reason: 'bad-override' });
  });
});
