/**
 * What the plugin adapts to the device behind its context. The soft device
 * has an inline path (`runSync`) and one process-wide session table; a
 * kernel device (`/dev/wd_soft-N`, backend 'uacce') has neither: every
 * request goes through a queue, and the driver keeps sessions per queue, so
 * a session's requests must all go to the queue that opened it.
 */
import type { PluginHost } from '@warpdrive/core';

/** The parts of a Context the plugin looks at (absent on a bare host). */
interface QueueLike {
  readonly closed: boolean;
  readonly inFlight: number;
  run<R = unknown>(operation: string, request?: unknown): Promise<R>;
}
interface DeviceHost extends PluginHost {
  readonly device?: { readonly backend?: string };
  readonly queues?: readonly QueueLike[];
}

const PINNED = Symbol('warpdrive.crypto.queuePinned');

/** True unless the context is on a kernel device (no inline path there). */
export function hasInline(host: PluginHost): boolean {
  return (host as DeviceHost).device?.backend !== 'uacce';
}

/**
 * The host a new session runs on: the context itself, or on a kernel device
 * with several queues, one queue (the least busy open one), so the session
 * is opened, used and closed where its handle is valid.
 */
export function sessionHost(host: PluginHost): PluginHost {
  const queues = (host as DeviceHost).queues;
  if (hasInline(host) || queues === undefined || queues.length <= 1) return host;
  let best: QueueLike | undefined;
  for (const q of queues) if (!q.closed && (best === undefined || q.inFlight < best.inFlight)) best = q;
  if (best === undefined) return host; // every queue closed: the context's own error
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
 * Is `host` one queue of a kernel context (from {@link sessionHost})? Its
 * run() still submits while the context closes (the queues close only after
 * the close hooks), and it is the only queue where the session's handle is
 * valid, so a session closes through it even then.
 */
export function isPinned(host: PluginHost): boolean {
  return (host as { [PINNED]?: true })[PINNED] === true;
}
