/** The TS mirror of wd_soft.h must equal what the addon's compiler saw. */
import { native } from '@warpdrive/native';
import { describe, expect, it } from 'vitest';
import { CONSTANTS, ERRNO, OFFSETS, SIZES, WD_SOFT_API_V1 } from '../src/abi.js';

function compare(kind: string, mirror: Record<string, number>, truth: Readonly<Record<string, number>>): void {
  const drift: string[] = [];
  for (const key of new Set([...Object.keys(mirror), ...Object.keys(truth)])) {
    if (mirror[key] !== truth[key]) drift.push(`${kind} ${key}: TS ${mirror[key]} vs C ${truth[key]}`);
  }
  expect(drift).toEqual([]);
}

describe('ABI mirror vs native.abi', () => {
  it('api string', () => expect(native.abi.api).toBe(WD_SOFT_API_V1));
  it('every struct size', () => compare('sizeof', SIZES, native.abi.sizes));
  it('every field offset', () => compare('offsetof', OFFSETS, native.abi.offsets));
  it('every constant', () => compare('constant', CONSTANTS, native.abi.constants));
  it('every errno value', () => compare('errno', ERRNO, native.abi.errno));
});

describe('soft device description vs the addon', () => {
  it('listDevices() reports the feature bits the soft device grants its rings', async () => {
    const { listDevices, createContext, coreOps } = await import('../src/index.js');
    const dev = new native.SoftDevice({ workers: 1 });
    const soft = listDevices()[0]!;
    expect(soft.flags).toBe(dev.features);
    dev.close();
    const ctx = await createContext({ plugins: [coreOps()] });
    expect(ctx.queues[0]!.features).toBe(soft.flags);
    await ctx.close();
  });
});
