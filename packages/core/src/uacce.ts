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

const EINVAL = 22;

/** Device apis whose kernel queues this build can open (the queue set-up ioctls are per api). */
export const UACCE_APIS: readonly string[] = [WD_SOFT_API_V1];

/**
 * Open one kernel queue of `device`.
 * @param dataBytes - > 0: no-SVA mode with a data region this large
 * @throws WarpdriveError `ERR_DEVICE_NOT_FOUND` (no `region_dus_size`);
 *   `ERR_INVALID_ARGUMENT` for a data region the device cannot give;
 *   `ERR_DEVICE_BUSY` for any failure of open/ioctl/mmap (no queue left =
 *   `EBUSY`, `EACCES`, ...), with the failing step in the message and the
 *   errno in `details.errno`
 */
export function openUacceQueue(native: NativeBinding, device: DeviceInfo, sqEntries: number, onCompletion: () => void, dataBytes = 0): QueueBackend {
  const dusSize = device.regionSizes?.dus;
  if (device.path === null || dusSize === undefined || dusSize <= 0) {
    throw new WarpdriveError('ERR_DEVICE_NOT_FOUND', `device '${device.name}' does not report region_dus_size`, { details: { device: device.name } });
  }
  if (dataBytes >= dusSize) {
    throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`options.dataRegion\` must be smaller than device '${device.name}''s DUS region (${dusSize} bytes, rings included), got ${dataBytes}`, {
      details: { argument: 'options.dataRegion', device: device.name, dusSize },
    });
  }
  try {
    return native.openUacceQueue({ path: device.path, dusSize, sqEntries, onCompletion, ...(dataBytes > 0 ? { dataBytes } : {}) });
  } catch (err) {
    const errno = (err as { errno?: number }).errno;
    if (dataBytes > 0 && errno === EINVAL && /SET_QP/.test((err as Error).message)) {
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', `device '${device.name}' refused a no-SVA data region of ${dataBytes} bytes (\`options.dataRegion\`; the driver's limit is its max_data_mb parameter)`, {
        cause: err,
        details: { argument: 'options.dataRegion', device: device.name, errno },
      });
    }
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
