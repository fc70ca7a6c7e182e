/**
 * TypeScript mirror of `driver/include/uapi/misc/wd_soft.h` (api `wd_soft_v1`).
 *
 * Plain constants so the hot path can use them without lookups. The test
 * `abi-mirror.test.ts` compares every value here with the sizes, offsets and
 * constants the native addon compiled from the header (and from
 * `packages/native/include/warpdrive/engine.h` for `wd_engine`), so drift fails CI.
 * Ring *positions* (where the SQ head lives, where SQEs start) are not here:
 * they are read from `struct wd_ring_info` at run time (see ring.ts).
 */

/** `WD_SOFT_API_V1`: the device api string of this protocol. */
export const WD_SOFT_API_V1 = 'wd_soft_v1';

/** `sizeof` of every struct of the header. */
export const SIZES = {
  wd_sq_offsets: 32,
  wd_cq_offsets: 32,
  wd_ring_info: 152,
  wd_sqe: 64,
  wd_sgl_entry: 16,
  wd_cqe: 32,
  wd_soft_qp_params: 32,
  wd_engine: 24,
} as const;

/** `offsetof` of every field, keyed `struct.field`. */
export const OFFSETS = {
  'wd_sq_offsets.head': 0,
  'wd_sq_offsets.tail': 4,
  'wd_sq_offsets.ring_mask': 8,
  'wd_sq_offsets.ring_entries': 12,
  'wd_sq_offsets.flags': 16,
  'wd_sq_offsets.dropped': 20,
  'wd_sq_offsets.sqes': 24,
  'wd_sq_offsets.resv': 28,
  'wd_cq_offsets.head': 0,
  'wd_cq_offsets.tail': 4,
  'wd_cq_offsets.ring_mask': 8,
  'wd_cq_offsets.ring_entries': 12,
  'wd_cq_offsets.flags': 16,
  'wd_cq_offsets.overflow': 20,
  'wd_cq_offsets.cqes': 24,
  'wd_cq_offsets.resv': 28,
  'wd_ring_info.magic': 0,
  'wd_ring_info.version': 4,
  'wd_ring_info.features': 8,
  'wd_ring_info.info_size': 12,
  'wd_ring_info.sqe_size': 16,
  'wd_ring_info.cqe_size': 20,
  'wd_ring_info.sq_entries': 24,
  'wd_ring_info.cq_entries': 28,
  'wd_ring_info.sq_off': 32,
  'wd_ring_info.cq_off': 64,
  'wd_ring_info.ring_bytes': 96,
  'wd_ring_info.data_offset': 104,
  'wd_ring_info.data_bytes': 112,
  'wd_ring_info.resv': 120,
  'wd_sqe.opcode': 0,
  'wd_sqe.flags': 1,
  'wd_sqe.resv0': 2,
  'wd_sqe.op_flags': 4,
  'wd_sqe.user_data': 8,
  'wd_sqe.src_addr': 16,
  'wd_sqe.dst_addr': 24,
  'wd_sqe.src_len': 32,
  'wd_sqe.dst_len': 36,
  'wd_sqe.ctx_addr': 40,
  'wd_sqe.param_addr': 48,
  'wd_sqe.param_len': 56,
  'wd_sqe.aux': 60,
  'wd_sgl_entry.addr': 0,
  'wd_sgl_entry.len': 8,
  'wd_sgl_entry.resv': 12,
  'wd_cqe.user_data': 0,
  'wd_cqe.status': 8,
  'wd_cqe.flags': 12,
  'wd_cqe.detail': 14,
  'wd_cqe.consumed': 16,
  'wd_cqe.produced': 20,
  'wd_cqe.aux': 24,
  'wd_soft_qp_params.sq_entries': 0,
  'wd_soft_qp_params.features': 4,
  'wd_soft_qp_params.data_bytes': 8,
  'wd_soft_qp_params.resv': 16,
  'wd_engine.abi_version': 0,
  'wd_engine.first_opcode': 4,
  'wd_engine.last_opcode': 5,
  'wd_engine.resv': 6,
  'wd_engine.name': 8,
  'wd_engine.run': 16,
} as const;

/** Every `#define`/enum constant of the header, keyed by its C name. */
export const CONSTANTS = {
  WD_RING_MAGIC: 0x31524457,
  WD_RING_VERSION: 1,
  WD_RING_MIN_ENTRIES: 1,
  WD_RING_MAX_ENTRIES: 32768,
  WD_MAX_REQ_LEN: 0xffffffff,
  WD_FEAT_SVA: 1 << 0,
  WD_FEAT_NOSVA: 1 << 1,
  WD_FEAT_NEED_WAKEUP: 1 << 2,
  WD_FEAT_KICK_EVENTFD: 1 << 3,
  WD_FEAT_SGL: 1 << 4,
  WD_FEAT_CQ_EVENTFD: 1 << 5,
  WD_SQ_NEED_WAKEUP: 1 << 0,
  WD_CQ_OVERFLOW: 1 << 0,
  WD_OP_CORE_FIRST: 0x00,
  WD_OP_CORE_LAST: 0x0f,
  WD_OP_ZIP_FIRST: 0x10,
  WD_OP_ZIP_LAST: 0x3f,
  WD_OP_CRYPTO_FIRST: 0x40,
  WD_OP_CRYPTO_LAST: 0x7f,
  WD_OP_RESV_FIRST: 0x80,
  WD_OP_RESV_LAST: 0xdf,
  WD_OP_USER_FIRST: 0xe0,
  WD_OP_USER_LAST: 0xff,
  WD_OP_NOP: 0x00,
  WD_OP_COPY: 0x01,
  WD_OP_CRC32: 0x02,
  WD_SQE_F_SRC_SGL: 1 << 0,
  WD_SQE_F_DST_SGL: 1 << 1,
  WD_SQE_F_FENCE: 1 << 2,
  WD_SQE_F_VALID_MASK: 0x7,
  WD_CQE_F_MORE: 1 << 0,
  WD_SOFT_IOCTL_SET_QP: 0xc0205740,
  WD_SOFT_IOCTL_DOORBELL: 0x5741,
  WD_SOFT_IOCTL_SET_KICK: 0x40045742,
  /** From `include/warpdrive/engine.h` (the soft-device engine ABI). */
  WD_ENGINE_ABI_VERSION: 1,
} as const;

/** Positive errno values the device uses in `cqe.status` (Linux numbering). */
export const ERRNO = {
  EPERM: 1,
  ENOMEM: 12,
  EBUSY: 16,
  EFAULT: 14,
  EINVAL: 22,
  ENOSPC: 28,
  EBADMSG: 74,
  EOPNOTSUPP: 95,
  ECANCELED: 125,
} as const;

// Named constants for hot paths and plugin authors.
/** `WD_RING_MAGIC` ("WDR1" little-endian). */
export const WD_RING_MAGIC = CONSTANTS.WD_RING_MAGIC;
/** `WD_RING_VERSION`. */
export const WD_RING_VERSION = CONSTANTS.WD_RING_VERSION;
/** `WD_RING_MAX_ENTRIES`: deepest SQ. */
export const WD_RING_MAX_ENTRIES = CONSTANTS.WD_RING_MAX_ENTRIES;
/** `WD_MAX_REQ_LEN`: largest src_len/dst_len of one descriptor. */
export const WD_MAX_REQ_LEN = CONSTANTS.WD_MAX_REQ_LEN;
/** `WD_SQ_NEED_WAKEUP`: device sleeps, ring the doorbell. */
export const WD_SQ_NEED_WAKEUP = CONSTANTS.WD_SQ_NEED_WAKEUP;
/** `WD_CQ_OVERFLOW`: sticky, never set by a correct device. */
export const WD_CQ_OVERFLOW = CONSTANTS.WD_CQ_OVERFLOW;
/** `WD_FEAT_SVA`: addresses are process virtual addresses. */
export const WD_FEAT_SVA = CONSTANTS.WD_FEAT_SVA;
/** `WD_OP_NOP`. */
export const WD_OP_NOP = CONSTANTS.WD_OP_NOP;
/** `WD_OP_COPY`. */
export const WD_OP_COPY = CONSTANTS.WD_OP_COPY;
/** `WD_OP_CRC32`. */
export const WD_OP_CRC32 = CONSTANTS.WD_OP_CRC32;

// Field offsets used by the SQE/CQE views (bytes inside one entry).
/** Byte offset of `wd_sqe.opcode`. */
export const SQE_OPCODE = OFFSETS['wd_sqe.opcode'];
/** Byte offset of `wd_sqe.flags`. */
export const SQE_FLAGS = OFFSETS['wd_sqe.flags'];
/** Byte offset of `wd_sqe.op_flags`. */
export const SQE_OP_FLAGS = OFFSETS['wd_sqe.op_flags'];
/** Byte offset of `wd_sqe.user_data`. */
export const SQE_USER_DATA = OFFSETS['wd_sqe.user_data'];
/** Byte offset of `wd_sqe.src_addr`. */
export const SQE_SRC_ADDR = OFFSETS['wd_sqe.src_addr'];
/** Byte offset of `wd_sqe.dst_addr`. */
export const SQE_DST_ADDR = OFFSETS['wd_sqe.dst_addr'];
/** Byte offset of `wd_sqe.src_len`. */
export const SQE_SRC_LEN = OFFSETS['wd_sqe.src_len'];
/** Byte offset of `wd_sqe.dst_len`. */
export const SQE_DST_LEN = OFFSETS['wd_sqe.dst_len'];
/** Byte offset of `wd_sqe.ctx_addr`. */
export const SQE_CTX_ADDR = OFFSETS['wd_sqe.ctx_addr'];
/** Byte offset of `wd_sqe.param_addr`. */
export const SQE_PARAM_ADDR = OFFSETS['wd_sqe.param_addr'];
/** Byte offset of `wd_sqe.param_len`. */
export const SQE_PARAM_LEN = OFFSETS['wd_sqe.param_len'];
/** Byte offset of `wd_sqe.aux`. */
export const SQE_AUX = OFFSETS['wd_sqe.aux'];
/** Byte offset of `wd_cqe.user_data`. */
export const CQE_USER_DATA = OFFSETS['wd_cqe.user_data'];
/** Byte offset of `wd_cqe.status`. */
export const CQE_STATUS = OFFSETS['wd_cqe.status'];
/** Byte offset of `wd_cqe.flags`. */
export const CQE_FLAGS = OFFSETS['wd_cqe.flags'];
/** Byte offset of `wd_cqe.detail`. */
export const CQE_DETAIL = OFFSETS['wd_cqe.detail'];
/** Byte offset of `wd_cqe.consumed`. */
export const CQE_CONSUMED = OFFSETS['wd_cqe.consumed'];
/** Byte offset of `wd_cqe.produced`. */
export const CQE_PRODUCED = OFFSETS['wd_cqe.produced'];
/** Byte offset of `wd_cqe.aux`. */
export const CQE_AUX = OFFSETS['wd_cqe.aux'];
