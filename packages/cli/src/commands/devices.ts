import { parseArgs } from 'node:util';
import { coreOps, createContext, listDevices, type DeviceInfo } from '@warpdrive/core';
import { UsageError, type Command } from '../command.js';

const usage = `Usage: warpdrive devices [--json]

List the accelerator devices warpdrive can use: the in-process soft device
(with the algorithms its engines run once the CLI's plugins are loaded)
and every uacce device under /sys/class/uacce.

Options:
  --json     print an array of device descriptions as JSON
  -h, --help show this help`;

function describe(d: DeviceInfo): string[] {
  if (d.error) return [d.name, d.backend, '-', '-', '-', '-', `error: ${d.error.message}`];
  return [
    d.name,
    d.backend,
    d.api,
    d.sva ? 'yes' : 'no',
    d.availableInstances === null ? 'unlimited' : String(d.availableInstances),
    d.numaNode === null ? '-' : String(d.numaNode),
    d.algorithms.join(','),
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

function toJson(d: DeviceInfo): unknown {
  const { error, ...rest } = d;
  return error ? { ...rest, error: { code: error.code, message: error.message } } : rest;
}

/**
 * listDevices() has no plugins, so the soft device lists only its built-in
 * engines; the CLI loads zip and crypto, so it reports what a context with
 * them runs there.
 */
async function withPluginAlgorithms(d: DeviceInfo): Promise<DeviceInfo> {
  if (d.backend !== 'soft' || d.error) return d;
  const [{ default: zip }, { default: crypto }] = await Promise.all([import('@warpdrive/plugin-zip'), import('@warpdrive/plugin-crypto')]);
  const ctx = await createContext({ device: d.name, plugins: [coreOps(), zip(), crypto()] });
  try {
    return { ...d, algorithms: ctx.device.algorithms };
  } finally {
    await ctx.close();
  }
}

export const devicesCommand: Command = {
  name: 'devices',
  summary: 'list usable accelerator devices',
  usage,
  async run(argv, io) {
    let json: boolean;
    try {
      const { values } = parseArgs({ args: [...argv], options: { json: { type: 'boolean' } }, strict: true });
      json = values.json ?? false;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const devices = await Promise.all((await listDevices()).map(withPluginAlgorithms));
    if (json) {
      io.stdout.write(`${JSON.stringify(devices.map(toJson), null, 2)}\n`);
    } else {
      const header = ['NAME', 'BACKEND', 'API', 'SVA', 'INSTANCES', 'NUMA', 'ALGORITHMS'];
      io.stdout.write(`${table([header, ...devices.map(describe)])}\n`);
    }
    return devices.some((d) => d.error) ? 1 : 0;
  },
};
