/**
 * `@warpdrive/core/plugin-kit`: what a plugin needs to turn a caller's
 * values into descriptor fields safely.
 *
 * The rules it encodes (docs/PLUGINS.md, "The plugin kit"):
 * - never read `byteLength`, `byteOffset`, `buffer` or `length` of a
 *   caller's value: use {@link viewOf} once, then {@link lengthOf} and
 *   friends, which read the built-in getters captured when core loaded;
 * - read options as own properties, each once ({@link ownOptions}), and
 *   lists once ({@link snapshotArray}); check and use only that snapshot;
 * - hand views to `pin` only inside `prep`; results that live in a caller's
 *   buffer go back through {@link bufferOf}, which notices a buffer
 *   detached while the request was in flight.
 */
export {
  FastBuffer,
  backingOf,
  elementsOf,
  isAnyArrayBuffer,
  isBufferInput,
  isDataView,
  isDetached,
  isGrowable,
  isResizable,
  isTypedArray,
  lengthOf,
  offsetOf,
  typedArrayName,
  type BufferInput,
} from './intrinsics.js';
export { describeValue } from './describe.js';
export {
  argumentError,
  bufferOf,
  detachedError,
  optionalViewOf,
  overlapOf,
  requireLength,
  viewOf,
  type Overlap,
  type ViewOfOptions,
} from './bytes.js';
export { guardRead, integerOption, ownField, ownOptions, snapshotArray, type OwnOptionsOptions } from './options.js';
export { addressOf, pinnableAddress } from '../memory.js';
export { hasInlinePath, isPinnedToQueue, kernelQueues, pinToOneQueue, runsInline } from './hosts.js';
export { TrustedTransform } from './transform.js';
export { locateEngine, type EngineLocation, type LocateEngineOptions } from './engine.js';
