/**
 * WHATWG TransformStreams over a {@link StreamCore}.
 *
 * Node 20's TransformStream has no transformer `cancel` hook, so a stream
 * cancelled or aborted mid-way releases its engine state through
 * StreamCore's FinalizationRegistry safety net; end and errors release it
 * at once.
 */
import { TransformStream, type TransformStreamDefaultController } from 'node:stream/web';
import { WarpdriveError } from '@warpdrive/core';
import type { StreamCore } from './stream-core.js';

/** A TransformStream<Uint8Array, Uint8Array> driven by `core`. */
export function webTransform(core: StreamCore): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk: Uint8Array, controller: TransformStreamDefaultController<Uint8Array>) {
      if (!(chunk instanceof Uint8Array)) {
        throw new WarpdriveError('ERR_INVALID_ARGUMENT', '`chunk` must be a Uint8Array');
      }
      try {
        await core.process(chunk, 'none', (out) => controller.enqueue(out));
      } catch (err) {
        await core.release();
        throw err;
      }
    },
    async flush(controller: TransformStreamDefaultController<Uint8Array>) {
      try {
        await core.process(new Uint8Array(0), 'finish', (out) => controller.enqueue(out));
      } finally {
        await core.release();
      }
    },
  });
}
