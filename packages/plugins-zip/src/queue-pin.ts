/**
 * Queue affinity for engine streams. On a kernel device (backend `uacce`)
 * a stream's state lives in the handle table of the queue that created it,
 * so every request of one stream must go to that queue; the soft device's
 * handles are process-wide and need no pinning.
 */
import type { PluginHost } from '@warpdrive/core';
import { OP } from './opcodes.js';

interface QueueLike {
  readonly closed: boolean;
  readonly load: number;
  run<R = unknown>(operation: string, request?: unknown): Promise<R>;
}

interface ContextLike {
  readonly device?: { readonly backend?: string };
  readonly queues?: readonly QueueLike[];
}

/** The queues of a multi-queue kernel-device context, else undefined. */
function kernelQueues(host: PluginHost): readonly QueueLike[] | undefined {
  const c = host as unknown as ContextLike;
  return c.device?.backend === 'uacce' && c.queues !== undefined && c.queues.length > 1 ? c.queues : undefined;
}

/**
 * A host whose async requests all run on one queue (the least loaded one
 * now): use one per stream. Returns `host` itself where no pinning is needed.
 */
export function streamHost(host: PluginHost): PluginHost {
  const open = kernelQueues(host)?.filter((q) => !q.closed);
  if (open === undefined || open.length === 0) return host;
  const queue = open.reduce((a, b) => (b.load < a.load ? b : a));
  return {
    run: <R>(operation: string, request?: unknown) => queue.run<R>(operation, request),
    runSync: <R>(operation: string, request?: unknown) => host.runSync<R>(operation, request),
    onClose: (hook) => host.onClose(hook),
  };
}

/** Live engine streams: per queue on a kernel device, so summed over them. */
export async function liveStreams(host: PluginHost): Promise<number> {
  const queues = kernelQueues(host);
  if (queues === undefined) return host.run<number>(OP.info);
  const counts = await Promise.all(queues.filter((q) => !q.closed).map((q) => q.run<number>(OP.info)));
  return counts.reduce((a, b) => a + b, 0);
}
