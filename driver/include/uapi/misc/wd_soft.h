/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * wd_soft.h - queue protocol of the warpdrive devices, api "wd_soft_v1".
 *
 * The generic part of the device model is upstream uacce, unchanged:
 * open("/dev/<name>-<id>") gets one queue, mmap() of region
 * UACCE_QFRT_MMIO (offset 0) maps the doorbell/flags page, mmap() of region
 * UACCE_QFRT_DUS (offset 1 * page size) maps the rings, ioctl(UACCE_CMD_START_Q)
 * starts the queue, ioctl(UACCE_CMD_PUT_Q) stops it, poll() reports POLLIN
 * while completions are pending, close() tears everything down.
 *
 * This header is the device-specific part: it is shared unchanged by the
 * kernel module, the in-process soft device of the Node addon and (as a
 * checked mirror) the TypeScript core. Only fixed-width types are used; user
 * addresses travel as __u64.
 *
 * Ring protocol (io_uring style). The DUS region starts with a
 * struct wd_ring_info that describes where everything else lives; userspace
 * computes every pointer from it and never hard-codes a layout.
 *
 *   SQ: userspace produces (writes SQEs, then publishes sq.tail with release
 *       semantics); the device consumes (reads sq.tail with acquire, reads the
 *       SQEs, then publishes sq.head with release).
 *   CQ: the device produces (writes CQEs, publishes cq.tail with release);
 *       userspace consumes (reads cq.tail with acquire, reads CQEs, publishes
 *       cq.head with release).
 *
 * Only the consumer of a ring writes its head; only its producer writes its
 * tail. Indices are free-running __u32 counters; the slot is index & mask.
 *
 * Doorbell: after publishing sq.tail, userspace issues a full barrier and
 * tests WD_SQ_NEED_WAKEUP in sq.flags; only if it is set does it ring the
 * doorbell (WD_SOFT_IOCTL_DOORBELL on the queue fd, or a write to the kick
 * eventfd registered with WD_SOFT_IOCTL_SET_KICK). The device sets
 * NEED_WAKEUP, issues a full barrier and re-reads sq.tail before it sleeps;
 * the two full barriers pair so that a submission is never missed.
 *
 * Userspace must never have more requests in flight than cq_entries: the
 * device never drops a completion, it stops consuming the SQ while the CQ is
 * full.
 */
#ifndef _UAPI_MISC_WD_SOFT_H
#define _UAPI_MISC_WD_SOFT_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define WD_SOFT_API_V1		"wd_soft_v1"
#define WD_RING_MAGIC		0x31524457	/* "WDR1" little-endian */
#define WD_RING_VERSION		1

/* Ring depth limits (entries, power of two). cq_entries = 2 * sq_entries. */
#define WD_RING_MIN_ENTRIES	1
#define WD_RING_MAX_ENTRIES	32768

/* Largest src_len/dst_len of one descriptor. */
#define WD_MAX_REQ_LEN		0xffffffffU

/*
 * Feature bits of a queue, granted by WD_SOFT_IOCTL_SET_QP (its features out
 * field) and reported in wd_ring_info.features. They are not in sysfs
 * "flags": that word is uacce's (bit 0 is UACCE_DEV_SVA, IOMMU SVA), and the
 * kernel module registers 0 there.
 */
#define WD_FEAT_SVA		(1U << 0)  /* addresses are process VAs */
#define WD_FEAT_NOSVA		(1U << 1)  /* addresses are offsets into the data region */
#define WD_FEAT_NEED_WAKEUP	(1U << 2)  /* SQ polled; doorbell only on NEED_WAKEUP */
#define WD_FEAT_KICK_EVENTFD	(1U << 3)  /* doorbell may be an eventfd (SET_KICK) */
#define WD_FEAT_SGL		(1U << 4)  /* WD_SQE_F_SRC_SGL/DST_SGL understood */
#define WD_FEAT_CQ_EVENTFD	(1U << 5)  /* completion fd is pollable */

/* sq.flags bits, written by the device, read by userspace. */
#define WD_SQ_NEED_WAKEUP	(1U << 0)
/* cq.flags bits, written by the device. */
#define WD_CQ_OVERFLOW		(1U << 0)  /* never set by a correct device; sticky */

/* Byte offsets of one ring's fields, relative to the start of the region. */
struct wd_sq_offsets {
	__u32 head;
	__u32 tail;
	__u32 ring_mask;
	__u32 ring_entries;
	__u32 flags;
	__u32 dropped;		/* SQEs rejected before execution (bad ring state) */
	__u32 sqes;		/* first struct wd_sqe */
	__u32 resv;
};

struct wd_cq_offsets {
	__u32 head;
	__u32 tail;
	__u32 ring_mask;
	__u32 ring_entries;
	__u32 flags;
	__u32 overflow;
	__u32 cqes;		/* first struct wd_cqe */
	__u32 resv;
};

/* At offset 0 of the DUS region. Written once by the device, read-only after. */
struct wd_ring_info {
	__u32 magic;		/* WD_RING_MAGIC */
	__u32 version;		/* WD_RING_VERSION */
	__u32 features;		/* WD_FEAT_* */
	__u32 info_size;	/* sizeof(struct wd_ring_info) the device uses */
	__u32 sqe_size;		/* sizeof(struct wd_sqe) */
	__u32 cqe_size;		/* sizeof(struct wd_cqe) */
	__u32 sq_entries;
	__u32 cq_entries;
	struct wd_sq_offsets sq_off;
	struct wd_cq_offsets cq_off;
	__u64 ring_bytes;	/* bytes of the region used by info + rings */
	__u64 data_offset;	/* no-SVA: offset of the data region in DUS */
	__u64 data_bytes;	/* no-SVA: its size; 0 in SVA mode */
	__u64 resv[4];
};

/*
 * Opcode ranges. Each plugin family owns a range; the device answers an
 * opcode it does not implement with -EOPNOTSUPP.
 */
#define WD_OP_CORE_FIRST	0x00	/* 0x00-0x0f: core (this header) */
#define WD_OP_CORE_LAST		0x0f
#define WD_OP_ZIP_FIRST		0x10	/* 0x10-0x3f: plugins-zip */
#define WD_OP_ZIP_LAST		0x3f
#define WD_OP_CRYPTO_FIRST	0x40	/* 0x40-0x7f: plugins-crypto */
#define WD_OP_CRYPTO_LAST	0x7f
#define WD_OP_RESV_FIRST	0x80	/* 0x80-0xdf: reserved for future families */
#define WD_OP_RESV_LAST		0xdf
#define WD_OP_USER_FIRST	0xe0	/* 0xe0-0xff: third-party plugins */
#define WD_OP_USER_LAST		0xff

enum wd_core_op {
	WD_OP_NOP	= 0x00,	/* completes with status 0, touches no memory */
	WD_OP_COPY	= 0x01,	/* src -> dst; dst_len < src_len is -ENOSPC */
	WD_OP_CRC32	= 0x02,	/* CRC-32 (IEEE, reflected) of src, seeded by aux; result in cqe.aux */
};

/* sqe.flags */
#define WD_SQE_F_SRC_SGL	(1U << 0) /* src_addr points to struct wd_sgl_entry[src_len] */
#define WD_SQE_F_DST_SGL	(1U << 1) /* dst_addr points to struct wd_sgl_entry[dst_len] */
#define WD_SQE_F_FENCE		(1U << 2) /* start only after all earlier SQEs completed */
#define WD_SQE_F_VALID_MASK	(WD_SQE_F_SRC_SGL | WD_SQE_F_DST_SGL | WD_SQE_F_FENCE)

/*
 * Submission queue entry: one cache line. Fields an opcode does not use must
 * be zero; every reserved field must be zero (else -EINVAL), so they can be
 * given a meaning later.
 */
struct wd_sqe {
	__u8  opcode;		/* WD_OP_* */
	__u8  flags;		/* WD_SQE_F_* */
	__u16 resv0;		/* must be zero */
	__u32 op_flags;		/* opcode-specific (format, level, direction...) */
	__u64 user_data;	/* returned unchanged in the CQE */
	__u64 src_addr;		/* VA (SVA) or data-region offset (no-SVA) */
	__u64 dst_addr;
	__u32 src_len;
	__u32 dst_len;
	__u64 ctx_addr;		/* session/stream state block, opcode-defined */
	__u64 param_addr;	/* parameter block (IV, AAD, tag...), opcode-defined */
	__u32 param_len;
	__u32 aux;		/* opcode-defined small operand (e.g. CRC seed) */
};

/* Scatter-gather element for WD_SQE_F_*_SGL. */
struct wd_sgl_entry {
	__u64 addr;
	__u32 len;
	__u32 resv;		/* must be zero */
};

/*
 * Completion queue entry. status is 0 on success or a negative errno:
 *   -EINVAL      malformed SQE (reserved field, bad flags, bad length)
 *   -EOPNOTSUPP  opcode not implemented by this device
 *   -EFAULT      an address is not accessible to the queue's owner
 *   -ENOSPC      destination too small (nothing beyond dst_len is written)
 *   -EBADMSG     input data is corrupt (bad stream, checksum, auth tag)
 *   -ECANCELED   the queue was stopped before the request ran
 *   -ENOMEM      the device could not allocate working memory
 * detail carries an opcode-specific refinement of a failure (0 if none).
 */
struct wd_cqe {
	__u64 user_data;
	__s32 status;
	__u16 flags;		/* WD_CQE_F_* */
	__u16 detail;
	__u32 consumed;		/* src bytes consumed */
	__u32 produced;		/* dst bytes written */
	__u64 aux;		/* opcode-defined result (e.g. CRC value) */
};

/* cqe.flags */
#define WD_CQE_F_MORE		(1U << 0) /* stream op needs more output space / input */

/*
 * Device-specific ioctls, delivered through the uacce parent driver's ioctl
 * op on the queue fd. 'W' 0/1 are uacce's START_Q/PUT_Q.
 */
struct wd_soft_qp_params {
	__u32 sq_entries;	/* in: power of two, 1..WD_RING_MAX_ENTRIES */
	__u32 features;		/* in: requested WD_FEAT_*; out: granted */
	__u64 data_bytes;	/* in: no-SVA data region size; 0 for SVA */
	__u64 resv[2];
};

#define WD_SOFT_IOCTL_SET_QP	_IOWR('W', 0x40, struct wd_soft_qp_params)
#define WD_SOFT_IOCTL_DOORBELL	_IO('W', 0x41)
#define WD_SOFT_IOCTL_SET_KICK	_IOW('W', 0x42, __s32)	/* eventfd, or -1 to clear */

#endif /* _UAPI_MISC_WD_SOFT_H */
