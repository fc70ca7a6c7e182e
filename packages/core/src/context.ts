/**
 * Context: one device opened for this process, its queues, scheduler and
 * plugins. `createContext` is the SDK's entry point.
 */
import type { SoftDevice } from '@warpdrive/native';
import { WD_FEAT_SVA } from './abi.js';
import { WarpdriveError, isWarpdriveError } from './errors.js';
import { softDeviceInfo, type DeviceInfo } from './devices.js';
import { selectDevice } from './device-select.js';
import { InlineExecutor } from './inline.js';
import { getNative } from './native.js';
import type { CloseHook, CloseHost, ExtensionsOf, Plugin, PluginHost } from './plugin.js';
import { PluginRegistry, type BoundOperation } from './registry.js';
import { Queue, unknownOperation } from './queue.js';
import { createScheduler, type SchedulePolicy, type Scheduler } from './scheduler.js';
import { aggregateStats, type ContextStats } from './stats.js';
import { openUacceQueue, restrictToDevice } from './uacce.js';
import { contextOptionsSchema, parseOptions } from './validate.js';

/** Options of {@link createContext}. */
export interface ContextOptions<P extends readonly Plugin<any>[] = readonly Plugin<any>[]> {
  /** Plugins to register (explicit; may be empty). */
  readonly plugins: P;
  /**
   * 'auto' (default: the soft device, or what the environment variable
   * `WARPDRIVE_DEVICE` names), 'soft', 'uacce' (the first usable
   * `wd_soft_v1` kernel device) or a device name (`wd_soft-0`).
   */
  readonly device?: string;
  /** Queues to open, 1..64 (default 1). */
  readonly queues?: number;
  /** SQ depth per queue, a power of two in 1..32768 (default 256); CQ is twice that. */
  readonly depth?: number;
  /** Soft-device worker threads, 1..256 (default: available CPUs). Ignored for a kernel device. */
  readonly workers?: number;
  /** Queue selection policy (default 'least-in-flight'). */
  readonly schedule?: SchedulePolicy;
  /** Soft device: µs an idle worker polls before sleeping (addon default if unset). Ignored for a kernel device. */
  readonly spinMicros?: number;
  /**
   * µs the submitting thread busy-polls the CQ after each batch before
   * waiting for the completion event, 0..1000. Trades
   * CPU on the JS thread for lower single-request latency. Default 5: a
   * fast request (NOP, small COPY/CRC) is then reaped without an event-loop
   * wake-up; set 0 to rely on completion events only.
   */
  readonly pollMicros?: number;
  /**
   * Kernel devices only: open every queue in **no-SVA mode** with a data
   * region of this many bytes (4096..the driver's limit; `wd_soft` allows
   * 16 MiB unless loaded with another `max_data_mb`). The device then
   * reaches only that kernel-vetted region; buffers are copied through it
   * (counted in `stats().bytesCopied`) unless carved from it with
   * `queue.dataRegion.allocBuffer()`. A request whose buffers exceed the
   * region rejects with `ERR_INVALID_ARGUMENT`. Default: SVA mode.
   */
  readonly dataRegion?: number;
}

/** An open device with its queues. Methods of plugins are merged onto it. */
export class Context implements PluginHost {
  /** The opened device. */
  readonly device: DeviceInfo;
  /** Its queues, for liburing-level use (getSqe/submit/peekCqe...). */
  readonly queues: readonly Queue[];
  /** The context's plugins. */
  readonly plugins: readonly Plugin<any>[];
  private readonly ops: Readonly<Record<string, BoundOperation>>;
  private readonly scheduler: Scheduler<Queue>;
  private readonly single: Queue | undefined;
  private readonly soft: SoftDevice | undefined; // undefined for a uacce device
  private readonly path: string;
  private readonly inline: InlineExecutor | undefined;
  private closePromise: Promise<void> | undefined;
  private readonly closeHooks: CloseHook[] = [];

  /** @internal Use {@link createContext}. */
  constructor(device: DeviceInfo, soft: SoftDevice | undefined, queues: Queue[], registry: PluginRegistry, ops: Readonly<Record<string, BoundOperation>>, policy: SchedulePolicy) {
    this.device = device;
    this.soft = soft;
    this.queues = Object.freeze(queues);
    this.plugins = registry.plugins;
    this.ops = ops;
    // Context.close() is checked before any pick: the scheduler only finds
    // every queue closed when they were closed one by one.
    this.scheduler = createScheduler(policy, this.queues, 'ERR_QUEUE_CLOSED');
    this.single = queues.length === 1 ? queues[0] : undefined;
    this.path = `${device.name}:${device.api}:${device.backend}`;
    this.inline = soft === undefined ? undefined : new InlineExecutor(soft);
  }

  /** The device api the context's encoders target (e.g. `wd_soft_v1`). */
  get api(): string {
    return this.device.api;
  }
  /** True once `close()` was called. */
  get closed(): boolean {
    return this.closePromise !== undefined;
  }
  /** Names of the operations available on this context. */
  get operations(): string[] {
    return Object.keys(this.ops);
  }
  /** Scheduling policy in use. */
  get schedule(): SchedulePolicy {
    return this.scheduler.policy;
  }

  /**
   * Run a named operation of one of the context's plugins.
   * @param operation - e.g. `copy`
   * @param request - the operation's request object
   * @throws WarpdriveError (as rejection) `ERR_CONTEXT_CLOSED`, `ERR_QUEUE_CLOSED`
   *   (every queue was closed on its own),
   *   `ERR_INVALID_ARGUMENT`, `ERR_UNSUPPORTED_OPERATION`, the encoder's errors,
   *   or a CQE status error (`ERR_OUTPUT_TOO_SMALL`, `ERR_DATA_CORRUPT`, ...)
   */
  run<R = unknown>(operation: string, request?: unknown): Promise<R> {
    if (this.closePromise !== undefined) return Promise.reject(new WarpdriveError('ERR_CONTEXT_CLOSED', 'the context was closed'));
    return this.submit<R>(operation, request);
  }

  private submit<R>(operation: string, request: unknown): Promise<R> {
    const op = typeof operation === 'string' ? this.ops[operation] : undefined;
    if (op === undefined) return Promise.reject(unknownOperation(operation, this.ops));
    let queue = this.single;
    if (queue === undefined) {
      try {
        queue = this.scheduler.pick();
      } catch (err) {
        return Promise.reject(err); // every queue was closed one by one
      }
    }
    return queue.runOperation<R>(op, request);
  }

  /**
   * Run a named operation synchronously on the calling thread (the device's
   * inline path): same encoder, engine and decoder as {@link Context.run},
   * no queue round trip. Blocks the thread for the duration of the work, so
   * it suits small requests and the `*Sync` APIs.
   * @param operation - e.g. `crc32`
   * @param request - the operation's request object
   * @returns the decoded result
   * @throws WarpdriveError `ERR_CONTEXT_CLOSED`, `ERR_INVALID_ARGUMENT`,
   *   `ERR_UNSUPPORTED_OPERATION` (also: a uacce device has no inline path),
   *   the encoder's errors, or a CQE status error
   */
  runSync<R = unknown>(operation: string, request?: unknown): R {
    if (this.closePromise !== undefined) throw new WarpdriveError('ERR_CONTEXT_CLOSED', 'the context was closed');
    return this.execute<R>(operation, request);
  }

  private execute<R>(operation: string, request: unknown): R {
    const op = typeof operation === 'string' ? this.ops[operation] : undefined;
    if (op === undefined) throw unknownOperation(operation, this.ops);
    if (this.inline === undefined) {
      throw new WarpdriveError('ERR_UNSUPPORTED_OPERATION', `device '${this.device.name}' has no inline (synchronous) path; use the asynchronous '${op.name}'`, {
        details: { operation: op.name, device: this.device.name },
      });
    }
    return this.inline.run<R>(op, request);
  }

  /**
   * Counters: totals, per queue and per device path. Requests that ran on
   * the inline path (`runSync`) are counted under the path
   * `<device>:<api>:<backend>:inline`.
   */
  stats(): ContextStats {
    return aggregateStats(this.path, this.queues.map((q) => q.stats()), this.inline?.stats());
  }

  /** {@inheritDoc PluginHost.onClose} */
  onClose(hook: CloseHook): void {
    if (typeof hook !== 'function') throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`hook\` must be a function, got ${typeof hook}`);
    if (this.closePromise !== undefined) throw new WarpdriveError('ERR_CONTEXT_CLOSED', 'the context was closed');
    this.closeHooks.push(hook);
  }

  /**
   * Close the context: new requests reject with `ERR_CONTEXT_CLOSED` at
   * once; the plugins' close hooks (see {@link PluginHost.onClose}) release
   * their device state (requests already in flight may complete meanwhile);
   * then every queue and the device close, and requests still pending reject
   * with `ERR_CONTEXT_CLOSED`. Idempotent: later calls
   * return the same promise.
   */
  close(): Promise<void> {
    if (this.closePromise === undefined) {
      const closeQueues = (): Promise<void> =>
        Promise.all(this.queues.map((q) => q.close('ERR_CONTEXT_CLOSED'))).then(() => {
          if (this.soft !== undefined && !this.soft.closed) this.soft.close();
        });
      // Without hooks the queues close now, so requests already in flight
      // reject at once; with hooks they may still complete while hooks run.
      this.closePromise = this.closeHooks.length === 0 ? closeQueues() : this.runCloseHooks().then(closeQueues);
    }
    return this.closePromise;
  }

  private async runCloseHooks(): Promise<void> {
    const host: CloseHost = {
      run: (operation, request) => this.submit(operation, request),
      runSync: (operation, request) => this.execute(operation, request),
      hasInline: this.inline !== undefined,
    };
    for (const hook of this.closeHooks.splice(0)) {
      try {
        await hook(host);
      } catch (err) {
        // A queue closed on its own already released what the hook meant to.
        if (isWarpdriveError(err) && err.code === 'ERR_QUEUE_CLOSED') continue;
        process.emitWarning(`warpdrive: a plugin close hook failed: ${(err as Error)?.message ?? String(err)}`, { code: 'WARPDRIVE_CLOSE_HOOK', detail: String((err as Error)?.stack ?? '') });
      }
    }
  }
}

/** A context with the methods of the plugins `P`. */
export type ContextWith<P extends readonly Plugin<any>[]> = Context & ExtensionsOf<P>;

/** Load every plugin's soft engines; returns the algorithms of the plugins that brought one. */
function loadEngines(soft: SoftDevice, plugins: readonly Plugin<any>[]): string[] {
  const algorithms: string[] = [];
  for (const plugin of plugins) {
    let loaded = false;
    for (const engine of plugin.softEngines ?? []) {
      try {
        soft.loadEngine(engine.library, engine.symbol);
      } catch (err) {
        throw new WarpdriveError('ERR_PLUGIN', `plugin '${plugin.name}': cannot load soft engine ${engine.symbol} from ${engine.library}: ${(err as Error).message}`, {
          cause: err,
          details: { plugin: plugin.name, library: engine.library, symbol: engine.symbol },
        });
      }
      loaded = true;
    }
    if (loaded) algorithms.push(...plugin.algorithms);
  }
  return algorithms;
}

function applyExtensions(ctx: Context, plugins: readonly Plugin<any>[]): void {
  const owner = new Map<string, string>();
  for (const plugin of plugins) {
    if (plugin.extend === undefined) continue;
    const ext = plugin.extend(ctx) as Record<string, unknown>;
    if (ext === null || typeof ext !== 'object') {
      throw new WarpdriveError('ERR_PLUGIN', `plugin '${plugin.name}': extend() must return an object of methods`, { details: { plugin: plugin.name } });
    }
    for (const key of Object.keys(ext)) {
      if (key in ctx || owner.has(key)) {
        const by = owner.get(key);
        throw new WarpdriveError('ERR_PLUGIN', `plugin '${plugin.name}': method '${key}' conflicts with ${by === undefined ? 'a Context member' : `plugin '${by}'`}`, {
          details: { plugin: plugin.name, method: key },
        });
      }
      owner.set(key, plugin.name);
    }
    Object.assign(ctx, ext);
  }
}

/**
 * Open a device and its queues.
 *
 * @param options - see {@link ContextOptions}; `plugins` is required
 * @returns the context, typed with every plugin's methods (`ctx.copy`, ...)
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` (bad option, named),
 *   `ERR_PLUGIN` (plugin conflict, engine load failure),
 *   `ERR_DEVICE_NOT_FOUND`, `ERR_UNSUPPORTED_OPERATION` (a uacce device of
 *   an api other than `wd_soft_v1`), `ERR_INVALID_ARGUMENT` (bad options,
 *   `dataRegion` on the soft device), `ERR_NATIVE_UNAVAILABLE`,
 *   `ERR_RING_LAYOUT`, `ERR_DEVICE_BUSY` (the device or a queue could not be
 *   started, e.g. no kernel queue left)
 */
export async function createContext<const P extends readonly Plugin<any>[]>(options: ContextOptions<P>): Promise<ContextWith<P>> {
  return createContextSync(options);
}

/**
 * {@link createContext} for synchronous callers (e.g. a `*Sync` API that
 * must open its context on first use). Opening the soft device does not
 * wait on anything, so both forms do the same work.
 *
 * @throws WarpdriveError as {@link createContext}, synchronously
 */
export function createContextSync<const P extends readonly Plugin<any>[]>(options: ContextOptions<P>): ContextWith<P> {
  const o = parseOptions(contextOptionsSchema, options, 'options');
  const registry = new PluginRegistry();
  o.plugins.forEach((plugin, i) => registry.register(plugin as Plugin<any>, `options.plugins.${i}`));
  let device = selectDevice(o.device);
  const native = getNative();
  // The in-process device (worker threads, soft engines) only for 'soft';
  // a kernel device's engines are in the driver.
  let soft: SoftDevice | undefined;
  if (o.dataRegion !== undefined && device.backend !== 'uacce') {
    throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`options.dataRegion\` applies to kernel (uacce) devices only; device '${device.name}' is the in-process soft device, which reaches buffers by address`, {
      details: { argument: 'options.dataRegion', device: device.name },
    });
  }
  if (device.backend === 'soft') {
    try {
      soft = new native.SoftDevice({
        workers: o.workers ?? Math.min(256, Math.max(1, native.availableCpus())),
        ...(o.spinMicros === undefined ? {} : { spinMicros: o.spinMicros }),
      });
    } catch (err) {
      throw new WarpdriveError('ERR_DEVICE_BUSY', `cannot start the soft device: ${(err as Error).message}`, { cause: err });
    }
  }
  const queues: Queue[] = [];
  try {
    // The soft device runs what its engines run: built-ins plus those loaded now.
    if (soft !== undefined) device = softDeviceInfo(loadEngines(soft, registry.plugins));
    const bound = registry.bind(device.api);
    const ops = soft === undefined ? restrictToDevice(bound, registry.plugins, device) : bound;
    for (let i = 0; i < o.queues; i++) {
      const open = (onCompletion: () => void) =>
        soft !== undefined
          ? soft.openQueue({ sqEntries: o.depth, onCompletion })
          : openUacceQueue(native, device, o.depth, onCompletion, o.dataRegion ?? 0);
      const queue = new Queue(i, open, ops, o.pollMicros);
      queues.push(queue);
      // Encoders get process VAs from pin() on SVA queues, region offsets on no-SVA ones.
      if ((queue.features & WD_FEAT_SVA) === 0 && queue.dataRegion === undefined) {
        throw new WarpdriveError('ERR_RING_LAYOUT', 'the device queue is neither in SVA mode nor has a data region', {
          details: { features: queue.features },
        });
      }
    }
    const ctx = new Context(device, soft, queues, registry, ops, o.schedule);
    applyExtensions(ctx, registry.plugins);
    return ctx as ContextWith<P>;
  } catch (err) {
    // Nothing was submitted yet, so closing needs no waiting: the queues
    // settle their (empty) close on the loop, the device joins its workers now.
    for (const q of queues) void q.close();
    if (soft !== undefined && !soft.closed) soft.close();
    if (isWarpdriveError(err)) throw err;
    throw new WarpdriveError('ERR_DEVICE_BUSY', `cannot open the device: ${(err as Error).message}`, { cause: err });
  }
}
