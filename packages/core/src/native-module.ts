/**
 * Loads the `@warpdrive/native` module synchronously, with `require`, so that
 * core has no top-level await: `require()` of core's CommonJS build could
 * not load it, and no ESM wrapper is needed around the one CommonJS copy of
 * the addon's loader (scripts/tsup-dual.mjs). A module of its own so that
 * unit tests stand a mock in for the addon with `vi.mock` of this file
 * (test/helpers/mock-native-module.ts).
 */
import { createRequire } from 'node:module';

/** The `@warpdrive/native` module, loaded now (throws what its loading throws). */
export function requireNative(): typeof import('@warpdrive/native') {
  return createRequire(import.meta.url)('@warpdrive/native') as typeof import('@warpdrive/native');
}
