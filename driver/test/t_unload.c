// SPDX-License-Identifier: GPL-2.0
/*
 * Module unload with an open queue is refused (the queue pins wd_soft); the
 * runner unloads both modules once every test has closed its queues.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wd_test.h"

const char *wd_test_name = "unload";

int main(void)
{
	struct wd_sqe s;
	struct wd_cqe c;
	struct wdq q;
	long r;

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 4), "open");
	r = syscall(SYS_delete_module, "wd_soft", O_NONBLOCK);
	CHECK(r == -1 && (errno == EWOULDBLOCK || errno == EBUSY),
	      "unload with an open queue: %ld errno %d", r, errno);
	r = syscall(SYS_delete_module, "uacce", O_NONBLOCK);
	CHECK(r == -1, "uacce unloaded under wd_soft");
	wd_prep_nop(&s, 5);
	CHECK(!wd_run_one(&q, &s, &c) && c.user_data == 5, "queue survives");
	wd_queue_close(&q);
	return T_PASS;
}
