/**
 * Queue affinity for engine streams. On a kernel device (backend `uacce`)
 * a stream's state lives in the handle table of the queue that created it,
 * so every request of one stream must go to that queue; the soft device's
 * handles are process-wide and need no pinning. The pinning itself is the
 * plugin kit's (`pinToOneQueue`).
 */
import type { PluginHost } from '@warpdrive/core';
import { kernelQueues, pinToOneQueue } from '@warpdrive/core/plugin-kit';
import { OP } from './opcodes.js';

/**
 * A host whose async requests all run on one queue (the least loaded one
 * now): use one per stream. Returns `host` itself where no pinning is needed.
 */
export const streamHost: (host: PluginHost) => PluginHost = pinToOneQueue;

/** Live engine streams: per queue on a kernel device, so summed over them. */
export async function liveStreams(host: PluginHost): Promise<number> {
  const queues = kernelQueues(host);
  if (queues === undefined) return host.run<number>(OP.info);
  const counts = await Promise.all(queues.filter((q) => !q.closed).map((q) => q.run<number>(OP.info)));
  return counts.reduce((a, b) => a + b, 0);
}
