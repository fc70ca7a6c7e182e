// SPDX-License-Identifier: GPL-2.0
/*
 * The "hardware": a work item that consumes the SQ in the
 * owner's address space and produces CQEs.
 *
 * Every index userspace can write (sq.tail, cq.head, sq.flags) is read once,
 * validated against the driver's private copies and never used to address
 * memory directly: slots are always (private index & mask).
 */
#include <linux/kthread.h>
#include <linux/sched/mm.h>

#include "wd_soft_drv.h"

static bool wd_owner_alive(struct wd_queue *q)
{
	/* Only our own mmget() left: the owner has exited or is exiting. */
	return atomic_read(&q->mm->mm_users) > 1;
}

/* Number of SQEs that may be consumed now (0 if none, or bad ring state). */
static u32 wd_ring_avail(struct wd_queue *q)
{
	struct wd_ring *r = &q->ring;
	u32 tail, pending, used;

	/* Pairs with userspace's release store of sq.tail after its SQEs. */
	tail = smp_load_acquire(r->sq_tail);
	pending = tail - q->sq_head;
	if (pending > r->sq_entries) {
		/* A tail that claims more than the ring holds: stop here. */
		WRITE_ONCE(*r->sq_dropped, ++q->dropped);
		return 0;
	}
	/* Pairs with userspace's release store of cq.head after reading CQEs. */
	used = q->cq_tail - smp_load_acquire(r->cq_head);
	if (used >= r->cq_entries)	/* full, or a bogus head: wait */
		return 0;
	return min(pending, r->cq_entries - used);
}

static void wd_ring_post(struct wd_queue *q, const struct wd_cqe *cqe)
{
	struct wd_ring *r = &q->ring;

	r->cqes[q->cq_tail & (r->cq_entries - 1)] = *cqe;
	q->cq_tail++;
	q->sq_head++;
	/* The SQE slot was read: hand it back (pairs with the producer's acquire). */
	smp_store_release(r->sq_head, q->sq_head);
	/* The CQE is written: publish it (pairs with the consumer's acquire). */
	smp_store_release(r->cq_tail, q->cq_tail);
}

static void wd_ring_notify(struct wd_queue *q)
{
	/* wq_has_sleeper() has the barrier that pairs with poll_wait(). */
	if (wq_has_sleeper(&q->uq->wait))
		wake_up_interruptible(&q->uq->wait);
}

static void wd_ring_consume(struct wd_queue *q, u32 n)
{
	struct wd_ring *r = &q->ring;
	struct wd_sqe sqe;
	struct wd_cqe cqe;

	while (n--) {
		/* One snapshot: validate and execute the copy, never the ring. */
		memcpy(&sqe, &r->sqes[q->sq_head & (r->sq_entries - 1)],
		       sizeof(sqe));
		wd_engine_execute(q, &sqe, &cqe);
		wd_ring_post(q, &cqe);
		if (!READ_ONCE(q->running) || !wd_owner_alive(q))
			break;
	}
	wd_ring_notify(q);
}

/* Returns true when the budget ran out and the worker should run again. */
static bool wd_worker_run(struct wd_queue *q)
{
	struct wd_ring *r = &q->ring;
	u32 done = 0, n;

	WRITE_ONCE(*r->sq_flags, 0);	/* awake: no doorbell needed */
	for (;;) {
		if (!READ_ONCE(q->running) || !wd_owner_alive(q))
			return false;
		n = wd_ring_avail(q);
		if (!n) {
			WRITE_ONCE(*r->sq_flags, WD_SQ_NEED_WAKEUP);
			/*
			 * Pairs with userspace's full barrier between publishing
			 * sq.tail and testing NEED_WAKEUP: either we see the new
			 * tail here or it sees the flag and rings.
			 */
			smp_mb();
			if (!wd_ring_avail(q))
				return false;
			WRITE_ONCE(*r->sq_flags, 0);
			continue;
		}
		n = min_t(u32, n, WD_SOFT_BUDGET - done);
		wd_ring_consume(q, n);
		done += n;
		if (done >= WD_SOFT_BUDGET)
			return true;
	}
}

void wd_worker_fn(struct work_struct *work)
{
	struct wd_queue *q = container_of(work, struct wd_queue, work);
	bool again;

	if (!READ_ONCE(q->running))
		return;
	/* mm_users for this run; fails once the owner's mm is torn down. */
	if (!mmget_not_zero(q->mm))
		return;
	kthread_use_mm(q->mm);
	again = wd_worker_run(q);
	kthread_unuse_mm(q->mm);
	/* Requeue before mmput(): a final mmput() may end in our release. */
	if (again)
		queue_work(wd_soft_wq, &q->work);
	mmput(q->mm);
}

/*
 * After the worker stopped (PUT_Q, close, exit): complete every SQE still in
 * the ring with -ECANCELED, as far as the CQ has room. Touches no user memory.
 */
void wd_worker_cancel_pending(struct wd_queue *q)
{
	struct wd_ring *r = &q->ring;
	struct wd_cqe cqe = { .status = -ECANCELED };
	u32 n;

	/* Pairs with the release in wd_queue_ensure_ring(). */
	if (!smp_load_acquire(&q->ring_ready))
		return;
	n = wd_ring_avail(q);
	if (!n)
		return;
	while (n--) {
		cqe.user_data = r->sqes[q->sq_head & (r->sq_entries - 1)].user_data;
		wd_ring_post(q, &cqe);
	}
	wd_ring_notify(q);
}
