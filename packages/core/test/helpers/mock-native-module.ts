/**
 * Stands the pure-JS mock in for `@warpdrive/native` where core loads it
 * (src/native-module.ts, a `require`, which vi.mock of the package name
 * cannot reach): `vi.mock('../src/native-module.js', () => import('./helpers/mock-native-module.js'))`.
 */
import * as mockNative from './mock-native.js';

/** The mock, in place of the addon's module. */
export function requireNative(): typeof mockNative {
  return mockNative;
}
