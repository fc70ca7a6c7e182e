/**
 * One implementation, two drivers (Node zlib's sync/async pairs): an
 * operation is written once as a generator that yields device requests
 * `[operation, request]` and receives their results; `runAsync` drives it
 * through the queue (`ctx.run`), `runSync` through the inline path
 * (`ctx.runSync`). A failed request is thrown into the generator, so its
 * `finally` blocks may still issue clean-up requests.
 */
import type { PluginHost } from '@warpdrive/core';

/** A device request: operation name and request object. */
export type Step = readonly [operation: string, request: unknown];
/** A multi-request operation. */
export type Steps<R> = Generator<Step, R, unknown>;

/** Drive `steps` with `ctx.run`. */
export async function runAsync<R>(host: PluginHost, steps: Steps<R>): Promise<R> {
  let r = steps.next();
  while (!r.done) {
    let value: unknown;
    try {
      value = await host.run(r.value[0], r.value[1]);
    } catch (err) {
      r = steps.throw(err);
      continue;
    }
    r = steps.next(value);
  }
  return r.value;
}

/** Drive `steps` with `ctx.runSync` on the calling thread. */
export function runSync<R>(host: PluginHost, steps: Steps<R>): R {
  let r = steps.next();
  while (!r.done) {
    let value: unknown;
    try {
      value = host.runSync(r.value[0], r.value[1]);
    } catch (err) {
      r = steps.throw(err);
      continue;
    }
    r = steps.next(value);
  }
  return r.value;
}
