/**
 * Plugin close hooks (PluginHost.onClose): Context.close() awaits them
 * before the queues close, they can still submit operations while everyone
 * else gets ERR_CONTEXT_CLOSED, and one failing hook does not stop the rest.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coreOps, createContext, createContextSync, definePlugin, type CloseHook, type PluginHost } from '../src/index.js';

/** A plugin whose extension exposes the host so a test can register hooks. */
const hostGrabber = () => definePlugin({ name: 'grab', algorithms: [], operations: {}, extend: (host: PluginHost) => ({ host: () => host }) });

const open = () => createContext({ plugins: [coreOps(), hostGrabber()], workers: 1 });

afterEach(() => vi.restoreAllMocks());

describe('Context close hooks', () => {
  it('run in registration order before the queues close, and can still submit work', async () => {
    const ctx = await open();
    const seen: string[] = [];
    ctx.host().onClose(async (h) => {
      const crc = await h.run<number>('crc32', { data: Buffer.from('abc') });
      seen.push(`first:${crc.toString(16)}`);
    });
    ctx.host().onClose((h) => {
      seen.push(`second:inline=${h.hasInline}`);
      h.runSync('nop');
    });
    await ctx.close();
    expect(seen).toEqual(['first:352441c2', 'second:inline=true']);
    expect(ctx.queues.every((q) => q.closed)).toBe(true);
  });

  it('rejects new user requests at once while the hooks run', async () => {
    const ctx = await open();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    ctx.host().onClose(() => gate);
    const closing = ctx.close();
    await expect(ctx.nop()).rejects.toMatchObject({ code: 'ERR_CONTEXT_CLOSED' });
    expect(() => ctx.crc32Sync(Buffer.from('x'))).toThrowError(expect.objectContaining({ code: 'ERR_CONTEXT_CLOSED' }));
    release();
    await closing;
  });

  it('a throwing or rejecting hook warns and does not stop the others or the close', async () => {
    const ctx = await open();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const ran: number[] = [];
    ctx.host().onClose(() => { ran.push(1); throw new Error('boom'); });
    ctx.host().onClose(async () => { ran.push(2); await Promise.reject(new Error('bang')); });
    ctx.host().onClose(() => { ran.push(3); });
    await expect(ctx.close()).resolves.toBeUndefined();
    expect(ran).toEqual([1, 2, 3]);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[0]![0])).toMatch(/close hook failed: boom/);
  });

  it('hooks run once; close() stays idempotent', async () => {
    const ctx = createContextSync({ plugins: [coreOps(), hostGrabber()], workers: 1 });
    const hook = vi.fn<CloseHook>();
    ctx.host().onClose(hook);
    const a = ctx.close();
    const b = ctx.close();
    expect(a).toBe(b);
    await a;
    expect(hook).toHaveBeenCalledTimes(1);
  });

  it('rejects a non-function hook and registration on a closed context', async () => {
    const ctx = await open();
    expect(() => ctx.host().onClose('nope' as unknown as CloseHook)).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/`hook` must be a function/) }));
    await ctx.close();
    expect(() => ctx.host().onClose(() => {})).toThrowError(expect.objectContaining({ code: 'ERR_CONTEXT_CLOSED' }));
  });
});
