/**
 * `@warpdrive/native`: loads the compiled addon (the local
 * `build/Release/warpdrive_native.node`, else the platform package
 * `@warpdrive/native-<target>`) and exposes it as {@link native},
 * typed by the contract in `./binding.ts`.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeBinding } from './binding.js';
import { BUILD_FROM_SOURCE, PREBUILT_TARGETS, locateBinary, unavailable, type Located } from './locate.js';

export type {
  AbiLayout,
  BackingHolds,
  EngineInfo,
  NativeBinding,
  SoftDevice,
  SoftDeviceConstructor,
  SoftDeviceOptions,
  SoftQueue,
  SoftQueueOptions,
  UacceQueue,
  UacceQueueOptions,
} from './binding.js';
export {
  BUILD_FROM_SOURCE, PREBUILT_TARGETS, NativeUnavailableError, currentHost, hostOf, isNativeUnavailable, locateBinary, targetOf,
  type HostInfo, type Libc, type LocateOptions, type Located, type NativeUnavailableDetails, type UnavailableReason,
} from './locate.js';

const ADDON_FILE = 'warpdrive_native.node';

/**
 * Find the addon: `WARPDRIVE_NATIVE_PATH` (an explicit file), else the local
 * build next to `dist/` or `src/` (contributors; tests run from source), else
 * the platform package `@warpdrive/native-<target>` (see ./locate.ts).
 * `WARPDRIVE_NATIVE_BUILD=asan` takes the ASan+UBSan build (`pnpm build:asan`,
 * build-asan/) instead, and never falls back to the normal one or to the
 * platform package: the process must have libasan preloaded (scripts/test.sh,
 * stage "sanitizers"). The plugins' engines follow the same variable.
 */
function locateAddon(): Located {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, '..');
  const build = process.env.WARPDRIVE_NATIVE_BUILD;
  if (build !== undefined && build !== '' && build !== 'asan') {
    throw new Error(`@warpdrive/native: WARPDRIVE_NATIVE_BUILD must be 'asan' or unset, not ${JSON.stringify(build)}`);
  }
  const asan = build === 'asan';
  return locateBinary({
    packageName: '@warpdrive/native',
    file: ADDON_FILE,
    from: import.meta.url,
    localDirs: asan ? ['Release', 'Debug'].map((config) => resolve(root, 'build-asan', config)) : [resolve(root, 'build', 'Release')],
    override: process.env.WARPDRIVE_NATIVE_PATH,
    usePackage: !asan,
  });
}

function load(): NativeBinding {
  const located = locateAddon();
  try {
    return createRequire(import.meta.url)(located.path) as NativeBinding;
  } catch (err) {
    // e.g. a glibc older than the binary's baseline, or a truncated file
    throw unavailable('load-failed', `@warpdrive/native: ${located.path} could not be loaded: ${(err as Error).message}. ` +
      `Prebuilt targets: ${PREBUILT_TARGETS.join(', ')}; to build from source see ${BUILD_FROM_SOURCE}.`,
    { packageName: '@warpdrive/native', file: ADDON_FILE }, [located.path], err);
  }
}

/**
 * The addon's exports (see {@link NativeBinding}).
 * @throws NativeUnavailableError (`code: 'ERR_NATIVE_UNAVAILABLE'`, see ./locate.ts) at
 *   import time if no addon fits this platform or it fails to load; core
 *   rethrows it as a `WarpdriveError` with the same code.
 */
export const native: NativeBinding = load();
export default native;
