/**
 * Where a plugin's soft-device engine library is, found the way the addon
 * is found (`@warpdrive/native/locate`): the plugin's own `build/` (a
 * checkout; with `WARPDRIVE_NATIVE_BUILD=asan` its `build-asan/`, and
 * nothing else), else the installed platform package `<packageName>-<target>`.
 * A plugin that ships its engine as per-target packages calls this once at
 * load and hands {@link EngineLocation.library} to `softEngines`.
 */
import { fileURLToPath } from 'node:url';
import { isNativeUnavailable, locateBinary } from '@warpdrive/native/locate';
import { WarpdriveError } from '../errors.js';
import { argumentError } from './bytes.js';
import { describeValue } from './describe.js';
import { ownOptions } from './options.js';

/** What {@link locateEngine} found. */
export interface EngineLocation {
  /** Absolute path of the library; where a local build would be if none was found. */
  readonly path: string;
  /**
   * The library's path, for the plugin factory's `softEngines`.
   * @throws WarpdriveError `ERR_NATIVE_UNAVAILABLE` if no engine fits this
   * platform (details: platform, prebuilt targets, what was looked for)
   */
  library(): string;
}

/** Options of {@link locateEngine}. */
export interface LocateEngineOptions {
  /** The plugin's npm name, e.g. `@warpdrive/plugin-zip`; the platform packages are `<name>-<target>`. */
  readonly packageName: string;
  /** The library's file name in the build directory and in the platform package. */
  readonly file: string;
  /** `import.meta.url` of a module in the plugin's `dist/` (or `src/`): `../build/` is taken from there. */
  readonly from: string | URL;
}

/**
 * Finds a plugin's engine library once; a failure is kept for
 * {@link EngineLocation.library} so that importing the plugin still works
 * (and its `ERR_NATIVE_UNAVAILABLE` surfaces when the plugin is used).
 */
export function locateEngine(options: LocateEngineOptions): EngineLocation {
  // each own property read once; a plugin's typo is a typed error, not a TypeError from URL
  const o = ownOptions(options, 'options', ['packageName', 'file', 'from'], { optional: false });
  for (const key of ['packageName', 'file'] as const) {
    const v = o[key];
    if (typeof v !== 'string' || v === '' || (key === 'file' && /[/\\]/.test(v))) {
      throw argumentError(`options.${key}`, `\`options.${key}\` must be a non-empty ${key === 'file' ? 'file name (no directory)' : 'package name'}, got ${describeValue(v)}`);
    }
  }
  const fromUrl = o.from instanceof URL ? o.from : typeof o.from === 'string' && URL.canParse(o.from) ? new URL(o.from) : undefined;
  if (fromUrl === undefined || fromUrl.protocol !== 'file:') {
    throw argumentError('options.from', `\`options.from\` must be the calling module's own file: URL, got ${describeValue(o.from)}`);
  }
  const packageName = o.packageName as string;
  const file = o.file as string;
  const asan = process.env.WARPDRIVE_NATIVE_BUILD === 'asan';
  const localDir = fileURLToPath(new URL(`../${asan ? 'build-asan' : 'build'}/`, fromUrl));
  try {
    const { path } = locateBinary({ packageName, file, from: fromUrl, localDirs: [localDir], usePackage: !asan });
    return { path, library: () => path };
  } catch (err) {
    if (!isNativeUnavailable(err)) throw err;
    const error = new WarpdriveError('ERR_NATIVE_UNAVAILABLE', err.message, { cause: err, details: err.details });
    return {
      path: localDir + file,
      library: () => {
        throw error;
      },
    };
  }
}
