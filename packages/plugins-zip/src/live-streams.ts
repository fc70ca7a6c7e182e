/**
 * The engine streams one context owns, so that closing that context frees
 * them (PluginHost.onClose), not only unloading the engine library when the
 * last context closes.
 *
 * Owners are held weakly: a stream the user dropped must stay collectable so
 * its FinalizationRegistry clean-up can run.
 */
import type { CloseHost, PluginHost } from '@warpdrive/core';
import { OP, ZIP_DETAIL } from './opcodes.js';

/** What the close hook needs from a stream object that owns a handle. */
export interface HandleOwner {
  /** End the handle once the request in flight (if any) is done; the context is closing. */
  release(contextClosed: boolean): Promise<void>;
}

const BUSY_RETRIES = 50;

/** Live engine stream handles of one context. */
export class LiveStreams {
  private readonly handles = new Map<number, WeakRef<HandleOwner> | undefined>();
  private readonly inits = new Set<Promise<unknown>>();
  /** Set once the context is closing: clean-up requests go through it. */
  private closing: CloseHost | undefined;

  constructor(private readonly host: PluginHost) {
    host.onClose((closeHost) => this.closeAll(closeHost));
  }

  /** Track a STREAM_INIT in flight (its handle is added when it settles). */
  trackInit<T>(init: Promise<T>): Promise<T> {
    this.inits.add(init);
    const done = (): void => {
      this.inits.delete(init);
    };
    init.then(done, done);
    return init;
  }

  add(handle: number, owner?: HandleOwner): void {
    this.handles.set(handle, owner === undefined ? undefined : new WeakRef(owner));
  }

  /** `handle` was ended by its owner. */
  forget(handle: number): void {
    this.handles.delete(handle);
  }

  /**
   * STREAM_END `handle` through `via` — the host the stream ran on, which on
   * a multi-queue kernel context is pinned to the queue that owns the
   * handle — or through the closing context's host while it closes (the
   * kernel frees a queue's streams with the queue anyway).
   */
  end(handle: number, via: PluginHost = this.host): Promise<void> {
    this.handles.delete(handle);
    return (this.closing ?? via).run<void>(OP.streamEnd, { handle });
  }

  /** Number of handles this context still owns (tests, diagnostics). */
  get size(): number {
    return this.handles.size;
  }

  private async closeAll(closeHost: CloseHost): Promise<void> {
    this.closing = closeHost;
    await Promise.allSettled([...this.inits]);
    for (const [handle, ref] of [...this.handles]) {
      const owner = ref?.deref();
      if (owner !== undefined) {
        await owner.release(true).catch(() => undefined);
        if (!this.handles.has(handle)) continue;
      }
      // No owner (one-shot fallback, or a stream already collected): a
      // request of its own may still be running on the handle (-EBUSY).
      for (let i = 0; i < BUSY_RETRIES && this.handles.has(handle); i++) {
        try {
          await closeHost.run<void>(OP.streamEnd, { handle });
          this.handles.delete(handle);
        } catch (err) {
          if ((err as { details?: { detail?: unknown } })?.details?.detail !== ZIP_DETAIL.BUSY) this.handles.delete(handle);
          else await new Promise((r) => setTimeout(r, 2));
        }
      }
    }
  }
}
