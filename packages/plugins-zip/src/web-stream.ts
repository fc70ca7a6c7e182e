/**
 * WHATWG TransformStreams over a {@link StreamCore}.
 *
 * Node 20's TransformStream has no transformer `cancel` hook, so a stream
 * cancelled or aborted mid-way releases its engine state through
 * StreamCore's FinalizationRegistry safety net; end and errors release it
 * at once.
 */
import { TransformStream, type TransformStreamDefaultController } from 'node:stream/web';
import { argumentError, describeValue, typedArrayName, viewOf } from '@warpdrive/core/plugin-kit';
import type { StreamCore } from './stream-core.js';

/** A TransformStream<Uint8Array, Uint8Array> driven by `core`. */
export function webTransform(core: StreamCore): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk: unknown, controller: TransformStreamDefaultController<Uint8Array>) {
      try {
        // the kit's view: nothing the chunk says about itself is read (a NaN byteLength, a Proxy, a detached buffer)
        if (typedArrayName(chunk) !== 'Uint8Array') throw argumentError('chunk', `\`chunk\` must be a Uint8Array, got ${describeValue(chunk)}`);
        await core.process(viewOf(chunk, 'chunk'), 'none', (out) => controller.enqueue(out));
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
