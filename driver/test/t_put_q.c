// SPDX-License-Identifier: GPL-2.0
/*
 * PUT_Q with work in flight: every SQE completes (0 or -ECANCELED), the
 * worker stops, and START_Q resumes the same rings.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "wd_test.h"

const char *wd_test_name = "put_q";

int main(void)
{
	size_t len = 4 << 20;
	uint8_t *src = malloc(len), *dst = malloc(len);
	int round, i, n, ok, canceled;
	struct wd_sqe *s;
	struct wd_cqe c;
	struct wdq q;

	wd_require_device(0);
	memset(src, 7, len);
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	for (round = 0; round < 10; round++) {
		for (n = 0; (s = wd_get_sqe(&q)); n++)
			wd_prep_copy(s, src, len, dst, len, n);
		CHECK(!wd_submit(&q), "submit");
		CHECK(!ioctl(q.fd, UACCE_CMD_PUT_Q), "PUT_Q");
		ok = canceled = 0;
		for (i = 0; i < n; i++) {
			CHECK(wd_peek_cqe(&q, &c), "round %d: CQE %d missing "
			      "after PUT_Q", round, i);
			CHECK(c.user_data == (uint64_t)i, "order");
			CHECK(c.status == 0 || c.status == -ECANCELED,
			      "status %d", c.status);
			ok += !c.status;
			canceled += c.status == -ECANCELED;
		}
		CHECK(!wd_peek_cqe(&q, &c), "extra CQE");
		CHECK(ioctl(q.fd, WD_SOFT_IOCTL_DOORBELL) && errno == EBADFD,
		      "doorbell while stopped");
		CHECK(!wd_queue_start(&q), "START_Q again");
		wd_prep_nop(wd_get_sqe(&q), 1000);
		CHECK(!wd_submit(&q), "submit nop");
		CHECK(!wd_wait_cqe(&q, &c, 20000) && c.user_data == 1000,
		      "nop after restart");
	}
	printf("%s: last round %d done, %d canceled\n", wd_test_name, ok,
	       canceled);
	wd_queue_close(&q);
	return T_PASS;
}
