// abi_export.cc - layout facts of wd_soft.h as the compiler sees them, so the
// TypeScript mirror can be checked against the real header (never hand-copied).
#include "abi_export.h"

#include <warpdrive/engine.h>

#include <cerrno>
#include <cstddef>

namespace wd {
namespace {

#define WD_STRUCTS(X) \
  X(wd_sq_offsets) X(wd_cq_offsets) X(wd_ring_info) X(wd_sqe) X(wd_sgl_entry) X(wd_cqe) \
  X(wd_soft_qp_params) X(wd_engine)

#define WD_FIELDS(X)                                                                          \
  X(wd_sq_offsets, head) X(wd_sq_offsets, tail) X(wd_sq_offsets, ring_mask)                   \
  X(wd_sq_offsets, ring_entries) X(wd_sq_offsets, flags) X(wd_sq_offsets, dropped)            \
  X(wd_sq_offsets, sqes) X(wd_sq_offsets, resv)                                               \
  X(wd_cq_offsets, head) X(wd_cq_offsets, tail) X(wd_cq_offsets, ring_mask)                   \
  X(wd_cq_offsets, ring_entries) X(wd_cq_offsets, flags) X(wd_cq_offsets, overflow)           \
  X(wd_cq_offsets, cqes) X(wd_cq_offsets, resv)                                               \
  X(wd_ring_info, magic) X(wd_ring_info, version) X(wd_ring_info, features)                   \
  X(wd_ring_info, info_size) X(wd_ring_info, sqe_size) X(wd_ring_info, cqe_size)              \
  X(wd_ring_info, sq_entries) X(wd_ring_info, cq_entries) X(wd_ring_info, sq_off)             \
  X(wd_ring_info, cq_off) X(wd_ring_info, ring_bytes) X(wd_ring_info, data_offset)            \
  X(wd_ring_info, data_bytes) X(wd_ring_info, resv)                                           \
  X(wd_sqe, opcode) X(wd_sqe, flags) X(wd_sqe, resv0) X(wd_sqe, op_flags)                     \
  X(wd_sqe, user_data) X(wd_sqe, src_addr) X(wd_sqe, dst_addr) X(wd_sqe, src_len)             \
  X(wd_sqe, dst_len) X(wd_sqe, ctx_addr) X(wd_sqe, param_addr) X(wd_sqe, param_len)           \
  X(wd_sqe, aux)                                                                              \
  X(wd_sgl_entry, addr) X(wd_sgl_entry, len) X(wd_sgl_entry, resv)                            \
  X(wd_cqe, user_data) X(wd_cqe, status) X(wd_cqe, flags) X(wd_cqe, detail)                   \
  X(wd_cqe, consumed) X(wd_cqe, produced) X(wd_cqe, aux)                                      \
  X(wd_soft_qp_params, sq_entries) X(wd_soft_qp_params, features)                             \
  X(wd_soft_qp_params, data_bytes) X(wd_soft_qp_params, resv)                                 \
  X(wd_engine, abi_version) X(wd_engine, first_opcode) X(wd_engine, last_opcode)              \
  X(wd_engine, resv) X(wd_engine, name) X(wd_engine, run)

#define WD_CONSTANTS(X)                                                                       \
  X(WD_RING_MAGIC) X(WD_RING_VERSION) X(WD_RING_MIN_ENTRIES) X(WD_RING_MAX_ENTRIES)           \
  X(WD_MAX_REQ_LEN)                                                                           \
  X(WD_FEAT_SVA) X(WD_FEAT_NOSVA) X(WD_FEAT_NEED_WAKEUP) X(WD_FEAT_KICK_EVENTFD)              \
  X(WD_FEAT_SGL) X(WD_FEAT_CQ_EVENTFD)                                                        \
  X(WD_SQ_NEED_WAKEUP) X(WD_CQ_OVERFLOW)                                                      \
  X(WD_OP_CORE_FIRST) X(WD_OP_CORE_LAST) X(WD_OP_ZIP_FIRST) X(WD_OP_ZIP_LAST)                 \
  X(WD_OP_CRYPTO_FIRST) X(WD_OP_CRYPTO_LAST) X(WD_OP_RESV_FIRST) X(WD_OP_RESV_LAST)           \
  X(WD_OP_USER_FIRST) X(WD_OP_USER_LAST)                                                      \
  X(WD_OP_NOP) X(WD_OP_COPY) X(WD_OP_CRC32)                                                   \
  X(WD_SQE_F_SRC_SGL) X(WD_SQE_F_DST_SGL) X(WD_SQE_F_FENCE) X(WD_SQE_F_VALID_MASK)            \
  X(WD_CQE_F_MORE)                                                                            \
  X(WD_SOFT_IOCTL_SET_QP) X(WD_SOFT_IOCTL_DOORBELL) X(WD_SOFT_IOCTL_SET_KICK)                 \
  X(WD_ENGINE_ABI_VERSION)

#define WD_ERRNOS(X) \
  X(EINVAL) X(EOPNOTSUPP) X(EFAULT) X(ENOSPC) X(EBADMSG) X(ECANCELED) X(ENOMEM) X(EPERM) X(EBUSY)

Napi::Object Frozen(Napi::Object o) {
  Napi::Object object = o.Env().Global().Get("Object").As<Napi::Object>();
  object.Get("freeze").As<Napi::Function>().Call(object, {o});
  return o;
}

}  // namespace

Napi::Object MakeAbiObject(Napi::Env env) {
  Napi::Object sizes = Napi::Object::New(env);
#define X(s) sizes.Set(#s, double(sizeof(struct s)));
  WD_STRUCTS(X)
#undef X
  Napi::Object offsets = Napi::Object::New(env);
#define X(s, f) offsets.Set(#s "." #f, double(offsetof(struct s, f)));
  WD_FIELDS(X)
#undef X
  Napi::Object constants = Napi::Object::New(env);
#define X(c) constants.Set(#c, double(c));
  WD_CONSTANTS(X)
#undef X
  Napi::Object errnos = Napi::Object::New(env);
#define X(e) errnos.Set(#e, double(e));
  WD_ERRNOS(X)
#undef X
  Napi::Object abi = Napi::Object::New(env);
  abi.Set("api", WD_SOFT_API_V1);
  abi.Set("sizes", Frozen(sizes));
  abi.Set("offsets", Frozen(offsets));
  abi.Set("constants", Frozen(constants));
  abi.Set("errno", Frozen(errnos));
  return Frozen(abi);
}

}  // namespace wd
