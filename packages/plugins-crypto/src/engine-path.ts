/**
 * Where the engine library is: the local build (`pnpm build`,
 * scripts/build-engine.mjs), else the installed platform package
 * `@warpdrive/plugin-crypto-<target>` (an optional dependency); see `locateEngine` in the
 * plugin kit for the order and the error.
 */
import { locateEngine } from '@warpdrive/core/plugin-kit';

const engine = locateEngine({ packageName: '@warpdrive/plugin-crypto', file: 'crypto-engine.so', from: import.meta.url });

/** Absolute path of the engine library (where a local build would be if none was found). */
export const ENGINE_PATH: string = engine.path;

/**
 * The engine library's path, for the plugin factory.
 * @throws WarpdriveError `ERR_NATIVE_UNAVAILABLE` if no engine fits this platform (details: platform, prebuilt targets, what was looked for)
 */
export function engineLibrary(): string {
  return engine.library();
}
