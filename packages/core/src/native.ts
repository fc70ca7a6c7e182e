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
    // the addon's loader throws a plain Error with our code and details (it cannot import core)
    const located = (loadError as { code?: unknown }).code === 'ERR_NATIVE_UNAVAILABLE'
      ? (loadError as Error & { details?: Record<string, unknown> }) : undefined;
    throw new WarpdriveError(
      'ERR_NATIVE_UNAVAILABLE',
      located?.message ?? `the @warpdrive/native addon could not be loaded: ${(loadError as Error)?.message ?? String(loadError)}`,
      located?.details === undefined ? { cause: loadError } : { cause: loadError, details: located.details },
    );
  }
  return binding;
}

/** True if the addon loaded. */
export function nativeAvailable(): boolean {
  return binding !== undefined;
}
