// SPDX-License-Identifier: GPL-2.0
/*
 * A forked child inherits the queue fd but not the mappings (VM_DONTCOPY),
 * and cannot drive the queue bound to its parent's mm (-EPERM).
 *
 * Two orders: fork after the parent mapped both regions (uacce itself
 * refuses the child's mmap, -EEXIST: each region is mapped once), and fork
 * before the parent mapped anything, so that uacce passes the child's mmap
 * through and the driver's own owner check in wd_queue_mmap() is what
 * refuses it (-EPERM; 6.1 uacce never returns EPERM from mmap).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wd_test.h"

const char *wd_test_name = "fork";

static bool mapped_in_self(const void *addr)
{
	char line[256];
	unsigned long lo, hi;
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");

	CHECK(f, "maps");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 &&
		    (uintptr_t)addr >= lo && (uintptr_t)addr < hi)
			found = true;
	fclose(f);
	return found;
}

static int child(struct wdq *q)
{
	struct wd_soft_qp_params p = { .sq_entries = 4 };
	long pg = getpagesize();
	int efd = eventfd(0, 0);
	void *m;

	CHECK(!mapped_in_self(q->ring), "ring mapping inherited");
	CHECK(!mapped_in_self(q->mmio), "mmio mapping inherited");
	CHECK(ioctl(q->fd, WD_SOFT_IOCTL_DOORBELL) && errno == EPERM,
	      "child doorbell");
	CHECK(ioctl(q->fd, WD_SOFT_IOCTL_SET_QP, &p) && errno == EPERM,
	      "child SET_QP");
	CHECK(ioctl(q->fd, WD_SOFT_IOCTL_SET_KICK, &efd) && errno == EPERM,
	      "child SET_KICK");
	/* uacce answers first: the parent mapped this region already */
	m = mmap(NULL, pg, PROT_READ, MAP_SHARED, q->fd, 0);
	CHECK(m == MAP_FAILED && errno == EEXIST, "child mmap: %s",
	      m == MAP_FAILED ? strerror(errno) : "mapped");
	/* the parent stopped the queue: a child START_Q is refused */
	CHECK(ioctl(q->fd, UACCE_CMD_START_Q) && errno == EPERM,
	      "child START_Q");
	return T_PASS;
}

/* The parent has not mapped either region: only the driver can refuse. */
static int child_unmapped(struct wdq *q, size_t dus_len)
{
	long pg = getpagesize();
	void *m;

	m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, q->fd,
		 UACCE_QFRT_MMIO * pg);
	CHECK(m == MAP_FAILED && errno == EPERM, "child mmap of MMIO: %s",
	      m == MAP_FAILED ? strerror(errno) : "mapped the parent's doorbell");
	m = mmap(NULL, dus_len, PROT_READ | PROT_WRITE, MAP_SHARED, q->fd,
		 UACCE_QFRT_DUS * pg);
	CHECK(m == MAP_FAILED && errno == EPERM, "child mmap of DUS: %s",
	      m == MAP_FAILED ? strerror(errno) : "mapped the parent's rings");
	CHECK(ioctl(q->fd, UACCE_CMD_START_Q) && errno == EPERM,
	      "child START_Q before the parent mapped");
	return T_PASS;
}

/* Fork between SET_QP and the mmaps; the parent then maps and runs. */
static void fork_before_mmap(void)
{
	struct wd_soft_qp_params p = { .sq_entries = 4,
				       .features = WD_FEAT_SVA };
	long dus = wd_sysfs_long(0, "region_dus_size");
	struct wd_sqe s;
	struct wd_cqe c;
	struct wdq q;
	int status;
	pid_t pid;

	CHECK(dus > 0, "region_dus_size");
	CHECK(!wd_queue_open_unmapped(&q, 0, &p), "open unmapped");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid)
		_exit(child_unmapped(&q, dus));
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "unmapped child failed");
	/* uacce recorded no region for the refused mmaps: the owner maps both */
	CHECK(!wd_queue_map(&q, 0), "parent maps after the child's attempts");
	CHECK(!wd_queue_start(&q), "parent START_Q");
	wd_prep_nop(&s, 7);
	CHECK(!wd_run_one(&q, &s, &c) && c.user_data == 7 && !c.status,
	      "parent drives the queue the child could not map");
	wd_queue_close(&q);
}

int main(void)
{
	struct wd_sqe s;
	struct wd_cqe c;
	struct wdq q;
	int status;
	pid_t pid;

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 4), "open");
	CHECK(!ioctl(q.fd, UACCE_CMD_PUT_Q), "PUT_Q");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid)
		_exit(child(&q));
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed");
	CHECK(!wd_queue_start(&q), "parent START_Q again");
	wd_prep_nop(&s, 42);
	CHECK(!wd_run_one(&q, &s, &c) && c.user_data == 42 && !c.status,
	      "parent still drives its queue");
	wd_queue_close(&q);
	fork_before_mmap();
	return T_PASS;
}
