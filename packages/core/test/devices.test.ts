import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDevices } from '../src/devices.js';
import { selectDevice } from '../src/device-select.js';
import { coreOps, createContext, definePlugin } from '../src/index.js';
import { needs } from '../../conformance/needs.js';

const root = mkdtempSync(join(tmpdir(), 'wd-sysfs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeDevice(sysfs: string, name: string, attrs: Record<string, string | null>): void {
  const dir = join(sysfs, 'class', 'uacce', name);
  mkdirSync(join(dir, 'device'), { recursive: true });
  for (const [k, v] of Object.entries(attrs)) if (v !== null) writeFileSync(join(dir, k), v);
}

const good = {
  api: 'hisi_qm_v2\n',
  algorithms: 'zlib\ngzip\ndeflate\n',
  flags: '0x1\n',
  available_instances: '63\n',
  isolate: '0\n',
  region_mmio_size: '16384\n',
  region_dus_size: '282624\n',
  'device/numa_node': '1\n',
};

function tree(devices: Record<string, Record<string, string | null>>): string {
  const sysfs = mkdtempSync(join(root, 't-'));
  for (const [name, attrs] of Object.entries(devices)) fakeDevice(sysfs, name, attrs);
  return sysfs;
}

describe('listDevices', () => {
  it('always lists the soft device first', () => {
    const [soft, ...rest] = listDevices({ sysfsRoot: join(root, 'does-not-exist') });
    expect(rest).toEqual([]);
    expect(soft).toMatchObject({ name: 'soft', path: null, api: 'wd_soft_v1', algorithms: ['nop', 'copy', 'crc32'], sva: true, backend: 'soft', availableInstances: null });
    expect(soft!.error).toBeUndefined();
  });

  it('parses every attribute of a uacce device', () => {
    const devices = listDevices({ sysfsRoot: tree({ 'hisi_zip-0': good }) });
    expect(devices[1]).toEqual({
      name: 'hisi_zip-0',
      path: '/dev/hisi_zip-0',
      api: 'hisi_qm_v2',
      algorithms: ['zlib', 'gzip', 'deflate'],
      flags: 1,
      sva: true,
      availableInstances: 63,
      numaNode: 1,
      regionSizes: { mmio: 16384, dus: 282624 },
      isolate: 0,
      backend: 'uacce',
    });
  });

  it('accepts space-separated algorithms, decimal flags, numa_node -1 and no optional attributes', () => {
    const devices = listDevices({
      sysfsRoot: tree({ 'x-0': { api: 'x_v1', algorithms: 'nop copy  crc32', flags: '4', available_instances: '2', 'device/numa_node': '-1' } }),
    });
    expect(devices[1]).toMatchObject({ algorithms: ['nop', 'copy', 'crc32'], flags: 4, sva: false, numaNode: null, availableInstances: 2 });
    expect(devices[1]!.regionSizes).toBeUndefined();
    expect(devices[1]!.isolate).toBeUndefined();
  });

  it('reports the wd_soft kernel driver as SVA although uacce strips UACCE_DEV_SVA without an IOMMU', () => {
    const devices = listDevices({
      sysfsRoot: tree({ 'wd_soft-0': { api: 'wd_soft_v1', algorithms: 'nop copy crc32', flags: '0', available_instances: '64' } }),
    });
    expect(devices[1]).toMatchObject({ name: 'wd_soft-0', api: 'wd_soft_v1', flags: 0, sva: true, backend: 'uacce' });
  });

  it('a missing attribute gives that device an ERR_DEVICE_ATTRIBUTE naming attribute and file, others still listed', () => {
    const sysfs = tree({ 'a-0': { ...good, flags: null }, 'b-0': good });
    const devices = listDevices({ sysfsRoot: sysfs });
    expect(devices.map((d) => d.name)).toEqual(['soft', 'a-0', 'b-0']);
    const err = devices[1]!.error!;
    expect(err.code).toBe('ERR_DEVICE_ATTRIBUTE');
    expect(err.message).toContain("attribute 'flags'");
    expect(err.message).toContain(join(sysfs, 'class', 'uacce', 'a-0', 'flags'));
    expect(err.message).toContain('is missing');
    expect(err.details).toMatchObject({ device: 'a-0', attribute: 'flags' });
    expect(devices[2]!.error).toBeUndefined();
  });

  const malformed: Array<[string, Record<string, string>, RegExp]> = [
    ['flags', { flags: 'sva' }, /'flags'.*malformed.*"sva"/],
    ['available_instances', { available_instances: '-3' }, /'available_instances'.*malformed/],
    ['region_dus_size', { region_dus_size: '12k' }, /'region_dus_size'.*malformed/],
    ['numa_node', { 'device/numa_node': 'x' }, /'device\/numa_node'.*malformed/],
    ['api', { api: 'two words' }, /'api'.*malformed/],
    ['algorithms', { algorithms: '\n' }, /'algorithms'.*no algorithm/],
  ];
  for (const [what, patch, message] of malformed) {
    it(`a malformed ${what} gives ERR_DEVICE_ATTRIBUTE, never a throw`, () => {
      const devices = listDevices({ sysfsRoot: tree({ 'bad-0': { ...good, ...patch } }) });
      expect(devices[1]!.error?.code).toBe('ERR_DEVICE_ATTRIBUTE');
      expect(devices[1]!.error?.message).toMatch(message);
    });
  }

  it('rejects bad options with ERR_INVALID_ARGUMENT naming them', () => {
    expect(() => listDevices('x' as never)).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: '`options` must be an object, got "x"' }));
    expect(() => listDevices({ sysfsRoot: 3 } as never)).toThrowError(expect.objectContaining({ message: '`options.sysfsRoot` must be a non-empty path string, got 3' }));
    expect(() => listDevices({ sysfs: '/x' } as never)).toThrowError(expect.objectContaining({ details: { argument: 'options.sysfs' } }));
  });
});

describe('device selection', () => {
  it("'auto' and 'soft' select the soft device", () => {
    expect(selectDevice('auto').name).toBe('soft');
    expect(selectDevice('soft').name).toBe('soft');
  });
  it('an unknown name or no uacce device → ERR_DEVICE_NOT_FOUND', () => {
    const empty = join(root, 'nothing');
    expect(() => selectDevice('nope-0', empty)).toThrowError(expect.objectContaining({ code: 'ERR_DEVICE_NOT_FOUND', message: expect.stringContaining("no device named 'nope-0'") }));
    expect(() => selectDevice('uacce', empty)).toThrowError(expect.objectContaining({ code: 'ERR_DEVICE_NOT_FOUND' }));
  });
  it('a uacce device of another api → ERR_UNSUPPORTED_OPERATION; wd_soft_v1 devices are selected', () => {
    const sysfs = tree({ 'hisi_zip-0': good });
    for (const sel of ['hisi_zip-0']) {
      expect(() => selectDevice(sel, sysfs)).toThrowError(expect.objectContaining({ code: 'ERR_UNSUPPORTED_OPERATION', message: expect.stringContaining("speaks api 'hisi_qm_v2'") }));
    }
    expect(() => selectDevice('uacce', sysfs)).toThrowError(expect.objectContaining({ code: 'ERR_DEVICE_NOT_FOUND' }));
    const kernel = { api: 'wd_soft_v1', algorithms: 'nop copy crc32', flags: '0', available_instances: '64', region_dus_size: '20971520' };
    const both = tree({ 'hisi_zip-0': good, 'wd_soft-0': kernel });
    expect(selectDevice('uacce', both)).toMatchObject({ name: 'wd_soft-0', backend: 'uacce', sva: true, regionSizes: { dus: 20971520 } });
    expect(selectDevice('wd_soft-0', both).path).toBe('/dev/wd_soft-0');
  });
  it("'auto' follows WARPDRIVE_DEVICE, and is the soft device without it", () => {
    const sysfs = tree({ 'wd_soft-0': { api: 'wd_soft_v1', algorithms: 'nop copy crc32', flags: '0', available_instances: '64' } });
    expect(selectDevice('auto', sysfs, {}).name).toBe('soft');
    expect(selectDevice('auto', sysfs, { WARPDRIVE_DEVICE: '' }).name).toBe('soft');
    expect(selectDevice('auto', sysfs, { WARPDRIVE_DEVICE: 'wd_soft-0' }).name).toBe('wd_soft-0');
    expect(selectDevice('auto', sysfs, { WARPDRIVE_DEVICE: 'uacce' }).name).toBe('wd_soft-0');
    expect(selectDevice('soft', sysfs, { WARPDRIVE_DEVICE: 'wd_soft-0' }).name).toBe('soft');
    expect(() => selectDevice('auto', sysfs, { WARPDRIVE_DEVICE: 'wd_soft-9' })).toThrowError(expect.objectContaining({ code: 'ERR_DEVICE_NOT_FOUND' }));
  });
});

describe("the soft device's algorithms are what its engines run", () => {
  // A real plug-in engine (the addon's xor test engine, opcodes 0xe0-0xe1),
  // built with the system C compiler like the addon's own engine tests.
  const engineDir = mkdtempSync(join(root, 'engine-'));
  const native = fileURLToPath(new URL('../../native/', import.meta.url));
  const library = join(engineDir, 'xor.so');
  const hasCc = spawnSync('cc', ['--version']).status === 0;
  const skip = needs(hasCc, 'a C compiler (cc; scripts/setup.sh installs gcc) to build the test engine');
  beforeAll(() => {
    if (skip) return;
    execFileSync('cc', ['-shared', '-fPIC', '-O2', `-I${join(native, '../../driver/include/uapi')}`, `-I${join(native, 'include')}`,
      '-o', library, join(native, 'test/fixtures/xor_engine.c')]);
  });
  const xor = () => definePlugin({ name: 'xor', algorithms: ['xor', 'xor-check'], operations: {}, softEngines: [{ library, symbol: 'wd_test_engine' }] });
  const noEngine = () => definePlugin({ name: 'named', algorithms: ['imaginary'], operations: {} });

  it.skipIf(skip)("a context's device lists the built-in algorithms plus those of the engines its plugins loaded", async () => {
    const ctx = await createContext({ plugins: [coreOps(), xor(), noEngine()], device: 'soft', workers: 1 });
    try {
      expect(ctx.device.algorithms).toEqual(['nop', 'copy', 'crc32', 'xor', 'xor-check']);
    } finally {
      await ctx.close();
    }
  });

  it('without plugin engines a context and listDevices() list the built-in engines only', async () => {
    const ctx = await createContext({ plugins: [coreOps(), noEngine()], device: 'soft', workers: 1 });
    try {
      expect(ctx.device.algorithms).toEqual(['nop', 'copy', 'crc32']);
    } finally {
      await ctx.close();
    }
    expect(listDevices({ sysfsRoot: join(root, 'does-not-exist') })[0]!.algorithms).toEqual(['nop', 'copy', 'crc32']);
  });
});
