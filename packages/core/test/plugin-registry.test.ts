import { describe, expect, it } from 'vitest';
import { coreOps } from '../src/plugins/core-ops.js';
import { definePlugin, type Plugin } from '../src/plugin.js';
import { PluginRegistry } from '../src/registry.js';

const prep = () => {};
function plugin(name: string, ops: Record<string, number>, algorithms: string[] = []): Plugin {
  return definePlugin({
    name,
    algorithms,
    operations: Object.fromEntries(Object.entries(ops).map(([op, opcode]) => [op, { opcode, api: { wd_soft_v1: { prep } } }])),
  });
}

function expectPluginError(fn: () => void, message: RegExp): void {
  expect(fn).toThrowError(expect.objectContaining({ code: 'ERR_PLUGIN', message: expect.stringMatching(message) }));
}

describe('PluginRegistry', () => {
  it('accepts coreOps and a third-party plugin side by side', () => {
    const r = new PluginRegistry();
    r.register(coreOps());
    r.register(plugin('mine', { frob: 0xe0 }, ['frob']));
    expect(r.algorithms).toEqual(['nop', 'copy', 'crc32', 'frob']);
    expect(Object.keys(r.bind('wd_soft_v1'))).toEqual(['nop', 'copy', 'crc32', 'frob']);
    expect(Object.keys(r.bind('hisi_qm_v2'))).toEqual([]);
  });

  it('rejects a duplicate plugin name', () => {
    const r = new PluginRegistry();
    r.register(coreOps());
    expectPluginError(() => r.register(coreOps()), /plugin named 'core' is already registered/);
  });

  it('rejects a duplicate algorithm name', () => {
    const r = new PluginRegistry();
    r.register(coreOps());
    expectPluginError(() => r.register(plugin('other', { x: 0xe0 }, ['crc32'])), /algorithm 'crc32' is already provided by plugin 'core'/);
  });

  it('rejects an opcode claimed twice, across plugins and inside one', () => {
    const r = new PluginRegistry();
    r.register(coreOps());
    expectPluginError(() => r.register(plugin('other', { mycopy: 0x01 })), /opcode 0x1 .* already claimed by 'core'/);
    expectPluginError(() => r.register(plugin('twice', { a: 0xe1, b: 0xe1 })), /opcode 0xe1 of operation 'b'/);
  });

  it('rejects a duplicate operation name', () => {
    const r = new PluginRegistry();
    r.register(coreOps());
    expectPluginError(() => r.register(plugin('other', { copy: 0xe0 })), /operation 'copy' is already provided/);
  });

  it('rejects opcodes outside 0x00–0xff', () => {
    const r = new PluginRegistry();
    expectPluginError(() => r.register(plugin('big', { x: 0x100 })), /outside 0x00–0xff/);
    expectPluginError(() => r.register(plugin('neg', { x: -1 })), /outside 0x00–0xff/);
    expectPluginError(() => r.register(plugin('frac', { x: 1.5 })), /outside 0x00–0xff/);
  });

  it('leaves the registry unchanged after a rejected plugin', () => {
    const r = new PluginRegistry();
    r.register(coreOps());
    expect(() => r.register(plugin('other', { ok: 0xe0, bad: 0x02 }, ['ok']))).toThrow();
    r.register(plugin('other', { ok: 0xe0 }, ['ok']));
    expect(r.algorithms).toContain('ok');
  });

  it('rejects a value that is not a plugin with ERR_INVALID_ARGUMENT naming it', () => {
    const r = new PluginRegistry();
    expect(() => r.register(42 as never, 'options.plugins.0')).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/^`options\.plugins\.0` must be a plugin object/) }));
    expect(() => r.register({ name: 'x', algorithms: [], operations: { a: { opcode: 1, api: { wd_soft_v1: {} } } } } as never, 'p')).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/`p\.operations\.a\.api\.wd_soft_v1/) }));
  });
});
