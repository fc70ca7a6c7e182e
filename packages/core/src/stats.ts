/**
 * Aggregated statistics of a context.
 */
import type { InlineStats } from './inline.js';
import type { QueueStats } from './queue.js';

/** Counters of one device path (`<device>:<api>:<backend>`). */
export interface PathStats {
  readonly ops: number;
  readonly errors: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Bytes the SDK itself copied (no-SVA bounce buffers): 0 on SVA. */
  readonly bytesCopied: number;
}

/** What `ctx.stats()` returns. */
export interface ContextStats extends PathStats {
  readonly perQueue: readonly QueueStats[];
  /** Keyed `<device name>:<api>:<backend>`, e.g. `soft:wd_soft_v1:soft`. */
  readonly perPath: Readonly<Record<string, PathStats>>;
}

/**
 * Sum queue counters into context stats: the queued requests under `path`,
 * the inline ones (if any ran) under `<path>:inline`.
 */
export function aggregateStats(path: string, perQueue: QueueStats[], inline?: InlineStats): ContextStats {
  let ops = 0, errors = 0, bytesIn = 0, bytesOut = 0, bytesCopied = 0;
  for (const q of perQueue) {
    ops += q.ops;
    errors += q.errors;
    bytesIn += q.bytesIn;
    bytesOut += q.bytesOut;
    bytesCopied += q.bytesCopied;
  }
  const queued: PathStats = { ops, errors, bytesIn, bytesOut, bytesCopied };
  const perPath: Record<string, PathStats> = { [path]: queued };
  if (inline === undefined || (inline.ops === 0 && inline.errors === 0)) return { ...queued, perQueue, perPath };
  perPath[`${path}:inline`] = { ...inline, bytesCopied: 0 };
  return {
    ops: ops + inline.ops,
    errors: errors + inline.errors,
    bytesIn: bytesIn + inline.bytesIn,
    bytesOut: bytesOut + inline.bytesOut,
    bytesCopied,
    perQueue,
    perPath,
  };
}
