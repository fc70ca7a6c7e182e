/**
 * `@warpdrive/native`: loads the compiled addon
 * (`build/Release/warpdrive_native.node`) and exposes it as {@link native},
 * typed by the contract in `./binding.ts`.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeBinding } from './binding.js';

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

const ADDON_FILE = 'warpdrive_native.node';

/**
 * Where the addon is looked for: next to `dist/` or `src/` (tests run from source).
 * `WARPDRIVE_NATIVE_BUILD=asan` takes the ASan+UBSan build (`pnpm build:asan`,
 * build-asan/) instead, and never falls back to the normal one: the process
 * must have libasan preloaded (scripts/test.sh, stage "sanitizers"). The
 * plugins' engines follow the same variable.
 */
function candidatePaths(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, '..');
  const build = process.env.WARPDRIVE_NATIVE_BUILD;
  if (build !== undefined && build !== '' && build !== 'asan') {
    throw new Error(`@warpdrive/native: WARPDRIVE_NATIVE_BUILD must be 'asan' or unset, not ${JSON.stringify(build)}`);
  }
  const paths = build === 'asan'
    ? ['Release', 'Debug'].map((config) => resolve(root, 'build-asan', config, ADDON_FILE))
    : [resolve(root, 'build', 'Release', ADDON_FILE)];
  if (process.env.WARPDRIVE_NATIVE_PATH) paths.unshift(resolve(process.env.WARPDRIVE_NATIVE_PATH));
  return paths;
}

function load(): NativeBinding {
  const require = createRequire(import.meta.url);
  const paths = candidatePaths();
  const found = paths.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `@warpdrive/native: the addon is not built (looked for ${paths.join(', ')}). ` +
        'Run the project set-up (scripts/setup.sh) or `pnpm --filter @warpdrive/native build`.',
    );
  }
  return require(found) as NativeBinding;
}

/**
 * The addon's exports (see {@link NativeBinding}).
 * @throws Error at import time if the addon was not built.
 */
export const native: NativeBinding = load();
export default native;
