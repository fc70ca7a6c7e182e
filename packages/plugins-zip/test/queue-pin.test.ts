/**
 * Queue pinning of engine streams (src/queue-pin.ts) with stand-in contexts:
 * on a multi-queue kernel context every request of one stream goes to the
 * queue picked when it started, and zipLiveStreams sums INFO over queues;
 * on the soft device the host is used as is.
 */
import type { PluginHost } from '@warpdrive/core';
import { describe, expect, it } from 'vitest';
import { OP } from '../src/opcodes.js';
import { liveStreams, streamHost } from '../src/queue-pin.js';

function fakeQueue(id: number, load: number, log: string[]) {
  return {
    closed: false,
    load,
    run: <R>(operation: string): Promise<R> => {
      log.push(`${id}:${operation}`);
      return Promise.resolve((operation === OP.info ? id + 1 : 0) as R);
    },
  };
}

function fakeHost(backend: string, loads: number[], log: string[]): PluginHost {
  return {
    device: { backend },
    queues: loads.map((l, i) => fakeQueue(i, l, log)),
    run: <R>(operation: string): Promise<R> => {
      log.push(`ctx:${operation}`);
      return Promise.resolve(7 as R);
    },
    runSync: <R>(): R => 0 as R,
  } as unknown as PluginHost;
}

describe('stream queue pinning', () => {
  it('a kernel context: one stream stays on the least loaded queue; INFO is summed', async () => {
    const log: string[] = [];
    const host = fakeHost('uacce', [3, 1, 2], log);
    const pinned = streamHost(host);
    for (const op of [OP.streamInit, OP.streamDeflate, OP.streamDeflate, OP.streamEnd]) await pinned.run(op);
    expect(log).toEqual([`1:${OP.streamInit}`, `1:${OP.streamDeflate}`, `1:${OP.streamDeflate}`, `1:${OP.streamEnd}`]);
    expect(await liveStreams(host)).toBe(1 + 2 + 3);
  });

  it('the soft device and single-queue contexts are not wrapped', async () => {
    const log: string[] = [];
    const soft = fakeHost('soft', [0, 0], log);
    expect(streamHost(soft)).toBe(soft);
    expect(await liveStreams(soft)).toBe(7);
    const one = fakeHost('uacce', [0], log);
    expect(streamHost(one)).toBe(one);
  });
});
