/**
 * Scheduler: picks the queue of each request among a context's queues.
 */
import { WarpdriveError, type WarpdriveErrorCode } from './errors.js';
import { formatValue } from './validate.js';

/** What a scheduler needs to know about a queue. */
export interface SchedulableQueue {
  readonly closed: boolean;
  /** Requests in flight + pending + waiting. */
  readonly load: number;
}

/** Scheduling policy. */
export type SchedulePolicy = 'round-robin' | 'least-in-flight';

/** Picks a queue per request. */
export interface Scheduler<Q extends SchedulableQueue = SchedulableQueue> {
  readonly policy: SchedulePolicy;
  /**
   * The queue for the next request.
   * @throws WarpdriveError `closedCode` if every queue is closed
   */
  pick(): Q;
}

function allClosed(code: WarpdriveErrorCode): WarpdriveError {
  return new WarpdriveError(code, code === 'ERR_CONTEXT_CLOSED' ? 'the context was closed' : 'every queue is closed');
}

/** Cycle through the open queues in order. */
class RoundRobin<Q extends SchedulableQueue> implements Scheduler<Q> {
  readonly policy = 'round-robin' as const;
  private next = 0;
  constructor(private readonly queues: readonly Q[], private readonly closedCode: WarpdriveErrorCode) {}
  pick(): Q {
    const n = this.queues.length;
    for (let tries = 0; tries < n; tries++) {
      const q = this.queues[this.next]!;
      this.next = this.next + 1 === n ? 0 : this.next + 1;
      if (!q.closed) return q;
    }
    throw allClosed(this.closedCode);
  }
}

/** The open queue with the fewest requests in flight, pending or waiting (first on ties). */
class LeastInFlight<Q extends SchedulableQueue> implements Scheduler<Q> {
  readonly policy = 'least-in-flight' as const;
  constructor(private readonly queues: readonly Q[], private readonly closedCode: WarpdriveErrorCode) {}
  pick(): Q {
    let best: Q | undefined;
    let bestLoad = Infinity;
    for (const q of this.queues) {
      if (q.closed) continue;
      const load = q.load;
      if (load < bestLoad) {
        best = q;
        bestLoad = load;
        if (load === 0) break;
      }
    }
    if (best === undefined) throw allClosed(this.closedCode);
    return best;
  }
}

/**
 * Create a scheduler over `queues`.
 * @param policy - 'round-robin' or 'least-in-flight'
 * @param queues - the candidate queues (read at every pick, so closing one is seen)
 * @param closedCode - error code when every queue is closed
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` for an unknown policy or a non-array `queues`
 */
export function createScheduler<Q extends SchedulableQueue>(
  policy: SchedulePolicy,
  queues: readonly Q[],
  closedCode: WarpdriveErrorCode = 'ERR_QUEUE_CLOSED',
): Scheduler<Q> {
  if (policy !== 'round-robin' && policy !== 'least-in-flight') {
    throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`policy\` must be 'round-robin' or 'least-in-flight', got ${formatValue(policy)}`, {
      details: { argument: 'policy' },
    });
  }
  if (!Array.isArray(queues)) {
    throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`queues\` must be an array of queues, got ${formatValue(queues)}`, {
      details: { argument: 'queues' },
    });
  }
  return policy === 'round-robin' ? new RoundRobin(queues, closedCode) : new LeastInFlight(queues, closedCode);
}
