/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compile-time checks of the wd_soft_v1 layout, shared by the C and the C++
 * compile tests. The sizes and offsets are the ABI: changing one is an ABI
 * break and must bump WD_RING_VERSION.
 */
#ifndef WD_TEST_LAYOUT_ASSERTS_H
#define WD_TEST_LAYOUT_ASSERTS_H

#include <stddef.h>
#include <misc/wd_soft.h>

#ifdef __cplusplus
#define WD_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define WD_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

WD_STATIC_ASSERT(sizeof(struct wd_sqe) == 64, "an SQE is one cache line");
WD_STATIC_ASSERT(sizeof(struct wd_cqe) == 32, "a CQE is half a cache line");
WD_STATIC_ASSERT(sizeof(struct wd_sgl_entry) == 16, "sgl entry size");
WD_STATIC_ASSERT(sizeof(struct wd_sq_offsets) == 32, "sq offsets size");
WD_STATIC_ASSERT(sizeof(struct wd_cq_offsets) == 32, "cq offsets size");
WD_STATIC_ASSERT(sizeof(struct wd_ring_info) == 152, "ring info size");
WD_STATIC_ASSERT(sizeof(struct wd_soft_qp_params) == 32, "qp params size");

/* No implicit padding: every __u64 sits on an 8-byte boundary. */
WD_STATIC_ASSERT(offsetof(struct wd_sqe, user_data) == 8, "sqe.user_data");
WD_STATIC_ASSERT(offsetof(struct wd_sqe, src_addr) == 16, "sqe.src_addr");
WD_STATIC_ASSERT(offsetof(struct wd_sqe, dst_addr) == 24, "sqe.dst_addr");
WD_STATIC_ASSERT(offsetof(struct wd_sqe, src_len) == 32, "sqe.src_len");
WD_STATIC_ASSERT(offsetof(struct wd_sqe, ctx_addr) == 40, "sqe.ctx_addr");
WD_STATIC_ASSERT(offsetof(struct wd_sqe, param_addr) == 48, "sqe.param_addr");
WD_STATIC_ASSERT(offsetof(struct wd_sqe, aux) == 60, "sqe.aux");
WD_STATIC_ASSERT(offsetof(struct wd_cqe, status) == 8, "cqe.status");
WD_STATIC_ASSERT(offsetof(struct wd_cqe, consumed) == 16, "cqe.consumed");
WD_STATIC_ASSERT(offsetof(struct wd_cqe, aux) == 24, "cqe.aux");
WD_STATIC_ASSERT(offsetof(struct wd_ring_info, sq_off) == 32, "info.sq_off");
WD_STATIC_ASSERT(offsetof(struct wd_ring_info, cq_off) == 64, "info.cq_off");
WD_STATIC_ASSERT(offsetof(struct wd_ring_info, ring_bytes) == 96, "info.ring_bytes");

/* Opcode ranges tile 0x00..0xff without overlap. */
WD_STATIC_ASSERT(WD_OP_CORE_LAST + 1 == WD_OP_ZIP_FIRST, "core/zip ranges");
WD_STATIC_ASSERT(WD_OP_ZIP_LAST + 1 == WD_OP_CRYPTO_FIRST, "zip/crypto ranges");
WD_STATIC_ASSERT(WD_OP_CRYPTO_LAST + 1 == WD_OP_RESV_FIRST, "crypto/resv ranges");
WD_STATIC_ASSERT(WD_OP_RESV_LAST + 1 == WD_OP_USER_FIRST, "resv/user ranges");
WD_STATIC_ASSERT(WD_OP_USER_LAST == 0xff, "opcode is a __u8");

#endif
