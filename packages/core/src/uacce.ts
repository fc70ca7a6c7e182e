/**
 * The uacce (kernel) backend of a context: queues of a `wd_soft_v1` kernel
 * device opened through `@warpdrive/native`'s `openUacceQueue`, and the
 * operations such a device can run.
 */
import type { NativeBinding } from '@warpdrive/native';
import { WD_SOFT_API_V1 } from './abi.js';
import { WarpdriveError } from './errors.js';
import type { DeviceInfo } from './devices.js';
import type { Plugin } from './plugin.js';
import type { QueueBackend } from './queue.js';
import type { BoundOperation } from './registry.js';

/** Device apis whose kernel queues this build can open (the queue set-up ioctls are per api). */
export const UACCE_APIS: readonly string[] = [WD_SOFT_API_V1];

/**
 * Open one kernel queue of `device`.
 * @throws WarpdriveError `ERR_DEVICE_NOT_FOUND` (no `region_dus_size`);
 *   `ERR_DEVICE_BUSY` for any failure of open/ioctl/mmap (no queue left =
 *   `EBUSY`, `EACCES`, ...), with the failing step in the message and the
 *   errno in `details.errno`
 */
export function openUacceQueue(native: NativeBinding, device: DeviceInfo, sqEntries: number, onCompletion: () => void): QueueBackend {
  const dusSize = device.regionSizes?.dus;
  if (device.path === null || dusSize === undefined || dusSize <= 0) {
    throw new WarpdriveError('ERR_DEVICE_NOT_FOUND', `device '${device.name}' does not report region_dus_size`, { details: { device: device.name } });
  }
  try {
    return native.openUacceQueue({ path: device.path, dusSize, sqEntries, onCompletion });
  } catch (err) {
    const errno = (err as { errno?: number }).errno;
    throw new WarpdriveError('ERR_DEVICE_BUSY', `cannot open a queue of '${device.name}': ${(err as Error).message}`, {
      cause: err,
      details: { device: device.name, ...(errno === undefined ? {} : { errno }) },
    });
  }
}

function unsupported(op: BoundOperation, device: DeviceInfo): BoundOperation {
  const fail = (): never => {
    throw new WarpdriveError('ERR_UNSUPPORTED_OPERATION', `operation '${op.name}' (plugin '${op.plugin}') is not supported by device '${device.name}' (algorithms: ${device.algorithms.join(', ') || 'none'})`, {
      details: { operation: op.name, plugin: op.plugin, device: device.name },
    });
  };
  return { ...op, prep: fail, complete: undefined };
}

/**
 * Operations of plugins the kernel device does not serve (none of the
 * plugin's algorithms in the device's `algorithms`) stay callable but reject
 * with `ERR_UNSUPPORTED_OPERATION` before anything is submitted.
 */
export function restrictToDevice(ops: Readonly<Record<string, BoundOperation>>, plugins: readonly Plugin<any>[], device: DeviceInfo): Readonly<Record<string, BoundOperation>> {
  const listed = new Set(device.algorithms);
  const served = new Set(plugins.filter((p) => p.algorithms.some((a) => listed.has(a))).map((p) => p.name));
  const out: Record<string, BoundOperation> = Object.create(null);
  for (const [name, op] of Object.entries(ops)) out[name] = served.has(op.plugin) ? op : unsupported(op, device);
  return out;
}
