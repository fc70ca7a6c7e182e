// SPDX-License-Identifier: GPL-2.0
/* Small rings wrap thousands of times, single and full batches, in order. */
#include <string.h>

#include "wd_test.h"

const char *wd_test_name = "wrap";

static void run(uint32_t entries, int rounds, uint32_t batch)
{
	uint8_t src[256], dst[256];
	uint64_t next = 0, expect = 0;
	struct wd_sqe *s;
	struct wd_cqe c;
	struct wdq q;
	uint32_t i;

	CHECK(!wd_queue_open(&q, 0, entries), "open %u", entries);
	memset(src, 0x5a, sizeof(src));
	while (expect < (uint64_t)rounds * entries) {
		for (i = 0; i < batch && (s = wd_get_sqe(&q)); i++, next++) {
			if (next & 1)
				wd_prep_copy(s, src, next & 255, dst, 256, next);
			else
				wd_prep_nop(s, next);
		}
		CHECK(!wd_submit(&q), "submit");
		while (expect < next) {
			CHECK(!wd_wait_cqe(&q, &c, 20000), "wait %llu",
			      (unsigned long long)expect);
			CHECK(c.user_data == expect, "order: got %llu want %llu",
			      (unsigned long long)c.user_data,
			      (unsigned long long)expect);
			CHECK(c.status == 0, "status %d", c.status);
			expect++;
		}
	}
	CHECK(*q.sq_head == q.sq_local_tail && *q.cq_tail == *q.cq_head,
	      "indices agree");
	CHECK(*q.sq_dropped == 0, "nothing dropped");
	wd_queue_close(&q);
}

int main(void)
{
	wd_require_device(0);
	run(1, 3000, 1);
	run(2, 3000, 2);
	run(4, 3000, 1);
	run(8, 2000, 8);
	run(64, 200, 64);
	return T_PASS;
}
