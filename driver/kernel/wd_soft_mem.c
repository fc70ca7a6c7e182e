// SPDX-License-Identifier: GPL-2.0
/*
 * How an engine reaches the memory a descriptor names. SVA: the worker runs
 * inside the owner's mm and every access is copy_{from,to}_user(), so an
 * unmapped or kernel address becomes -EFAULT, never an oops. No-SVA: the
 * address is an offset into the queue's data region, bounds-checked here.
 * Engines never dereference a descriptor address any other way.
 */
#include <linux/sched/mm.h>
#include <linux/uaccess.h>

#include "wd_soft_drv.h"

/*
 * Is [addr, addr + len) out of reach? SVA: NULL-with-length or wrapping (the
 * uaccess helpers catch the rest). No-SVA: outside the queue's data region.
 */
bool wd_range_faults(struct wd_queue *q, u64 addr, u64 len)
{
	if (q->data)
		return addr > q->data_bytes || len > q->data_bytes - addr;
	return len && (!addr || addr + len < addr);
}

int wd_mem_read(struct wd_queue *q, void *to, u64 addr, size_t n)
{
	if (q->data) {
		if (wd_range_faults(q, addr, n))
			return -EFAULT;
		memcpy(to, q->data + addr, n);
		return 0;
	}
	return copy_from_user(to, u64_to_user_ptr(addr), n) ? -EFAULT : 0;
}

int wd_mem_write(struct wd_queue *q, u64 addr, const void *from, size_t n)
{
	if (q->data) {
		if (wd_range_faults(q, addr, n))
			return -EFAULT;
		memcpy(q->data + addr, from, n);
		return 0;
	}
	return copy_to_user(u64_to_user_ptr(addr), from, n) ? -EFAULT : 0;
}

bool wd_should_abort(struct wd_queue *q)
{
	return !READ_ONCE(q->running) || atomic_read(&q->mm->mm_users) <= 1;
}
