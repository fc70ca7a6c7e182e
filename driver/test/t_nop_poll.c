// SPDX-License-Identifier: GPL-2.0
/* open, START_Q, NOP round trips woken by poll(), via ioctl and eventfd kick. */
#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "wd_test.h"

const char *wd_test_name = "nop_poll";

static void round_trips(struct wdq *q, int n)
{
	struct wd_sqe s;
	struct wd_cqe c;
	int i;

	for (i = 0; i < n; i++) {
		wd_prep_nop(&s, 0xabcdef0000000000ULL + i);
		CHECK(!wd_run_one(q, &s, &c), "round trip %d", i);
		CHECK(c.user_data == 0xabcdef0000000000ULL + i, "user_data");
		CHECK(c.status == 0 && !c.consumed && !c.produced && !c.aux,
		      "status %d", c.status);
	}
}

int main(void)
{
	struct pollfd pfd;
	struct wdq q;
	int bad = 999;

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 8), "open");
	pfd.fd = q.fd;
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 0) == 0, "idle queue is not readable");
	round_trips(&q, 100);
	CHECK(!wd_queue_use_kick(&q), "SET_KICK");
	round_trips(&q, 100);
	CHECK(ioctl(q.fd, WD_SOFT_IOCTL_SET_KICK, &bad) && errno == EBADF,
	      "kick fd 999 is not open");
	bad = -1;
	CHECK(!ioctl(q.fd, WD_SOFT_IOCTL_SET_KICK, &bad), "clear kick");
	close(q.kick_fd);
	q.kick_fd = -1;
	round_trips(&q, 10);
	CHECK(ioctl(q.fd, _IO('W', 0x7f)) && errno == ENOTTY, "unknown ioctl");
	wd_queue_close(&q);
	return T_PASS;
}
