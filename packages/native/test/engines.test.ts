import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { native } from '../src/index.js';
import { RingDriver } from './ring-driver.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '..');
const source = join(here, 'fixtures', 'xor_engine.c');
const E = native.abi.errno;

let dir = '';
function buildEngine(name: string, defines: string[] = []): string {
  const out = join(dir, `${name}.so`);
  execFileSync('cc', [
    '-shared', '-fPIC', '-O2', '-Wall',
    `-I${resolve(pkg, '../../driver/include/uapi')}`,
    `-I${resolve(pkg, 'include')}`,
    ...defines.map((d) => `-D${d}`),
    '-o', out, source,
  ]);
  return out;
}

describe('loadEngine', () => {
  let good = '';
  const libs: Record<string, string> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wd-engine-'));
    good = buildEngine('good');
    libs.overlap = buildEngine('overlap', ['FIRST=0xe1', 'LAST=0xe2']);
    libs.core = buildEngine('core', ['FIRST=0x05', 'LAST=0x05']);
    libs.abi = buildEngine('abi', ['ABI=99']);
    libs.empty = buildEngine('empty', ['FIRST=0xf0', 'LAST=0xef']);
    libs.user2 = buildEngine('user2', ['FIRST=0xf0', 'LAST=0xf0']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('registers a plug-in engine and routes its opcodes through the ring', async () => {
    const device = new native.SoftDevice({ workers: 2 });
    const info = device.loadEngine(good, 'wd_test_engine');
    expect(info).toEqual({ name: 'xor-test', firstOpcode: 0xe0, lastOpcode: 0xe1 });
    expect(device.opcodes).toEqual([0, 1, 2, 0xe0, 0xe1]);
    const d = new RingDriver(device, 4);
    const src = Buffer.from([1, 2, 3, 4]);
    const dst = Buffer.alloc(4);
    const c = await d.run({ opcode: 0xe0, userData: 42n, srcAddr: native.addressOf(src), srcLen: 4, dstAddr: native.addressOf(dst), dstLen: 4, aux: 0xff });
    expect(c).toMatchObject({ userData: 42n, status: 0, consumed: 4, produced: 4 });
    expect([...dst]).toEqual([0xfe, 0xfd, 0xfc, 0xfb]);
    const c2 = await d.run({ opcode: 0xe1, userData: 43n });
    expect(c2).toMatchObject({ userData: 43n, status: 0, aux: 0xe1n, detail: 7 });
    // The generic SQE checks still apply to plug-in opcodes.
    expect((await d.run({ opcode: 0xe1, userData: 44n, resv0: 2 })).status).toBe(-E.EINVAL!);
    // Another range loads next to it.
    expect(device.loadEngine(libs.user2!, 'wd_test_engine').firstOpcode).toBe(0xf0);
    await d.close();
    device.close();
  });

  it('rejects bad libraries with a clear error and keeps the device usable', () => {
    const device = new native.SoftDevice({ workers: 1 });
    device.loadEngine(good, 'wd_test_engine');
    expect(() => device.loadEngine(join(dir, 'missing.so'), 'wd_test_engine')).toThrow(/cannot load engine library/);
    expect(() => device.loadEngine(good, 'no_such_symbol')).toThrow(/has no symbol 'no_such_symbol'/);
    expect(() => device.loadEngine(good, 'wd_null_engine')).toThrow(/returned NULL/);
    expect(() => device.loadEngine(good, 'wd_test_engine')).toThrow(/overlaps engine 'xor-test'/);
    expect(() => device.loadEngine(libs.overlap!, 'wd_test_engine')).toThrow(/overlaps/);
    expect(() => device.loadEngine(libs.core!, 'wd_test_engine')).toThrow(/core range/);
    expect(() => device.loadEngine(libs.abi!, 'wd_test_engine')).toThrow(/abi_version 99/);
    expect(() => device.loadEngine(libs.empty!, 'wd_test_engine')).toThrow(/range is empty/);
    expect(device.opcodes).toEqual([0, 1, 2, 0xe0, 0xe1]);
    device.close();
    expect(() => device.loadEngine(good, 'wd_test_engine')).toThrow(/closed/);
  });

  it('engines are per device', () => {
    const a = new native.SoftDevice({ workers: 1 });
    const b = new native.SoftDevice({ workers: 1 });
    a.loadEngine(good, 'wd_test_engine');
    expect(b.opcodes).toEqual([0, 1, 2]);
    b.loadEngine(good, 'wd_test_engine');
    a.close();
    b.close();
  });
});
