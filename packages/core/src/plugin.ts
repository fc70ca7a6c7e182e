/**
 * The typed plugin interface (DESIGN §5).
 *
 * A plugin declares its algorithms and operations; each operation has an
 * opcode and, per device `api`, an encoder (`prep`: request → SQE, pinning
 * every buffer the SQE references) and a decoder (`complete`: CQE → result).
 * Core owns queues, scheduling, pinning, lifecycle and errors.
 */
import type { Cqe } from './cqe.js';
import type { PinAccess } from './data-region.js';
import type { BufferInput } from './memory.js';
import type { SqeWriter } from './sqe.js';

export type { PinAccess };

/**
 * Pins `buffer` until the request's CQE is reaped and returns its address
 * for an SQE field.
 *
 * On an SVA queue the address is the buffer's own virtual address. On a
 * no-SVA queue (a kernel device opened with `dataRegion`) it is an offset
 * into the queue's data region: the buffer is copied there after `prep`
 * returns and, unless `access` is `'read'`, copied back before `complete`
 * runs — so fill a buffer before or after pinning it, as you like, but only
 * inside `prep`.
 *
 * @param buffer - the buffer the SQE will reference
 * @param name - argument name for errors (e.g. `src`)
 * @param access - what the device does with it (default `'readwrite'`):
 *   `'read'` input, `'write'` output, `'readwrite'` both; on no-SVA queues
 *   it saves copies, on SVA queues it is ignored
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` (not a buffer, or, on the
 *   queued path, backed by a resizable ArrayBuffer that could shrink while
 *   in flight, or a no-SVA request larger than the data region),
 *   `ERR_BUFFER_DETACHED` (detached)
 */
export type PinFn = (buffer: BufferInput, name?: string, access?: PinAccess) => number;

/** Encoder/decoder of one operation for one device api. */
export interface OperationCodec<Req = unknown, Res = unknown> {
  /**
   * Validate `request` and write the SQE (opcode included; the slot is
   * already zeroed and `user_data` is set by core afterwards). Throw a
   * WarpdriveError to reject the request before submission.
   */
  prep(sqe: SqeWriter, request: Req, pin: PinFn): void;
  /**
   * Turn a successful CQE into the result. Unless {@link handlesErrors} is
   * set, core maps a non-zero status with `errorFromStatus` and does not call
   * this. The view is valid only during the call.
   */
  complete?(cqe: Cqe, request: Req): Res;
  /** If true, `complete` also receives failed CQEs (status ≠ 0). */
  handlesErrors?: boolean;
}

/** One operation of a plugin. */
export interface PluginOperation<Req = unknown, Res = unknown> {
  /** Opcode 0x00..0xff, inside the plugin family's range of wd_soft.h. */
  readonly opcode: number;
  /** Codec per device api, e.g. `{ wd_soft_v1: {...} }`. */
  readonly api: Readonly<Record<string, OperationCodec<Req, Res>>>;
}

/** A shared library registered into the soft device with `loadEngine`. */
export interface SoftEngine {
  /** Path of the shared library (.so). */
  readonly library: string;
  /** Exported `wd_engine_get_fn` symbol. */
  readonly symbol: string;
}

/** The minimum a plugin's `extend` can rely on (the full Context). */
export interface PluginHost {
  /** Run a named operation; see Context.run. */
  run<R = unknown>(operation: string, request?: unknown): Promise<R>;
  /** Run a named operation synchronously on the inline path; see Context.runSync. */
  runSync<R = unknown>(operation: string, request?: unknown): R;
  /**
   * Register a hook that {@link Context.close} awaits before it closes the
   * queues: the place to release per-context device state (sessions, stream
   * handles). The hook receives a {@link CloseHost} that can still submit
   * operations while every other caller already gets `ERR_CONTEXT_CLOSED`.
   * Hooks run in registration order; one that throws or rejects does not stop
   * the others or the close (its error is reported through
   * `process.emitWarning`). Registering on a closed context throws
   * `ERR_CONTEXT_CLOSED`.
   * @param hook - the release function
   */
  onClose(hook: CloseHook): void;
}

/** What a close hook may still use: the operations of its context. */
export interface CloseHost {
  /** Like PluginHost.run, still open while the context closes. */
  run<R = unknown>(operation: string, request?: unknown): Promise<R>;
  /** Like PluginHost.runSync (inline path), still open while the context closes. */
  runSync<R = unknown>(operation: string, request?: unknown): R;
  /** Does the device have an inline (synchronous) path? */
  readonly hasInline: boolean;
}

/** A function run by Context.close() before the queues close. */
export type CloseHook = (host: CloseHost) => void | Promise<void>;

/** A plugin object, as returned by a plugin factory. `Ext` are the methods it adds to a context. */
export interface Plugin<Ext extends object = object> {
  /** Unique plugin name. */
  readonly name: string;
  /** Algorithm names it provides (unique across a context's plugins). */
  readonly algorithms: readonly string[];
  /** Operations keyed by name (unique across a context's plugins). */
  readonly operations: Readonly<Record<string, PluginOperation<any, any>>>;
  /** Engines for the in-process soft device. */
  readonly softEngines?: readonly SoftEngine[];
  /** High-level methods merged onto the context. */
  extend?(ctx: PluginHost): Ext;
}

/** Methods a plugin adds to a context. */
export type ExtOf<P> = P extends Plugin<infer E> ? E : never;

/** `A | B` → `A & B`. */
export type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** Intersection of the extensions of a tuple of plugins (`unknown` for none). */
export type ExtensionsOf<P extends readonly Plugin<any>[]> = [P[number]] extends [never]
  ? unknown
  : UnionToIntersection<ExtOf<P[number]>>;

/**
 * Identity helper that infers a plugin's extension type.
 *
 * @example
 * export default function myPlugin() {
 *   return definePlugin({ name: 'mine', algorithms: [], operations: {}, extend: (ctx) => ({ hello: () => 1 }) });
 * }
 */
export function definePlugin<Ext extends object = object>(plugin: Plugin<Ext>): Plugin<Ext> {
  return plugin;
}
