/**
 * Resolving `createContext`'s `device` option to a device description.
 */
import { WarpdriveError } from './errors.js';
import { listDevices, softDeviceInfo, type DeviceInfo } from './devices.js';
import { UACCE_APIS } from './uacce.js';

/** Environment variable that `device: 'auto'` follows when set (e.g. `wd_soft-0`, `uacce`). */
export const DEVICE_ENV = 'WARPDRIVE_DEVICE';

/**
 * The device `selector` names. `'auto'` is the soft device unless the
 * environment variable `WARPDRIVE_DEVICE` names another selector; a kernel
 * device is never picked silently. `'uacce'` is the first usable uacce
 * device whose api this build can open (`wd_soft_v1`).
 * @param selector - 'auto' | 'soft' | 'uacce' | a device name
 * @param sysfsRoot - sysfs root for discovery (tests)
 * @param env - environment consulted by 'auto' (tests)
 * @throws WarpdriveError `ERR_DEVICE_NOT_FOUND` if nothing matches;
 *   `ERR_UNSUPPORTED_OPERATION` for a uacce device of another api
 */
export function selectDevice(selector: string, sysfsRoot?: string, env: NodeJS.ProcessEnv = process.env): DeviceInfo {
  if (selector === 'auto') {
    const fromEnv = env[DEVICE_ENV];
    selector = fromEnv === undefined || fromEnv === '' || fromEnv === 'auto' ? 'soft' : fromEnv;
  }
  if (selector === 'soft') return softDeviceInfo();
  const devices = listDevices(sysfsRoot === undefined ? undefined : { sysfsRoot });
  const uacce = devices.filter((d) => d.backend === 'uacce');
  const match =
    selector === 'uacce'
      ? uacce.find((d) => d.error === undefined && UACCE_APIS.includes(d.api))
      : devices.find((d) => d.name === selector);
  if (match === undefined) {
    const known = devices.map((d) => d.name).join(', ');
    throw new WarpdriveError(
      'ERR_DEVICE_NOT_FOUND',
      selector === 'uacce'
        ? `no usable uacce device found (devices: ${known})`
        : `no device named '${selector}' (devices: ${known})`,
      { details: { argument: 'options.device', device: selector } },
    );
  }
  if (match.error !== undefined) {
    throw new WarpdriveError('ERR_DEVICE_NOT_FOUND', `device '${match.name}' is not usable: ${match.error.message}`, {
      cause: match.error,
      details: { argument: 'options.device', device: match.name },
    });
  }
  if (!UACCE_APIS.includes(match.api)) {
    throw new WarpdriveError('ERR_UNSUPPORTED_OPERATION', `device '${match.name}' speaks api '${match.api}'; this build opens queues of ${UACCE_APIS.join(', ')} only`, {
      details: { argument: 'options.device', device: match.name, api: match.api },
    });
  }
  return match;
}
