/**
 * The sessions open on one context, so that closing the context closes
 * them (the engine zeroizes their keys) instead of leaving their state in
 * the engine until the process exits.
 *
 * Sessions are held weakly: a session the caller dropped must stay
 * collectable (its FinalizationRegistry entry then closes it). The close
 * hook closes every live session through the hook's host, which can still
 * submit while the context refuses everybody else.
 */
import type { CloseHost, PluginHost } from '@warpdrive/core';

/**
 * What the table needs of a session: its close, which submits through
 * `table.closing` once that is set (waiting for its in-flight work first).
 */
export interface Closable {
  close(): Promise<void>;
}

/** Runs a session close request by handle (when the session object is gone). */
export type CloseByHandle = (host: CloseHost, handle: number | bigint) => Promise<void>;

/** Live sessions of one context. */
export class SessionTable {
  private readonly live = new Map<number | bigint, WeakRef<Closable>>();
  /** Set once the context began closing: the only host that still submits. */
  closing: CloseHost | undefined;

  constructor(host: PluginHost, closeHandle: CloseByHandle) {
    host.onClose(async (closeHost) => {
      this.closing = closeHost;
      const all = [...this.live].map(([handle, ref]) => {
        const session = ref.deref();
        return session === undefined ? closeHandle(closeHost, handle) : session.close();
      });
      this.live.clear();
      const failed = (await Promise.allSettled(all)).find((r) => r.status === 'rejected');
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    });
  }

  add(handle: number | bigint, session: Closable): void {
    this.live.set(handle, new WeakRef(session));
  }

  /**
   * `session` closed (or, undefined, was collected): nothing left to free at
   * context close. Only its own entry goes: the engine may already have
   * handed the same handle to a newer session.
   */
  delete(handle: number | bigint, session: Closable | undefined): void {
    if (this.live.get(handle)?.deref() === session) this.live.delete(handle);
  }
}
