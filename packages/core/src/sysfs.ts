/**
 * Parsing of one uacce device's sysfs attributes
 * (`/sys/class/uacce/<dev>/{api,algorithms,flags,available_instances,...}`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WarpdriveError } from './errors.js';

/** uacce's `UACCE_DEV_SVA` flag. */
export const UACCE_DEV_SVA = 0x1;

/** Attribute values of one uacce device. */
export interface UacceAttributes {
  readonly api: string;
  readonly algorithms: string[];
  readonly flags: number;
  readonly availableInstances: number | null;
  readonly isolate?: number;
  readonly regionMmioSize?: number;
  readonly regionDusSize?: number;
  readonly numaNode: number | null;
}

type Read = { kind: 'ok'; text: string } | { kind: 'missing' } | { kind: 'nodev' };

function attributeError(device: string, attribute: string, file: string, problem: string, cause?: unknown): WarpdriveError {
  return new WarpdriveError('ERR_DEVICE_ATTRIBUTE', `uacce device '${device}': attribute '${attribute}' (${file}) ${problem}`, {
    cause,
    details: { device, attribute, file },
  });
}

function readAttr(device: string, attribute: string, file: string): Read {
  try {
    return { kind: 'ok', text: readFileSync(file, 'utf8').trim() };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    // uacce's show() returns -ENODEV when the parent driver has no such op.
    if (code === 'ENODEV' || code === 'EOPNOTSUPP') return { kind: 'nodev' };
    throw attributeError(device, attribute, file, `cannot be read: ${(err as Error).message}`, err);
  }
}

const DECIMAL = /^-?\d+$/;
const HEX = /^0x[0-9a-f]+$/i;

function parseInteger(text: string, allowHex: boolean): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  if (allowHex && HEX.test(text)) return Number.parseInt(text.slice(2), 16);
  return undefined;
}

/**
 * Read and parse every attribute of the device directory `dir`.
 *
 * @throws WarpdriveError `ERR_DEVICE_ATTRIBUTE` naming the first missing or
 *   malformed attribute and its file (discovery turns it into the entry's `error`)
 */
export function readUacceAttributes(device: string, dir: string): UacceAttributes {
  const text = (attribute: string, required: boolean): string | undefined => {
    const file = join(dir, attribute);
    const r = readAttr(device, attribute, file);
    if (r.kind === 'ok') return r.text;
    if (required) throw attributeError(device, attribute, file, r.kind === 'missing' ? 'is missing' : 'is not provided by the driver');
    return undefined;
  };
  const integer = (attribute: string, raw: string, opts: { hex?: boolean; min?: number }): number => {
    const value = parseInteger(raw, opts.hex === true);
    if (value === undefined || !Number.isSafeInteger(value) || value < (opts.min ?? 0)) {
      const expected = opts.hex ? 'a decimal or 0x-hex integer' : `an integer ≥ ${opts.min ?? 0}`;
      throw attributeError(device, attribute, join(dir, attribute), `is malformed: expected ${expected}, got ${JSON.stringify(raw)}`);
    }
    return value;
  };

  const api = text('api', true)!;
  if (api.length === 0 || /\s/.test(api)) {
    throw attributeError(device, 'api', join(dir, 'api'), `is malformed: expected one api name, got ${JSON.stringify(api)}`);
  }
  const algorithmsRaw = text('algorithms', true)!;
  const algorithms = algorithmsRaw.split(/\s+/).filter((a) => a.length > 0);
  if (algorithms.length === 0) throw attributeError(device, 'algorithms', join(dir, 'algorithms'), 'is malformed: it lists no algorithm');
  const flags = integer('flags', text('flags', true)!, { hex: true });

  // available_instances: required; a driver without the op reports -ENODEV (unknown → null).
  const instancesFile = join(dir, 'available_instances');
  const instancesRead = readAttr(device, 'available_instances', instancesFile);
  if (instancesRead.kind === 'missing') throw attributeError(device, 'available_instances', instancesFile, 'is missing');
  const availableInstances =
    instancesRead.kind === 'nodev' || instancesRead.text === 'unlimited'
      ? null
      : integer('available_instances', instancesRead.text, { min: 0 });

  const optional = (attribute: string): number | undefined => {
    const raw = text(attribute, false);
    return raw === undefined ? undefined : integer(attribute, raw, { hex: true });
  };
  const isolate = optional('isolate');
  const regionMmioSize = optional('region_mmio_size');
  const regionDusSize = optional('region_dus_size');

  let numaNode: number | null = null;
  const numaRaw = text(join('device', 'numa_node'), false);
  if (numaRaw !== undefined) {
    const node = integer('device/numa_node', numaRaw, { min: -1 });
    numaNode = node < 0 ? null : node;
  }
  return {
    api,
    algorithms,
    flags,
    availableInstances,
    numaNode,
    ...(isolate === undefined ? {} : { isolate }),
    ...(regionMmioSize === undefined ? {} : { regionMmioSize }),
    ...(regionDusSize === undefined ? {} : { regionDusSize }),
  };
}
