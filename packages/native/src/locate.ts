/**
 * `@warpdrive/native/locate`: finds a native file (the addon, a plugin's
 * engine) for the running platform, without loading anything.
 *
 * Lookup order (docs/INSTALL.md): an explicit override, then the calling
 * package's own local build directories (contributors' `build/`), then the
 * installed platform package `<packageName>-<target>` (an optional
 * dependency selected by npm/pnpm through its `os`/`cpu`/`libc` fields).
 * Nothing found: a {@link NativeUnavailableError} that names the platform,
 * lists the prebuilt targets and says how to build from source.
 *
 * This module cannot import `@warpdrive/core` (core depends on native), so
 * its error is a plain `Error` with `code: 'ERR_NATIVE_UNAVAILABLE'` and
 * structured `details`; core and the plugins rethrow it as a
 * `WarpdriveError` with the same code, message and details.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** Targets for which binary packages are published (`<platform>-<arch>-<libc>`). */
export const PREBUILT_TARGETS: readonly string[] = Object.freeze(['linux-x64-gnu', 'linux-arm64-gnu']);

/** Where the user is told to look when no binary fits. */
export const BUILD_FROM_SOURCE = 'docs/INSTALL.md, section "Building from source"';

/** The C library of a Linux host: `glibc`, `musl`, or `null` off Linux. */
export type Libc = 'glibc' | 'musl' | null;

/** The facts about the host that select a binary (injected in tests). */
export interface HostInfo {
  /** `process.platform`, e.g. `linux`. */
  readonly platform: string;
  /** `process.arch`, e.g. `x64`. */
  readonly arch: string;
  /** The C library (Linux only). */
  readonly libc: Libc;
}

/**
 * The running process's {@link HostInfo}. The libc is glibc exactly when
 * node's diagnostic report has `header.glibcVersionRuntime` (node sets it
 * from `gnu_get_libc_version()`, which musl does not have).
 */
export function currentHost(): HostInfo {
  // getReport() costs a few milliseconds: once per thread
  cached ??= readHost();
  return cached;
}

let cached: HostInfo | undefined;

function readHost(): HostInfo {
  const { platform, arch } = process;
  return hostOf(platform, arch, platform === 'linux' ? () => process.report?.getReport() : () => undefined);
}

/**
 * The {@link HostInfo} of a platform, arch and diagnostic report (injected in tests).
 * @param platform - `process.platform`
 * @param arch - `process.arch`
 * @param report - returns `process.report.getReport()` (only called on Linux)
 */
export function hostOf(platform: string, arch: string, report: () => unknown): HostInfo {
  if (platform !== 'linux') return { platform, arch, libc: null };
  const header = (report() as { header?: { glibcVersionRuntime?: unknown } } | undefined)?.header;
  return { platform, arch, libc: typeof header?.glibcVersionRuntime === 'string' ? 'glibc' : 'musl' };
}

/**
 * The target name of a host: `linux-x64-gnu`, `linux-arm64-musl`, `darwin-arm64`, ...
 * @param host - platform, arch and libc
 */
export function targetOf(host: HostInfo): string {
  const base = `${host.platform}-${host.arch}`;
  if (host.libc === null) return base;
  return `${base}-${host.libc === 'glibc' ? 'gnu' : 'musl'}`;
}

/** Why a binary could not be found (`details.reason` of a {@link NativeUnavailableError}). */
export type UnavailableReason = 'unsupported-platform' | 'not-installed' | 'load-failed' | 'bad-override';

/** Structured details of a {@link NativeUnavailableError}. */
export interface NativeUnavailableDetails {
  readonly reason: UnavailableReason;
  /** The package whose binary is missing, e.g. `@warpdrive/plugin-zip`. */
  readonly package: string;
  /** The file looked for, e.g. `zip-engine.so`. */
  readonly file: string;
  readonly platform: string;
  readonly arch: string;
  readonly libc: Libc;
  /** The host's target name ({@link targetOf}). */
  readonly target: string;
  /** {@link PREBUILT_TARGETS}. */
  readonly prebuilt: readonly string[];
  /** Every path and package request tried, in order. */
  readonly lookedFor: readonly string[];
  /** {@link BUILD_FROM_SOURCE}. */
  readonly buildFromSource: string;
  /** (Open for core's `WarpdriveErrorDetails`.) */
  readonly [key: string]: unknown;
}

/**
 * A native binary is missing, does not fit this platform, or failed to load.
 * `code` is always `ERR_NATIVE_UNAVAILABLE` (the same code as core's
 * `WarpdriveError`, which wraps it).
 */
export class NativeUnavailableError extends Error {
  /** Always `ERR_NATIVE_UNAVAILABLE`. */
  readonly code = 'ERR_NATIVE_UNAVAILABLE' as const;
  /** What was looked for and why it failed. */
  readonly details: NativeUnavailableDetails;

  /**
   * @param message - human-readable description
   * @param details - structured facts
   * @param cause - the underlying error (e.g. dlopen's), if any
   */
  constructor(message: string, details: NativeUnavailableDetails, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'NativeUnavailableError';
    this.details = details;
  }
}

/** True if `value` carries `code: 'ERR_NATIVE_UNAVAILABLE'` (across copies of this module). */
export function isNativeUnavailable(value: unknown): value is NativeUnavailableError {
  return value !== null && typeof value === 'object' && (value as { code?: unknown }).code === 'ERR_NATIVE_UNAVAILABLE';
}

/** Options of {@link locateBinary}. */
export interface LocateOptions {
  /** The JS package that needs the file, e.g. `@warpdrive/plugin-zip`; its binary packages are `<packageName>-<target>`. */
  readonly packageName: string;
  /** File name inside the binary package (and the local build dirs), e.g. `zip-engine.so`. */
  readonly file: string;
  /** `import.meta.url` (or a file path) of the calling package: binary packages are resolved from there, as its dependencies. */
  readonly from: string | URL;
  /** Local build directories (absolute), tried in order before the platform package. */
  readonly localDirs: readonly string[];
  /** An explicit file that wins over everything (e.g. `WARPDRIVE_NATIVE_PATH`); an error if it does not exist. */
  readonly override?: string | undefined;
  /** `false`: never fall back to the platform package (a sanitizer build must not silently become the release one). Default true. */
  readonly usePackage?: boolean;
  /** The host (default {@link currentHost}); tests inject another one. */
  readonly host?: HostInfo;
  /** File existence test (default `fs.existsSync`). */
  readonly exists?: (path: string) => boolean;
  /** Module resolution from `from` (default `createRequire(from).resolve`). */
  readonly resolve?: (request: string) => string;
}

/** The result of {@link locateBinary}. */
export interface Located {
  /** Absolute path of the file. */
  readonly path: string;
  /** Where it came from. */
  readonly source: 'override' | 'local' | 'package';
}

/**
 * Find `file` for the running platform (see the module comment for the order).
 * @param options - what to look for and where
 * @returns the absolute path and where it came from
 * @throws NativeUnavailableError (`code: 'ERR_NATIVE_UNAVAILABLE'`) if nothing fits
 */
export function locateBinary(options: LocateOptions): Located {
  const exists = options.exists ?? existsSync;
  const lookedFor: string[] = [];
  const fail = (reason: UnavailableReason, message: string): NativeUnavailableError =>
    unavailable(reason, message, options, lookedFor);

  if (options.override !== undefined && options.override !== '') {
    const path = resolve(options.override);
    lookedFor.push(path);
    if (exists(path)) return { path, source: 'override' };
    throw fail('bad-override', `${options.packageName}: the override ${path} does not exist.`);
  }
  for (const dir of options.localDirs) {
    const path = join(dir, options.file);
    lookedFor.push(path);
    if (exists(path)) return { path, source: 'local' };
  }
  if (options.usePackage === false) {
    throw fail('not-installed', `${options.packageName}: ${options.file} is not built (looked for ${lookedFor.join(', ')}).`);
  }
  // the host is only examined once the local builds are not there
  const host = options.host ?? currentHost();
  const target = targetOf(host);
  if (!PREBUILT_TARGETS.includes(target)) {
    throw fail('unsupported-platform', `${options.packageName}: no prebuilt ${options.file} for ${describe(host)}. ` +
      `Prebuilt targets: ${PREBUILT_TARGETS.join(', ')}. To use warpdrive here, build it from source: ${BUILD_FROM_SOURCE}.`);
  }
  const binaryPackage = `${options.packageName}-${target}`;
  lookedFor.push(`${binaryPackage}/${options.file}`);
  const path = resolveInPackage(binaryPackage, options);
  if (path !== undefined && exists(path)) return { path, source: 'package' };
  throw fail('not-installed', `${options.packageName}: the platform package ${binaryPackage} is not installed ` +
    `(it is an optional dependency: was the install run with --no-optional / --omit=optional, or on another platform?). ` +
    `Reinstall with optional dependencies on this machine, or build from source: ${BUILD_FROM_SOURCE}. ` +
    `Prebuilt targets: ${PREBUILT_TARGETS.join(', ')}.`);
}

/**
 * A {@link NativeUnavailableError} about `options.file` on this host.
 * @param reason - why
 * @param message - the full message
 * @param options - what was looked for (its `host`, else the running one)
 * @param lookedFor - paths and requests tried
 * @param cause - underlying error
 */
export function unavailable(
  reason: UnavailableReason, message: string, options: Pick<LocateOptions, 'packageName' | 'file' | 'host'>,
  lookedFor: readonly string[], cause?: unknown,
): NativeUnavailableError {
  const host = options.host ?? currentHost();
  return new NativeUnavailableError(message, {
    reason, package: options.packageName, file: options.file, platform: host.platform, arch: host.arch,
    libc: host.libc, target: targetOf(host), prebuilt: PREBUILT_TARGETS, lookedFor, buildFromSource: BUILD_FROM_SOURCE,
  }, cause);
}

/**
 * `<pkg>/<file>` resolved from the caller, through `<pkg>/package.json` so a
 * binary package needs no `exports` entry per file. Undefined if absent.
 */
function resolveInPackage(binaryPackage: string, options: LocateOptions): string | undefined {
  const resolver = options.resolve ?? createRequire(options.from).resolve;
  try {
    return join(dirname(resolver(`${binaryPackage}/package.json`)), options.file);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/** "linux x64 with musl libc", "darwin arm64", for messages. */
function describe(host: HostInfo): string {
  if (host.libc === 'musl') return `${host.platform} ${host.arch} with musl libc (e.g. Alpine: only glibc is prebuilt)`;
  return `${host.platform} ${host.arch}${host.libc === 'glibc' ? ' (glibc)' : ''}`;
}
