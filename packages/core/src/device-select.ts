/**
 * Resolving `createContext`'s `device` option to a device description.
 */
import { WarpdriveError } from './errors.js';
import { listDevices, softDeviceInfo, type DeviceInfo } from './devices.js';

/**
 * The device `selector` names.
 * @param selector - 'auto' | 'soft' | 'uacce' | a device name
 * @param sysfsRoot - sysfs root for discovery (tests)
 * @throws WarpdriveError `ERR_DEVICE_NOT_FOUND` if nothing matches;
 *   `ERR_UNSUPPORTED_OPERATION` for a uacce device (backend not in this build)
 */
export function selectDevice(selector: string, sysfsRoot?: string): DeviceInfo {
  if (selector === 'auto' || selector === 'soft') return softDeviceInfo();
  const devices = listDevices(sysfsRoot === undefined ? undefined : { sysfsRoot });
  const uacce = devices.filter((d) => d.backend === 'uacce');
  const match = selector === 'uacce' ? uacce.find((d) => d.error === undefined) : devices.find((d) => d.name === selector);
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
  throw new WarpdriveError('ERR_UNSUPPORTED_OPERATION', `the uacce backend is not available in this build (device '${match.name}')`, {
    details: { argument: 'options.device', device: match.name },
  });
}
