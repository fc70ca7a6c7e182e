/**
 * Where a plugin's requests run: the inline (synchronous) path or a queue,
 * and, for state the device keeps per queue, always the same queue.
 *
 * The soft device has an inline path (`runSync`) and process-wide handle
 * tables. A kernel device (backend `uacce`) has neither: every request goes
 * through a queue, and the driver keeps sessions and streams in the handle
 * table of the queue that created them, so every request of one session or
 * stream must go to that queue.
 */
import type { PluginHost } from '../plugin.js';

interface QueueLike {
  readonly closed: boolean;
  readonly load: number;
  run<R = unknown>(operation: string, request?: unknown): Promise<R>;
}
interface DeviceHost extends PluginHost {
  readonly device?: { readonly backend?: string };
  readonly queues?: readonly QueueLike[];
}

const PINNED = Symbol('warpdrive.kit.queuePinned');

/** True unless `host` is a context on a kernel device (which has no inline path). */
export function hasInlinePath(host: PluginHost): boolean {
  return (host as DeviceHost).device?.backend !== 'uacce';
}

/**
 * Should a request of `length` input bytes run inline? Below `inlineBelow`
 * a queue round trip costs more than the work; a kernel device has no
 * inline path at all.
 */
export function runsInline(host: PluginHost, length: number, inlineBelow: number): boolean {
  return length < inlineBelow && hasInlinePath(host);
}

/** The open queues of a multi-queue kernel-device context, else undefined. */
export function kernelQueues(host: PluginHost): readonly QueueLike[] | undefined {
  const c = host as DeviceHost;
  return c.device?.backend === 'uacce' && c.queues !== undefined && c.queues.length > 1 ? c.queues : undefined;
}

/**
 * A host whose async requests all run on one queue (the least loaded open
 * one now): take one per session or stream whose device state lives in a
 * queue. Returns `host` itself where no pinning is needed (soft device, one
 * queue, or every queue closed — the context then gives its own error).
 */
export function pinToOneQueue(host: PluginHost): PluginHost {
  const queues = kernelQueues(host);
  if (queues === undefined) return host;
  let best: QueueLike | undefined;
  for (const q of queues) if (!q.closed && (best === undefined || q.load < best.load)) best = q;
  if (best === undefined) return host;
  const queue = best;
  const pinned: PluginHost & { readonly [PINNED]: true } = {
    run: <R>(operation: string, request?: unknown) => queue.run<R>(operation, request),
    runSync: <R>(operation: string, request?: unknown) => host.runSync<R>(operation, request),
    onClose: (hook) => host.onClose(hook),
    [PINNED]: true,
  };
  return pinned;
}

/**
 * Is `host` one queue of a kernel context (from {@link pinToOneQueue})? Its
 * `run` still submits while the context closes (queues close only after the
 * close hooks), so state kept there is released through it even then.
 */
export function isPinnedToQueue(host: PluginHost): boolean {
  return (host as { [PINNED]?: true })[PINNED] === true;
}
