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

/** Where the addon is looked for: next to `dist/` or `src/` (tests run from source). */
function candidatePaths(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, '..');
  const paths = [resolve(root, 'build', 'Release', ADDON_FILE)];
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
