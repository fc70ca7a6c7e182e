/**
 * Queue: one device queue, with liburing's vocabulary on the raw layer
 * (getSqe / submit / peekCqe / waitCqe / cqeSeen / sqSpaceLeft) and a
 * promise-per-request layer above it (`run`).
 *
 * Memory ordering. Ring indices are read and written only with Atomics on a
 * Uint32Array over the mapped region: a plain typed-array read of an index
 * another thread writes may be hoisted out of a loop by the JIT, and the
 * Atomics operations are sequentially consistent, which gives the release /
 * acquire pairs (and the one full barrier) the ring protocol asks for.
 */
import { CQE_STATUS, WD_SQ_NEED_WAKEUP } from './abi.js';
import { REGION_FULL } from './bounce.js';
import { Cqe } from './cqe.js';
import { DataRegion } from './data-region.js';
import { WarpdriveError, errorFromStatus, type WarpdriveErrorCode } from './errors.js';
import { Fifo } from './fifo.js';
import type { BoundOperation } from './registry.js';
import { readRingLayout } from './ring.js';
import { SlotTable } from './slots.js';
import { PROMISE_TAG, SqeWriter } from './sqe.js';

/** What a queue needs from a device queue (the addon's SoftQueue, later a uacce fd). */
export interface QueueBackend {
  readonly ring: ArrayBuffer;
  doorbell(): void;
  close(onClosed: () => void): void;
  readonly closed: boolean;
  ref?(): void;
  unref?(): void;
}

/** Per-queue counters of {@link Queue.stats}. */
export interface QueueStats {
  readonly id: number;
  /** Requests of the promise layer completed (successfully or not). */
  readonly ops: number;
  readonly errors: number;
  /** Sum of `cqe.consumed` / `cqe.produced` of promise-layer requests. */
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly inFlight: number;
  /** Highest number of requests in flight seen (never above `limit`). */
  readonly maxInFlight: number;
  /** Callers waiting for ring space. */
  readonly waiting: number;
  readonly limit: number;
  /**
   * Bytes copied through the data region (no-SVA queues: in before
   * submission, back after completion); always 0 on an SVA queue.
   */
  readonly bytesCopied: number;
}

export { PROMISE_TAG };

const STATUS_WORD = CQE_STATUS >>> 2; // word index of cqe.status inside a CQE
const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

interface Waiter {
  readonly op: BoundOperation;
  readonly request: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

interface RawWaiter {
  readonly resolve: (cqe: Cqe) => void;
  readonly reject: (reason: unknown) => void;
}

/** One submission/completion queue pair. Created by a Context. */
export class Queue {
  /** Index of this queue in its context. */
  readonly id: number;
  /** SQ depth. */
  readonly sqEntries: number;
  /** CQ depth, also the most requests that may be in flight. */
  readonly cqEntries: number;
  /** Device feature bits (`WD_FEAT_*`) from the ring header. */
  readonly features: number;

  private readonly backend: QueueBackend;
  private readonly ops: Readonly<Record<string, BoundOperation>>;
  private readonly u32: Uint32Array;
  private readonly i32: Int32Array;
  private readonly sqHeadW: number;
  private readonly sqTailW: number;
  private readonly sqFlagsW: number;
  private readonly cqHeadW: number;
  private readonly cqTailW: number;
  private readonly sqMask: number;
  private readonly cqMask: number;
  private readonly cqesW: number;
  private readonly cqeWords: number;
  private readonly writers: SqeWriter[];
  private readonly cqe: Cqe;
  private readonly slots: SlotTable;
  /** No-SVA queues only: the kernel-vetted memory every SQE address points into. */
  readonly dataRegion: DataRegion | undefined;
  private regionBlocked = false; // a waiter needs bounce space held by requests in flight
  private readonly waiters = new Fifo<Waiter>();
  private readonly rawWaiters = new Fifo<RawWaiter>();
  private readonly flushFn: () => void;
  private readonly reapFn: () => void;

  private readonly pollMs: number;
  private pollSkip = 0; // flushes left before polling again (after misses)
  private pollBackoff = 0; // current skip length; doubles per miss, 0 after a hit
  private sqTail: number; // next SQ index to hand out (published on submit)
  private cqHead: number;
  private pending = 0; // SQEs handed out, not yet submitted
  private inflight = 0; // submitted, CQE not yet reaped
  private flushScheduled = false;
  private reapScheduled = false;
  private encoding = false; // inside an encoder (start())
  private rawDelivered = -1; // CQ index last handed to a waitCqe() caller
  private referenced = true;
  private state = OPEN;
  private closeCode: WarpdriveErrorCode = 'ERR_QUEUE_CLOSED';
  private closePromise: Promise<void> | undefined;
  private nOps = 0;
  private nErrors = 0;
  private nBytesIn = 0;
  private nBytesOut = 0;
  private nMaxInFlight = 0;

  /**
   * @internal Use `createContext`; `ctx.queues` lists the queues.
   * @param open - opens the device queue, given the completion callback
   * @throws WarpdriveError `ERR_RING_LAYOUT` if the device's ring header is invalid
   */
  constructor(
    id: number,
    open: (onCompletion: () => void) => QueueBackend,
    ops: Readonly<Record<string, BoundOperation>>,
    pollMicros = 0,
  ) {
    this.id = id;
    this.ops = ops;
    this.pollMs = pollMicros / 1000;
    this.reapFn = () => {
      this.reapScheduled = false;
      this.reap();
    };
    this.flushFn = () => {
      this.flushScheduled = false;
      if (this.state !== OPEN) return;
      this.submit();
      if (this.pollMs > 0) {
        if (this.pollSkip === 0) this.poll();
        else this.pollSkip--;
      }
    };
    this.backend = open(this.reapFn);
    const ring = this.backend.ring;
    let layout;
    try {
      layout = readRingLayout(ring);
    } catch (err) {
      this.backend.close(() => {});
      throw err;
    }
    this.sqEntries = layout.sqEntries;
    this.cqEntries = layout.cqEntries;
    this.features = layout.features;
    this.u32 = new Uint32Array(ring);
    this.i32 = new Int32Array(ring);
    const u8 = new Uint8Array(ring);
    this.sqHeadW = layout.sqHead >>> 2;
    this.sqTailW = layout.sqTail >>> 2;
    this.sqFlagsW = layout.sqFlags >>> 2;
    this.cqHeadW = layout.cqHead >>> 2;
    this.cqTailW = layout.cqTail >>> 2;
    this.sqMask = layout.sqEntries - 1;
    this.cqMask = layout.cqEntries - 1;
    this.cqesW = layout.cqes >>> 2;
    this.cqeWords = layout.cqeSize >>> 2;
    this.writers = Array.from({ length: layout.sqEntries }, (_, i) => new SqeWriter(u8, this.u32, layout.sqes + i * layout.sqeSize, i));
    this.cqe = new Cqe(this.u32, this.i32);
    this.dataRegion = layout.dataBytes > 0 ? new DataRegion(ring, layout.dataOffset, layout.dataBytes) : undefined;
    this.slots = new SlotTable(layout.cqEntries, this.dataRegion);
    this.sqTail = Atomics.load(this.u32, this.sqTailW);
    this.cqHead = Atomics.load(this.u32, this.cqHeadW);
    this.setReferenced(false); // an idle queue must not keep the process alive
  }

  /** Requests submitted whose CQE has not been reaped yet. */
  get inFlight(): number {
    return this.inflight;
  }
  /** Most requests in flight at once (`cq_entries`): the device never drops a CQE. */
  get limit(): number {
    return this.cqEntries;
  }
  /** True once `close()` was called. */
  get closed(): boolean {
    return this.state !== OPEN;
  }
  /** Callers of `run` waiting for ring space (FIFO). */
  get waiting(): number {
    return this.waiters.length;
  }
  /** @internal Load figure for the least-in-flight scheduler. */
  get load(): number {
    return this.inflight + this.pending + this.waiters.length;
  }

  // ---------------------------------------------------------------- raw layer

  /**
   * The next free SQE, zeroed, or null if the SQ is full or one more request
   * would exceed `limit` in flight. Fill it, then `submit()`.
   * @throws WarpdriveError `ERR_QUEUE_CLOSED`
   */
  getSqe(): SqeWriter | null {
    if (this.state !== OPEN) throw this.closedError();
    return this.nextSqe();
  }

  /** Free SQ slots, also bounded by the in-flight limit. */
  sqSpaceLeft(): number {
    // Acquire: pairs with the device's release store of sq.head after it copied SQEs out.
    const used = (this.sqTail - Atomics.load(this.u32, this.sqHeadW)) >>> 0;
    return Math.max(0, Math.min(this.sqEntries - used, this.limit - this.inflight - this.pending));
  }

  /**
   * Publish every SQE obtained since the last submit, ringing the doorbell
   * only if the device asked for it (`WD_SQ_NEED_WAKEUP`). One doorbell per batch.
   * @returns the number of SQEs submitted
   * @throws WarpdriveError `ERR_QUEUE_CLOSED`
   */
  submit(): number {
    if (this.state !== OPEN) throw this.closedError();
    const n = this.pending;
    if (n === 0) return 0;
    // Release: the SQE bytes written above become visible before the new tail;
    // pairs with the device's acquire load of sq.tail.
    Atomics.store(this.u32, this.sqTailW, this.sqTail);
    this.pending = 0;
    this.inflight += n;
    if (this.inflight > this.nMaxInFlight) this.nMaxInFlight = this.inflight;
    if (!this.referenced) this.setReferenced(true);
    // Full barrier between the tail store and the flags load (both seq_cst
    // Atomics); pairs with the device setting NEED_WAKEUP, fencing, and
    // re-reading sq.tail before it sleeps, so no submission is missed.
    if ((Atomics.load(this.u32, this.sqFlagsW) & WD_SQ_NEED_WAKEUP) !== 0) this.backend.doorbell();
    return n;
  }

  /**
   * The CQE at the head of the CQ if it belongs to the raw layer, else null.
   * Completions of `run()` requests are reaped on the way. Valid until `cqeSeen`.
   */
  peekCqe(): Cqe | null {
    this.reap();
    return this.rawAtHead() ? this.cqe : null;
  }

  /**
   * Wait for a raw-layer CQE (see {@link Queue.peekCqe}). As in liburing,
   * waiting with nothing submitted waits until something is (an idle queue
   * does not keep the process alive).
   * @throws WarpdriveError `ERR_QUEUE_CLOSED` (rejection) if the queue closes first
   */
  waitCqe(): Promise<Cqe> {
    if (this.state !== OPEN) return Promise.reject(this.closedError());
    const cqe = this.peekCqe();
    if (cqe !== null && this.rawDelivered !== this.cqHead) {
      this.rawDelivered = this.cqHead;
      return Promise.resolve(cqe);
    }
    return new Promise<Cqe>((resolve, reject) => this.rawWaiters.push({ resolve, reject }));
  }

  /**
   * Mark the head CQE consumed, freeing its CQ slot.
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` if `cqe` is not this queue's head CQE
   */
  cqeSeen(cqe: Cqe): void {
    if (cqe !== this.cqe || !this.rawAtHead()) {
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', '`cqe` must be the CQE returned by peekCqe()/waitCqe() of this queue', {
        details: { argument: 'cqe' },
      });
    }
    this.advance(1);
    this.scheduleReap();
  }

  // ------------------------------------------------------------ promise layer

  /**
   * Run one operation: encode through its plugin, submit (batched with the
   * other requests of this tick), and settle with the decoded result.
   *
   * @param operation - operation name, e.g. `copy`
   * @param request - the operation's request object
   * @returns the decoded result
   * @throws WarpdriveError (as rejection) `ERR_QUEUE_CLOSED` / `ERR_CONTEXT_CLOSED`,
   *   `ERR_UNSUPPORTED_OPERATION` for an unknown operation, the encoder's
   *   argument errors, or the CQE status mapped by `errorFromStatus`
   */
  run<R = unknown>(operation: string, request?: unknown): Promise<R> {
    const op = typeof operation === 'string' ? this.ops[operation] : undefined;
    if (op === undefined) return Promise.reject(unknownOperation(operation, this.ops));
    return this.runOperation(op, request);
  }

  /** @internal `run` with the operation already resolved (the Context's path). */
  runOperation<R>(op: BoundOperation, request: unknown): Promise<R> {
    if (this.state !== OPEN) return Promise.reject(this.closedError());
    if (this.waiters.length === 0 && !this.encoding) {
      const sqe = this.nextSqe();
      if (sqe !== null) {
        this.slots.acquire();
        const promise = new Promise<R>(this.slots.executor as (r: (v: R) => void, j: (e: unknown) => void) => void);
        this.start(sqe, op, request);
        return promise;
      }
    }
    // Backpressure: hold only the caller's request until ring space frees up.
    // A request issued from inside an encoder waits too, and is started by
    // the reap (refill) that follows.
    return new Promise<R>((resolve, reject) => {
      this.waiters.push({ op, request, resolve: resolve as (v: unknown) => void, reject });
      if (this.encoding) this.scheduleReap();
    });
  }

  /**
   * Close the queue. Every pending promise (in flight or waiting) rejects with
   * `code`; pinned buffers are released once the device reports that no
   * engine can touch them any more. Idempotent.
   */
  close(code: WarpdriveErrorCode = 'ERR_QUEUE_CLOSED'): Promise<void> {
    if (this.closePromise !== undefined) return this.closePromise;
    this.state = CLOSING;
    this.closeCode = code;
    const error = this.closedError();
    // SQEs handed out but never published are simply taken back.
    this.sqTail = (this.sqTail - this.pending) >>> 0;
    this.pending = 0;
    const slots = this.slots;
    for (let i = 0; i < slots.size; i++) {
      const reject = slots.reject[i];
      slots.resolve[i] = undefined;
      slots.reject[i] = undefined;
      if (reject !== undefined) reject(error);
    }
    for (const w of this.waiters.drain()) w.reject(error);
    for (const w of this.rawWaiters.drain()) w.reject(error);
    // Keep the loop alive until onClosed, so `await close()` always settles.
    this.setReferenced(true);
    this.closePromise = new Promise<void>((resolve) => {
      const onClosed = (): void => {
        this.state = CLOSED;
        for (let i = 0; i < slots.size; i++) if (slots.op[i] !== undefined || slots.pins[i]!.length > 0) slots.release(i);
        this.setReferenced(false);
        resolve();
      };
      try {
        this.backend.close(onClosed);
      } catch {
        onClosed(); // the device is already gone (e.g. closed with its SoftDevice)
      }
    });
    return this.closePromise;
  }

  /** Counters of this queue. */
  stats(): QueueStats {
    return {
      id: this.id,
      ops: this.nOps,
      errors: this.nErrors,
      bytesIn: this.nBytesIn,
      bytesOut: this.nBytesOut,
      inFlight: this.inflight,
      maxInFlight: this.nMaxInFlight,
      waiting: this.waiters.length,
      limit: this.limit,
      bytesCopied: this.slots.bounce?.bytesCopied ?? 0,
    };
  }

  // ---------------------------------------------------------------- internals

  private nextSqe(): SqeWriter | null {
    if (this.inflight + this.pending >= this.cqEntries) return null;
    // Acquire: pairs with the device's release store of sq.head.
    if (((this.sqTail - Atomics.load(this.u32, this.sqHeadW)) >>> 0) >= this.sqEntries) return null;
    const sqe = this.writers[this.sqTail & this.sqMask]!;
    this.sqTail = (this.sqTail + 1) >>> 0;
    this.pending++;
    return sqe.reset();
  }

  /** Encode `request` into `sqe` for the current slot, then schedule a flush. */
  private start(sqe: SqeWriter, op: BoundOperation, request: unknown): boolean {
    const slots = this.slots;
    const slot = slots.current;
    // An encoder may run user code (request getters, proxies). A request
    // issued from there waits in the FIFO (see runOperation) instead of
    // taking a slot and an SQE now: pin() attaches to `slots.current`, and
    // the failure path below takes back the newest SQE as this one's.
    this.encoding = true;
    try {
      op.prep(sqe, request, slots.pin);
      // No-SVA: copy the pinned buffers in; refuses one the encoder's user
      // code detached after pinning it (ERR_BUFFER_DETACHED).
      slots.bounce?.commit(slot);
    } catch (err) {
      this.encoding = false;
      const resolve = slots.resolve[slot];
      const reject = slots.reject[slot];
      // Nothing was published: take the SQE back (it is the newest one),
      // unless a close() from the encoder already took every pending SQE back.
      if (this.state === OPEN) {
        this.sqTail = (this.sqTail - 1) >>> 0;
        this.pending--;
      }
      slots.release(slot);
      if (err === REGION_FULL && resolve !== undefined && reject !== undefined && this.state === OPEN) {
        // No-SVA: wait, first in line, until completions free bounce space.
        this.waiters.unshift({ op, request, resolve, reject });
        this.regionBlocked = true;
        return false;
      }
      this.nErrors++;
      reject?.(err);
      return true;
    }
    this.encoding = false;
    sqe.userDataParts(slot, PROMISE_TAG);
    slots.op[slot] = op;
    slots.request[slot] = request;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushFn);
    }
    return true;
  }

  /** Drain promise-layer CQEs from the head; stop at a raw-layer CQE. */
  private reap(): void {
    const u32 = this.u32;
    // Acquire: pairs with the device's release store of cq.tail after writing CQEs.
    const tail = Atomics.load(u32, this.cqTailW);
    let head = this.cqHead;
    if (this.state !== OPEN) {
      // Closing: every promise is already settled; just hand the CQ back.
      if (head !== tail) this.advance((tail - head) >>> 0);
      return;
    }
    const slots = this.slots;
    const cqe = this.cqe;
    let reaped = 0;
    while (head !== tail) {
      const w = this.cqesW + (head & this.cqMask) * this.cqeWords;
      const slot = u32[w]!;
      if (u32[w + 1] !== PROMISE_TAG || !slots.isLive(slot)) break; // raw-layer CQE
      cqe.w = w;
      this.complete(slot, cqe);
      head = (head + 1) >>> 0;
      reaped++;
      // A decoder may close the queue: close() settled every other request
      // (and cleared their resolvers); the closing path reaps the rest.
      if (this.state !== OPEN) break;
    }
    if (reaped !== 0) this.advance(reaped);
    if (this.state === OPEN) this.refill();
    // Closed by a decoder or by an encoder run from refill(): leave the ref
    // that keeps the loop alive until onClosed, and the raw waiters, to close().
    if (this.state !== OPEN) return;
    this.deliverRaw();
    if (this.inflight === 0 && this.pending === 0 && this.referenced) this.setReferenced(false);
  }

  private complete(slot: number, cqe: Cqe): void {
    const slots = this.slots;
    const op = slots.op[slot]!;
    const request = slots.request[slot];
    const resolve = slots.resolve[slot]!;
    const reject = slots.reject[slot]!;
    const status = this.i32[cqe.w + STATUS_WORD]!;
    const bounce = slots.bounce;
    let copyError: WarpdriveError | undefined;
    if (bounce !== undefined) {
      copyError = bounce.copyOut(slot); // before the decoder reads any output
      this.regionBlocked = false;
    }
    this.nOps++;
    this.nBytesIn += cqe.consumed;
    this.nBytesOut += cqe.produced;
    if (copyError !== undefined) {
      // An output the caller detached in flight: its bytes have nowhere to go.
      slots.release(slot);
      this.nErrors++;
      reject(copyError);
      return;
    }
    if (status !== 0 && !op.handlesErrors) {
      slots.release(slot);
      this.nErrors++;
      reject(errorFromStatus(status, cqe.detail, op.name));
      return;
    }
    let result: unknown;
    try {
      result = op.complete === undefined ? undefined : op.complete(cqe, request);
    } catch (err) {
      slots.release(slot);
      this.nErrors++;
      reject(err);
      return;
    }
    slots.release(slot);
    resolve(result);
  }

  /**
   * Busy-poll the CQ for up to `pollMicros` after a submit: a fast request
   * completes without the eventfd → event loop → callback round trip, at the
   * price of blocking this thread for that long when it does not. A miss
   * means this queue's requests currently take longer than the window (large
   * copies, compression): polling then only steals CPU from the device's
   * workers, so the next 1, 2, 4 … 64 flushes skip it; a hit resets that.
   */
  private poll(): void {
    const deadline = performance.now() + this.pollMs;
    // Acquire loads (Atomics): pairs with the device's release store of cq.tail.
    while (Atomics.load(this.u32, this.cqTailW) === this.cqHead) {
      if (performance.now() >= deadline) {
        this.pollBackoff = Math.min(64, this.pollBackoff === 0 ? 1 : this.pollBackoff * 2);
        this.pollSkip = this.pollBackoff;
        return;
      }
    }
    this.pollBackoff = 0;
    this.reap();
  }

  /** Move the CQ head forward by `n` entries. */
  private advance(n: number): void {
    this.cqHead = (this.cqHead + n) >>> 0;
    // Release: we are done reading these CQEs; pairs with the device's
    // acquire load of cq.head before it reuses their slots.
    Atomics.store(this.u32, this.cqHeadW, this.cqHead);
    this.inflight -= n;
  }

  /** Start waiting callers while there is ring space, then submit them. */
  private refill(): void {
    let started = 0;
    while (this.waiters.length !== 0 && !this.regionBlocked) {
      const sqe = this.nextSqe();
      if (sqe === null) break;
      const w = this.waiters.shift()!;
      this.slots.acquire();
      this.slots.resolve[this.slots.current] = w.resolve;
      this.slots.reject[this.slots.current] = w.reject;
      if (this.start(sqe, w.op, w.request)) started++;
    }
    if (started !== 0 && this.pending !== 0) this.submit();
  }

  private rawAtHead(): boolean {
    const tail = Atomics.load(this.u32, this.cqTailW);
    if (tail === this.cqHead) return false;
    const w = this.cqesW + (this.cqHead & this.cqMask) * this.cqeWords;
    this.cqe.w = w;
    return !(this.u32[w + 1] === PROMISE_TAG && this.slots.isLive(this.u32[w]!));
  }

  private deliverRaw(): void {
    if (this.rawWaiters.length === 0 || this.rawDelivered === this.cqHead || !this.rawAtHead()) return;
    this.rawDelivered = this.cqHead;
    this.rawWaiters.shift()!.resolve(this.cqe);
  }

  private scheduleReap(): void {
    if (this.reapScheduled) return;
    this.reapScheduled = true;
    queueMicrotask(this.reapFn);
  }

  private setReferenced(on: boolean): void {
    this.referenced = on;
    if (on) this.backend.ref?.();
    else this.backend.unref?.();
  }

  private closedError(): WarpdriveError {
    return this.closeCode === 'ERR_CONTEXT_CLOSED'
      ? new WarpdriveError('ERR_CONTEXT_CLOSED', 'the context was closed')
      : new WarpdriveError('ERR_QUEUE_CLOSED', `queue ${this.id} was closed`);
  }
}

/** The error for an operation name no plugin provides. */
export function unknownOperation(operation: unknown, ops: Readonly<Record<string, BoundOperation>>): WarpdriveError {
  if (typeof operation !== 'string') {
    return new WarpdriveError('ERR_INVALID_ARGUMENT', '`operation` must be an operation name (string)', {
      details: { argument: 'operation' },
    });
  }
  return new WarpdriveError(
    'ERR_UNSUPPORTED_OPERATION',
    `operation '${operation}' is not provided by any plugin of this context for this device (available: ${Object.keys(ops).join(', ') || 'none'})`,
    { details: { argument: 'operation', operation } },
  );
}

