/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the wd_soft uacce parent driver.
 *
 * A queue (struct wd_queue) is the driver's half of one uacce queue: the
 * ring memory userspace maps as DUS, the doorbell page mapped as MMIO, the
 * owner's mm and the work item that plays the hardware.
 */
#ifndef _WD_SOFT_DRV_H
#define _WD_SOFT_DRV_H

#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/uacce.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <misc/wd_soft.h>

#define WD_SOFT_NAME		"wd_soft"
#define WD_SOFT_CACHE_LINE	64
#define WD_SOFT_DEF_ENTRIES	256
#define WD_SOFT_MAX_SGL		65536	/* same bound as the in-process device */
#define WD_SOFT_BOUNCE_SIZE	(64 * 1024)
#define WD_SOFT_BUDGET		64	/* SQEs per worker run before requeueing */

/* Features of both modes; plus WD_FEAT_SVA or WD_FEAT_NOSVA. */
#define WD_SOFT_FEATURES	(WD_FEAT_NEED_WAKEUP | WD_FEAT_KICK_EVENTFD | \
				 WD_FEAT_SGL | WD_FEAT_CQ_EVENTFD)

struct wd_dev {
	struct platform_device *pdev;
	struct uacce_device *uacce;
	atomic_t nr_queues;		/* open queues, for available_instances */
	int max_queues;
};

/* Pointers into the ring memory, computed once from the layout. */
struct wd_ring {
	void *base;			/* vmalloc_user memory, mapped as DUS */
	size_t bytes;			/* page-aligned size of base */
	u32 sq_entries, cq_entries;
	u32 *sq_head, *sq_tail, *sq_flags, *sq_dropped;
	u32 *cq_head, *cq_tail, *cq_flags;
	struct wd_sqe *sqes;
	struct wd_cqe *cqes;
};

enum wd_queue_state {
	WD_Q_IDLE = 0,			/* rings may still be (re)sized */
	WD_Q_READY,			/* rings allocated or mapped */
	WD_Q_RUNNING,			/* between START_Q and PUT_Q */
};

struct wd_queue {
	struct wd_dev *wdev;
	struct uacce_queue *uq;
	struct mm_struct *mm;		/* owner; mmgrab()ed, mmget() per run */
	struct mutex lock;		/* state, ring, kick: see the lock order below */
	enum wd_queue_state state;
	u32 req_entries;		/* from SET_QP */
	u64 req_data_bytes;		/* from SET_QP; non-zero: no-SVA mode */
	u32 features;			/* granted WD_FEAT_* */
	struct wd_ring ring;
	u8 *data;			/* no-SVA data region (in ring.base) */
	u64 data_bytes;
	bool ring_ready;		/* ring fully set up; release/acquire */
	struct page *mmio_page;

	/* Worker: only it touches these while RUNNING. */
	struct work_struct work;
	bool running;			/* READ_ONCE by the worker */
	u32 sq_head;			/* private copies: the shared ones are */
	u32 cq_tail;			/* written by us, never trusted */
	u32 dropped;
	void *bounce;
	struct wd_zip *zip;		/* zip opcodes: streams, workspaces */
	struct wd_crypto *crypto;	/* crypto engine state, sessions */

	/* Kick eventfd (vhost-style): its wake-up queues the work. */
	struct file *kick_file;
	wait_queue_head_t *kick_wqh;
	wait_queue_entry_t kick_wait;
	poll_table kick_pt;
};

/*
 * Lock order: mmap_lock -> uacce_queue.mutex -> wd_queue.lock (mmap path);
 * uacce_device.mutex -> wd_queue.lock (ioctl path). Nothing that may take
 * mmap_lock (copy_*_user) runs under wd_queue.lock.
 */

/* wd_soft_main.c */
extern unsigned long wd_soft_max_data;	/* bytes, no-SVA data region */

/* wd_soft_queue.c */
int wd_queue_create(struct wd_dev *wdev, struct uacce_queue *uq);
void wd_queue_destroy(struct wd_queue *q);
int wd_queue_start(struct wd_queue *q);
void wd_queue_stop(struct wd_queue *q);
int wd_queue_mmap(struct wd_queue *q, struct vm_area_struct *vma,
		  enum uacce_qfrt type);
long wd_queue_ioctl(struct wd_queue *q, unsigned int cmd, unsigned long arg);
bool wd_queue_cq_pending(struct wd_queue *q);

/* wd_soft_worker.c */
void wd_worker_fn(struct work_struct *work);
void wd_worker_cancel_pending(struct wd_queue *q);
extern struct workqueue_struct *wd_soft_wq;

/* wd_soft_mem.c: the only way engines touch descriptor memory */
bool wd_range_faults(struct wd_queue *q, u64 addr, u64 len);
int wd_mem_read(struct wd_queue *q, void *to, u64 addr, size_t n);
int wd_mem_write(struct wd_queue *q, u64 addr, const void *from, size_t n);
bool wd_should_abort(struct wd_queue *q);	/* queue stopped or owner exiting */

/* wd_soft_crypto.c: opcodes 0x40-0x7f */
void wd_crypto_execute(struct wd_queue *q, const struct wd_sqe *sqe,
		       struct wd_cqe *cqe);
void wd_crypto_queue_free(struct wd_queue *q);

/* wd_soft_engine.c */
void wd_engine_execute(struct wd_queue *q, const struct wd_sqe *sqe,
		       struct wd_cqe *cqe);

/* wd_soft_zip.c, wd_soft_zip_stream.c: the zip opcodes 0x10-0x16 */
bool wd_zip_opcode(u8 opcode);
void wd_zip_execute(struct wd_queue *q, const struct wd_sqe *sqe,
		    struct wd_cqe *cqe);
void wd_zip_free(struct wd_queue *q);	/* queue stopped: no worker runs */

#endif /* _WD_SOFT_DRV_H */
