// SPDX-License-Identifier: GPL-2.0
/* close() with large work in flight: no leak, available_instances restored. */
#include <string.h>
#include <unistd.h>

#include "wd_test.h"

const char *wd_test_name = "close_inflight";

static bool wait_avail(long want)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (wd_sysfs_long(0, "available_instances") == want)
			return true;
		usleep(10000);
	}
	return false;
}

int main(void)
{
	size_t len = 4 << 20;
	uint8_t *src = malloc(len), *dst = malloc(len);
	struct wd_sqe *s;
	struct wdq q;
	long avail;
	int round, i;

	wd_require_device(0);
	memset(src, 1, len);
	avail = wd_sysfs_long(0, "available_instances");
	for (round = 0; round < 40; round++) {
		CHECK(!wd_queue_open(&q, 0, 16), "open");
		if (round & 1)
			CHECK(!wd_queue_use_kick(&q), "kick");
		for (i = 0; i < 16 && (s = wd_get_sqe(&q)); i++)
			wd_prep_copy(s, src, len, dst, len, i);
		CHECK(!wd_submit(&q), "submit");
		if (round & 2)
			usleep(1000);
		/* munmap first so close() is the last reference: release now */
		wd_queue_close(&q);
		CHECK(wait_avail(avail), "round %d: available_instances %ld",
		      round, wd_sysfs_long(0, "available_instances"));
	}
	/* close while mapped: release happens at exit's munmap */
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	for (i = 0; i < 16 && (s = wd_get_sqe(&q)); i++)
		wd_prep_copy(s, src, len, dst, len, i);
	CHECK(!wd_submit(&q), "submit");
	close(q.fd);
	CHECK(wd_sysfs_long(0, "available_instances") == avail - 1,
	      "mapping keeps the queue");
	munmap(q.ring, q.ring_len);
	munmap(q.mmio, q.mmio_len);
	CHECK(wait_avail(avail), "released after munmap");
	return T_PASS;
}
