/**
 * Where the engine library is: the local build (`pnpm build`,
 * scripts/build-engine.mjs; with WARPDRIVE_NATIVE_BUILD=asan its
 * `--sanitize` build, never anything else), else the installed platform
 * package `@warpdrive/plugin-crypto-<target>` (an optional dependency). See
 * @warpdrive/native/locate for the order and the error.
 */
import { fileURLToPath } from 'node:url';
import { WarpdriveError } from '@warpdrive/core';
import { isNativeUnavailable, locateBinary } from '@warpdrive/native/locate';

const FILE = 'crypto-engine.so';
const asan = process.env.WARPDRIVE_NATIVE_BUILD === 'asan';
const localDir = fileURLToPath(new URL(`../${asan ? 'build-asan' : 'build'}/`, import.meta.url));

function find(): { path: string; error?: WarpdriveError } {
  try {
    return { path: locateBinary({ packageName: '@warpdrive/plugin-crypto', file: FILE, from: import.meta.url, localDirs: [localDir], usePackage: !asan }).path };
  } catch (err) {
    if (!isNativeUnavailable(err)) throw err;
    // the path a local build would have, so the export stays a string
    return { path: localDir + FILE, error: new WarpdriveError('ERR_NATIVE_UNAVAILABLE', err.message, { cause: err, details: err.details }) };
  }
}

const found = find();

/** Absolute path of the engine library (where a local build would be if none was found). */
export const ENGINE_PATH: string = found.path;

/**
 * The engine library's path, for the plugin factory.
 * @throws WarpdriveError `ERR_NATIVE_UNAVAILABLE` if no engine fits this platform (details: platform, prebuilt targets, what was looked for)
 */
export function engineLibrary(): string {
  if (found.error !== undefined) throw found.error;
  return found.path;
}
