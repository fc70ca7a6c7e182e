/**
 * @warpdrive/core: devices, contexts, queues, scheduler, memory, plugins, errors.
 */
export { createContext, createContextSync, Context, type ContextOptions, type ContextWith } from './context.js';
export { listDevices, type DeviceInfo, type DeviceBackend, type ListDevicesOptions } from './devices.js';
export { coreOps, type CoreOpsMethods, type CopyRequest, type Crc32Request } from './plugins/core-ops.js';
export {
  definePlugin,
  type Plugin,
  type PluginOperation,
  type OperationCodec,
  type PinFn,
  type PinAccess,
  type PluginHost,
  type CloseHook,
  type CloseHost,
  type SoftEngine,
  type ExtOf,
  type ExtensionsOf,
  type UnionToIntersection,
} from './plugin.js';
export { PluginRegistry, type BoundOperation } from './registry.js';
export { WarpdriveError, isWarpdriveError, errorFromStatus, type WarpdriveErrorCode, type WarpdriveErrorDetails } from './errors.js';
export { Queue, PROMISE_TAG, type QueueStats } from './queue.js';
export { SqeWriter } from './sqe.js';
export { Cqe } from './cqe.js';
export { readRingLayout, type RingLayout } from './ring.js';
export { createScheduler, type SchedulePolicy, type Scheduler, type SchedulableQueue } from './scheduler.js';
export { addressOf, isDetached, pinnableAddress, type BufferInput } from './memory.js';
export { DataRegion } from './data-region.js';
export { BufferPool, PAGE_SIZE, type BufferPoolOptions } from './buffer-pool.js';
export type { ContextStats, PathStats } from './stats.js';
export * as abi from './abi.js';
export {
  WD_SOFT_API_V1,
  WD_OP_NOP,
  WD_OP_COPY,
  WD_OP_CRC32,
  WD_MAX_REQ_LEN,
  WD_RING_MAX_ENTRIES,
  WD_SQ_NEED_WAKEUP,
  WD_FEAT_SVA,
} from './abi.js';
