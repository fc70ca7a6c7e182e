/**
 * Device discovery: the in-process soft device (always present) and uacce
 * devices from `/sys/class/uacce/*`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONSTANTS, WD_SOFT_API_V1 } from './abi.js';
import { WarpdriveError, isWarpdriveError } from './errors.js';
import { UACCE_DEV_SVA, readUacceAttributes } from './sysfs.js';
import { listDevicesOptionsSchema, parseOptions } from './validate.js';

/** Which implementation serves a device. */
export type DeviceBackend = 'soft' | 'uacce';

/** A device as discovered. */
export interface DeviceInfo {
  /** `soft`, or the uacce device name (e.g. `wd_soft-0`). */
  readonly name: string;
  /** Device node (`/dev/<name>`), or null for the in-process soft device. */
  readonly path: string | null;
  /** Queue protocol the device speaks, e.g. `wd_soft_v1` (`''` if unreadable). */
  readonly api: string;
  /**
   * Algorithms the device can run. For a uacce device, its sysfs
   * `algorithms`. For the soft device, the algorithms of the engines loaded
   * into it: in {@link listDevices} (no context, nothing loaded) the addon's
   * built-in engines, {@link SOFT_ALGORITHMS}; in a context's `device`, those
   * plus the `algorithms` of every plugin of that context that brought a soft
   * engine (`softEngines`) — see docs/ARCHITECTURE.md, "Device discovery".
   */
  readonly algorithms: readonly string[];
  /** Device flags (uacce `flags`; for the soft device its `WD_FEAT_*` bits). */
  readonly flags: number;
  /**
   * Addresses in descriptors are process VAs. For uacce devices this is the
   * `UACCE_DEV_SVA` flag (IOMMU SVA), except for api `wd_soft_v1`: the
   * warpdrive kernel driver implements SVA in software (its workers enter
   * the owner's mm), which uacce's `flags` cannot express, so it is SVA
   * whatever `flags` says.
   */
  readonly sva: boolean;
  /** Queues that can still be opened; null if unlimited or not reported. */
  readonly availableInstances: number | null;
  /** NUMA node of the device, null if none/unknown. */
  readonly numaNode: number | null;
  /** uacce region sizes in bytes, when reported. */
  readonly regionSizes?: { readonly mmio?: number; readonly dus?: number };
  /** uacce `isolate` state, when reported. */
  readonly isolate?: number;
  readonly backend: DeviceBackend;
  /** Set when an attribute was missing or malformed (`ERR_DEVICE_ATTRIBUTE`); the other fields are then best-effort. */
  readonly error?: WarpdriveError;
}

/** Options of {@link listDevices}. */
export interface ListDevicesOptions {
  /** Root of sysfs (default `/sys`); tests point it at a fake tree. */
  readonly sysfsRoot?: string;
}

/** Algorithms of the addon's built-in engines (NOP, COPY, CRC32): what every soft device runs. */
export const SOFT_ALGORITHMS = ['nop', 'copy', 'crc32'] as const;

/**
 * The in-process soft device's description.
 * @param engineAlgorithms - algorithms of the plug-in engines loaded into
 *   this device (a context passes its plugins'); listed after the built-in
 *   ones, each once
 */
export function softDeviceInfo(engineAlgorithms: readonly string[] = []): DeviceInfo {
  return {
    name: 'soft',
    path: null,
    api: WD_SOFT_API_V1,
    algorithms: [...new Set<string>([...SOFT_ALGORITHMS, ...engineAlgorithms])],
    flags: CONSTANTS.WD_FEAT_SVA | CONSTANTS.WD_FEAT_NEED_WAKEUP | CONSTANTS.WD_FEAT_SGL | CONSTANTS.WD_FEAT_CQ_EVENTFD,
    sva: true,
    availableInstances: null,
    numaNode: null,
    backend: 'soft',
  };
}

function uacceDevice(name: string, dir: string): DeviceInfo {
  const base = { name, path: `/dev/${name}`, backend: 'uacce' as const };
  try {
    const a = readUacceAttributes(name, dir);
    const regionSizes =
      a.regionMmioSize === undefined && a.regionDusSize === undefined
        ? undefined
        : {
            ...(a.regionMmioSize === undefined ? {} : { mmio: a.regionMmioSize }),
            ...(a.regionDusSize === undefined ? {} : { dus: a.regionDusSize }),
          };
    return {
      ...base,
      api: a.api,
      algorithms: a.algorithms,
      flags: a.flags,
      sva: (a.flags & UACCE_DEV_SVA) !== 0 || a.api === WD_SOFT_API_V1,
      availableInstances: a.availableInstances,
      numaNode: a.numaNode,
      ...(regionSizes === undefined ? {} : { regionSizes }),
      ...(a.isolate === undefined ? {} : { isolate: a.isolate }),
    };
  } catch (err) {
    const error = isWarpdriveError(err)
      ? err
      : new WarpdriveError('ERR_DEVICE_ATTRIBUTE', `uacce device '${name}': ${(err as Error).message}`, { cause: err, details: { device: name } });
    return { ...base, api: '', algorithms: [], flags: 0, sva: false, availableInstances: null, numaNode: null, error };
  }
}

/**
 * List the devices warpdrive can use: the soft device first, then every
 * uacce device in sysfs (sorted by name). A broken device never makes
 * discovery throw: its entry carries `error` instead. The soft device's
 * `algorithms` here are its built-in engines' (no plugin engine is loaded
 * outside a context); a context's `device.algorithms` adds its plugins'.
 *
 * @param options - `{ sysfsRoot }`
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` for bad options
 */
export function listDevices(options?: ListDevicesOptions): DeviceInfo[] {
  const o = parseOptions(listDevicesOptionsSchema, options, 'options');
  const classDir = join(o?.sysfsRoot ?? '/sys', 'class', 'uacce');
  let names: string[] = [];
  try {
    names = readdirSync(classDir).sort();
  } catch {
    names = []; // no uacce class: no uacce devices
  }
  return [softDeviceInfo(), ...names.map((name) => uacceDevice(name, join(classDir, name)))];
}
