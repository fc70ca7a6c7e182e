/**
 * Loads `@warpdrive/native` once per thread. A missing or broken addon does
 * not break `import '@warpdrive/core'`: it surfaces as ERR_NATIVE_UNAVAILABLE
 * from the first call that needs it.
 */
import type { NativeBinding } from '@warpdrive/native';
import { WarpdriveError } from './errors.js';
import { requireNative } from './native-module.js';

let binding: NativeBinding | undefined;
let loadError: unknown;
try {
  binding = requireNative().native;
} catch (err) {
  loadError = err;
}

/**
 * The native binding of this thread.
 * @throws WarpdriveError `ERR_NATIVE_UNAVAILABLE` if the addon could not be loaded
 */
export function getNative(): NativeBinding {
  if (binding === undefined) {
    throw new WarpdriveError(
      'ERR_NATIVE_UNAVAILABLE',
      'the @warpdrive/native addon could not be loaded (build it with `pnpm --filter @warpdrive/native build`)',
      { cause: loadError },
    );
  }
  return binding;
}

/** True if the addon loaded. */
export function nativeAvailable(): boolean {
  return binding !== undefined;
}
