// SPDX-License-Identifier: GPL-2.0
/* Unmapped, read-only and kernel addresses end as -EFAULT CQEs. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wd_test.h"

const char *wd_test_name = "efault";

static struct wdq q;

static void expect(const struct wd_sqe *s, int status, const char *what)
{
	struct wd_cqe c;

	CHECK(!wd_run_one(&q, s, &c), "%s: no CQE", what);
	CHECK(c.status == status, "%s: status %d, want %d", what, c.status,
	      status);
}

int main(void)
{
	void *kern = (void *)0xffffffff81000000UL;	/* kernel text */
	void *direct = (void *)0xffff888000100000UL;	/* direct map */
	long pg = getpagesize();
	uint8_t *hole, *ro, buf[256];
	struct wd_sgl_entry e[2];
	struct wd_sqe s;
	struct wd_cqe c;

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 4), "open");
	hole = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(hole != MAP_FAILED, "mmap");
	munmap(hole, 4 * pg);
	ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED, "mmap ro");

	wd_prep_copy(&s, hole, 16, buf, 16, 1);	expect(&s, -EFAULT, "unmapped src");
	wd_prep_copy(&s, buf, 16, hole, 16, 2);	expect(&s, -EFAULT, "unmapped dst");
	wd_prep_copy(&s, buf, 16, ro, 16, 3);	expect(&s, -EFAULT, "read-only dst");
	wd_prep_copy(&s, kern, 16, buf, 16, 4);	expect(&s, -EFAULT, "kernel src");
	wd_prep_copy(&s, buf, 16, kern, 16, 5);	expect(&s, -EFAULT, "kernel dst");
	wd_prep_copy(&s, direct, 16, buf, 16, 6);
	expect(&s, -EFAULT, "direct-map src");
	wd_prep_crc32(&s, kern, 4096, 0, 7);	expect(&s, -EFAULT, "kernel crc");
	wd_prep_crc32(&s, hole, 1, 0, 8);	expect(&s, -EFAULT, "unmapped crc");
	/* a valid buffer that runs into the hole */
	wd_prep_crc32(&s, ro + pg - 8, 16, 0, 9);
	if (ro + pg == hole)
		expect(&s, -EFAULT, "runs off the end");

	/* pointers inside the data: the SGL itself, or its entries */
	wd_prep_copy(&s, kern, 2, buf, 16, 10);
	s.flags = WD_SQE_F_SRC_SGL;		expect(&s, -EFAULT, "kernel sgl");
	wd_prep_copy(&s, hole, 2, buf, 16, 11);
	s.flags = WD_SQE_F_SRC_SGL;		expect(&s, -EFAULT, "unmapped sgl");
	e[0] = (struct wd_sgl_entry){ (uintptr_t)buf, 8, 0 };
	e[1] = (struct wd_sgl_entry){ (uintptr_t)kern, 8, 0 };
	wd_prep_copy(&s, e, 2, buf + 128, 16, 12);
	s.flags = WD_SQE_F_SRC_SGL;		expect(&s, -EFAULT, "kernel entry");
	wd_prep_copy(&s, buf, 16, e, 2, 13);
	s.flags = WD_SQE_F_DST_SGL;		expect(&s, -EFAULT, "kernel dst entry");

	/* the queue is still fine */
	wd_prep_crc32(&s, "123456789", 9, 0, 14);
	CHECK(!wd_run_one(&q, &s, &c) && c.aux == 0xcbf43926, "still works");
	wd_queue_close(&q);
	return T_PASS;
}
