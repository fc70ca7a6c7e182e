// SPDX-License-Identifier: GPL-2.0
/*
 * Queue set-up and control: ring layout and memory,
 * mmap of the MMIO/DUS regions, the device-specific ioctls, the kick eventfd
 * and start/stop.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "wd_soft_drv.h"

/*
 * Same layout as the in-process soft device: one index per cache line. In
 * no-SVA mode the data region follows the rings on the next page.
 */
static size_t wd_ring_layout(struct wd_ring_info *ri, u32 sq_entries,
			     u32 features, u64 data_bytes)
{
	size_t off = ALIGN(sizeof(*ri), WD_SOFT_CACHE_LINE);

	memset(ri, 0, sizeof(*ri));
	ri->magic = WD_RING_MAGIC;
	ri->version = WD_RING_VERSION;
	ri->features = features;
	ri->info_size = sizeof(*ri);
	ri->sqe_size = sizeof(struct wd_sqe);
	ri->cqe_size = sizeof(struct wd_cqe);
	ri->sq_entries = sq_entries;
	ri->cq_entries = 2 * sq_entries;

	/* constants line, read-mostly */
	ri->sq_off.ring_mask = off;
	ri->sq_off.ring_entries = off + 4;
	ri->cq_off.ring_mask = off + 8;
	ri->cq_off.ring_entries = off + 12;
	ri->sq_off.dropped = off + 16;
	ri->cq_off.overflow = off + 20;
	ri->cq_off.flags = off + 24;
	off += WD_SOFT_CACHE_LINE;
	/* hot indices, written by different sides: one line each */
	ri->sq_off.head = off;
	off += WD_SOFT_CACHE_LINE;
	ri->sq_off.tail = off;
	off += WD_SOFT_CACHE_LINE;
	ri->sq_off.flags = off;
	off += WD_SOFT_CACHE_LINE;
	ri->cq_off.head = off;
	off += WD_SOFT_CACHE_LINE;
	ri->cq_off.tail = off;
	off += WD_SOFT_CACHE_LINE;
	ri->sq_off.sqes = off;
	off = ALIGN(off + (size_t)sq_entries * sizeof(struct wd_sqe),
		    WD_SOFT_CACHE_LINE);
	ri->cq_off.cqes = off;
	off += (size_t)ri->cq_entries * sizeof(struct wd_cqe);
	ri->ring_bytes = off;
	if (!data_bytes)
		return PAGE_ALIGN(off);
	ri->data_offset = PAGE_ALIGN(off);
	ri->data_bytes = data_bytes;
	return ri->data_offset + data_bytes;
}

#define WD_RING_PTR(base, off)	((void *)((u8 *)(base) + (off)))

static int wd_ring_alloc(struct wd_queue *q)
{
	struct wd_ring *r = &q->ring;
	struct wd_ring_info ri;
	size_t bytes = wd_ring_layout(&ri, q->req_entries, q->features,
				      q->req_data_bytes);
	void *b = vmalloc_user(bytes);	/* zeroed, remap_vmalloc_range-able */

	if (!b)
		return -ENOMEM;
	if (ri.data_bytes) {
		q->data = WD_RING_PTR(b, ri.data_offset);
		q->data_bytes = ri.data_bytes;
	}
	memcpy(b, &ri, sizeof(ri));
	r->base = b;
	r->bytes = bytes;
	r->sq_entries = ri.sq_entries;
	r->cq_entries = ri.cq_entries;
	r->sq_head = WD_RING_PTR(b, ri.sq_off.head);
	r->sq_tail = WD_RING_PTR(b, ri.sq_off.tail);
	r->sq_flags = WD_RING_PTR(b, ri.sq_off.flags);
	r->sq_dropped = WD_RING_PTR(b, ri.sq_off.dropped);
	r->cq_head = WD_RING_PTR(b, ri.cq_off.head);
	r->cq_tail = WD_RING_PTR(b, ri.cq_off.tail);
	r->cq_flags = WD_RING_PTR(b, ri.cq_off.flags);
	r->sqes = WD_RING_PTR(b, ri.sq_off.sqes);
	r->cqes = WD_RING_PTR(b, ri.cq_off.cqes);
	*(u32 *)WD_RING_PTR(b, ri.sq_off.ring_mask) = ri.sq_entries - 1;
	*(u32 *)WD_RING_PTR(b, ri.sq_off.ring_entries) = ri.sq_entries;
	*(u32 *)WD_RING_PTR(b, ri.cq_off.ring_mask) = ri.cq_entries - 1;
	*(u32 *)WD_RING_PTR(b, ri.cq_off.ring_entries) = ri.cq_entries;
	/* The device starts asleep: the first submission rings the doorbell. */
	*r->sq_flags = WD_SQ_NEED_WAKEUP;
	return 0;
}

/* Called with q->lock held. */
static int wd_queue_ensure_ring(struct wd_queue *q)
{
	int ret;

	if (q->state != WD_Q_IDLE)
		return 0;
	ret = wd_ring_alloc(q);
	if (ret)
		return ret;
	/* poll() reads the ring without q->lock: pairs with its acquire. */
	smp_store_release(&q->ring_ready, true);
	q->state = WD_Q_READY;
	return 0;
}

int wd_queue_create(struct wd_dev *wdev, struct uacce_queue *uq)
{
	struct wd_queue *q;

	/* A queue belongs to an address space; kernel threads have none. */
	if (!current->mm)
		return -EINVAL;
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	q->bounce = kvmalloc(WD_SOFT_BOUNCE_SIZE, GFP_KERNEL);
	q->mmio_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!q->bounce || !q->mmio_page) {
		kvfree(q->bounce);
		if (q->mmio_page)
			__free_page(q->mmio_page);
		kfree(q);
		return -ENOMEM;
	}
	q->wdev = wdev;
	q->uq = uq;
	q->req_entries = WD_SOFT_DEF_ENTRIES;
	q->features = WD_SOFT_FEATURES | WD_FEAT_SVA;
	mutex_init(&q->lock);
	INIT_WORK(&q->work, wd_worker_fn);
	/*
	 * mm_count only: an mm_users reference held by the fd would keep the
	 * address space (and its mappings of this very fd) alive forever when
	 * the owner exits without closing. The worker takes mm_users per run.
	 */
	mmgrab(current->mm);
	q->mm = current->mm;
	uq->priv = q;
	return 0;
}

/* vhost-style kick: a write() to the eventfd wakes its wait queue. */
static int wd_kick_wake(wait_queue_entry_t *wait, unsigned int mode,
			int sync, void *key)
{
	struct wd_queue *q = container_of(wait, struct wd_queue, kick_wait);

	if (key_to_poll(key) & EPOLLIN)
		queue_work(wd_soft_wq, &q->work);
	return 0;
}

static void wd_kick_queue_proc(struct file *file, wait_queue_head_t *wqh,
			       poll_table *pt)
{
	struct wd_queue *q = container_of(pt, struct wd_queue, kick_pt);

	q->kick_wqh = wqh;
	add_wait_queue(wqh, &q->kick_wait);
}

/* Called with q->lock held. */
static void wd_kick_clear(struct wd_queue *q)
{
	if (!q->kick_file)
		return;
	if (q->kick_wqh)
		remove_wait_queue(q->kick_wqh, &q->kick_wait);
	fput(q->kick_file);
	q->kick_file = NULL;
	q->kick_wqh = NULL;
}

/* Called with q->lock held. */
static int wd_kick_set(struct wd_queue *q, int fd)
{
	struct eventfd_ctx *ctx;
	struct file *file;

	wd_kick_clear(q);
	if (fd == -1)
		return 0;
	file = fget(fd);
	if (!file)
		return -EBADF;
	ctx = eventfd_ctx_fileget(file);	/* rejects non-eventfd files */
	if (IS_ERR(ctx)) {
		fput(file);
		return PTR_ERR(ctx);
	}
	eventfd_ctx_put(ctx);			/* the file reference suffices */
	q->kick_file = file;
	init_waitqueue_func_entry(&q->kick_wait, wd_kick_wake);
	init_poll_funcptr(&q->kick_pt, wd_kick_queue_proc);
	/* A kick that arrived before registration wakes us now. */
	if (vfs_poll(file, &q->kick_pt) & EPOLLIN)
		queue_work(wd_soft_wq, &q->work);
	return 0;
}

void wd_queue_destroy(struct wd_queue *q)
{
	/* uacce stopped the queue already; stop again in case it did not. */
	wd_queue_stop(q);
	mutex_lock(&q->lock);
	wd_kick_clear(q);
	mutex_unlock(&q->lock);
	cancel_work_sync(&q->work);
	wd_zip_free(q);
	wd_crypto_queue_free(q);
	/*
	 * vfree() drops our reference only; pages still mapped in a VMA (for
	 * example after uacce_remove()) stay alive until it is unmapped.
	 */
	vfree(q->ring.base);
	__free_page(q->mmio_page);
	kvfree(q->bounce);
	mmdrop(q->mm);
	kfree(q);
}

int wd_queue_start(struct wd_queue *q)
{
	int ret;

	mutex_lock(&q->lock);
	ret = wd_queue_ensure_ring(q);
	if (ret)
		goto out;
	q->state = WD_Q_RUNNING;
	WRITE_ONCE(q->running, true);
	/* Requests queued before START_Q run now. */
	queue_work(wd_soft_wq, &q->work);
out:
	mutex_unlock(&q->lock);
	return ret;
}

void wd_queue_stop(struct wd_queue *q)
{
	mutex_lock(&q->lock);
	if (q->state != WD_Q_RUNNING) {
		mutex_unlock(&q->lock);
		return;
	}
	WRITE_ONCE(q->running, false);
	q->state = WD_Q_READY;
	mutex_unlock(&q->lock);
	/* The worker checks running between requests and inside long ones. */
	cancel_work_sync(&q->work);
	wd_worker_cancel_pending(q);
	wd_zip_free(q);		/* PUT_Q ends the queue's streams */
	/* A stopped queue never runs again: its sessions go now. */
	wd_crypto_queue_free(q);
}

bool wd_queue_cq_pending(struct wd_queue *q)
{
	struct wd_ring *r = &q->ring;

	/* Pairs with the release in wd_queue_ensure_ring(). */
	if (!smp_load_acquire(&q->ring_ready))
		return false;
	return READ_ONCE(*r->cq_tail) != READ_ONCE(*r->cq_head);
}

static int wd_map_dus(struct wd_queue *q, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long off;
	int ret;

	mutex_lock(&q->lock);
	ret = wd_queue_ensure_ring(q);
	if (ret)
		goto out;
	if (len > ((unsigned long)q->wdev->uacce->qf_pg_num[UACCE_QFRT_DUS]
		   << PAGE_SHIFT)) {
		ret = -EINVAL;
		goto out;
	}
	/*
	 * Map the ring pages; the rest of a region_dus_size mapping stays
	 * unpopulated (SIGBUS on access: uacce's vm_ops have no fault).
	 */
	for (off = 0; off < min_t(unsigned long, len, q->ring.bytes) && !ret;
	     off += PAGE_SIZE)
		ret = vm_insert_page(vma, vma->vm_start + off,
				     vmalloc_to_page(q->ring.base + off));
out:
	mutex_unlock(&q->lock);
	return ret;
}

int wd_queue_mmap(struct wd_queue *q, struct vm_area_struct *vma,
		  enum uacce_qfrt type)
{
	/* Only the owner maps its rings: a descriptor names the owner's VAs. */
	if (current->mm != q->mm)
		return -EPERM;
	/* Rings and doorbell are data, never code. */
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	/* uacce sets these; state them so a change there cannot drop them. */
	vma->vm_flags |= VM_DONTCOPY | VM_WIPEONFORK | VM_DONTEXPAND |
			 VM_DONTDUMP;
	vma->vm_flags &= ~VM_MAYEXEC;

	switch (type) {
	case UACCE_QFRT_MMIO:
		/* Doorbell page: reserved, the soft device does not watch it. */
		if (vma->vm_end - vma->vm_start != PAGE_SIZE)
			return -EINVAL;
		return vm_insert_page(vma, vma->vm_start, q->mmio_page);
	case UACCE_QFRT_DUS:
		return wd_map_dus(q, vma);
	default:
		return -EINVAL;
	}
}

static int wd_ioctl_set_qp(struct wd_queue *q, void __user *uarg)
{
	struct wd_soft_qp_params p;
	u32 features;
	u64 data = 0;
	int ret = 0;

	if (copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (p.resv[0] || p.resv[1])
		return -EINVAL;
	if (p.sq_entries < WD_RING_MIN_ENTRIES ||
	    p.sq_entries > WD_RING_MAX_ENTRIES || !is_power_of_2(p.sq_entries))
		return -EINVAL;
	if (p.features & WD_FEAT_NOSVA) {
		/* no-SVA: a data region after the rings, addressed by offset */
		if (!p.data_bytes || p.data_bytes > wd_soft_max_data)
			return -EINVAL;
		data = PAGE_ALIGN(p.data_bytes);
		features = WD_SOFT_FEATURES | WD_FEAT_NOSVA;
	} else {
		if (p.data_bytes)
			return -EINVAL;
		features = WD_SOFT_FEATURES | WD_FEAT_SVA;
	}

	mutex_lock(&q->lock);
	if (q->state != WD_Q_IDLE) {
		ret = -EBUSY;		/* rings already mapped or started */
	} else {
		q->req_entries = p.sq_entries;
		q->req_data_bytes = data;
		q->features = features;
	}
	mutex_unlock(&q->lock);
	if (ret)
		return ret;

	p.features = features;
	p.data_bytes = data;
	if (copy_to_user(uarg, &p, sizeof(p)))
		return -EFAULT;
	return 0;
}

long wd_queue_ioctl(struct wd_queue *q, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	long ret;
	int fd;

	if (current->mm != q->mm)
		return -EPERM;

	switch (cmd) {
	case WD_SOFT_IOCTL_SET_QP:
		return wd_ioctl_set_qp(q, uarg);
	case WD_SOFT_IOCTL_DOORBELL:
		if (!READ_ONCE(q->running))
			return -EBADFD;
		queue_work(wd_soft_wq, &q->work);
		return 0;
	case WD_SOFT_IOCTL_SET_KICK:
		if (get_user(fd, (int __user *)uarg))
			return -EFAULT;
		mutex_lock(&q->lock);
		ret = wd_kick_set(q, fd);
		mutex_unlock(&q->lock);
		return ret;
	default:
		return -ENOTTY;
	}
}
