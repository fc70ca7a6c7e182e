// SPDX-License-Identifier: GPL-2.0
/*
 * A forked child inherits the queue fd but not the mappings (VM_DONTCOPY),
 * and cannot drive the queue bound to its parent's mm (-EPERM).
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
	m = mmap(NULL, pg, PROT_READ, MAP_SHARED, q->fd, 0);
	CHECK(m == MAP_FAILED && (errno == EPERM || errno == EEXIST),
	      "child mmap");
	/* the parent stopped the queue: a child START_Q is refused */
	CHECK(ioctl(q->fd, UACCE_CMD_START_Q) && errno == EPERM,
	      "child START_Q");
	return T_PASS;
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
	return T_PASS;
}
