// SPDX-License-Identifier: GPL-2.0
/*
 * No-SVA mode: addresses are offsets into the queue's data region (in DUS,
 * after the rings); everything outside it is -EFAULT, process pointers too.
 */
#include <string.h>

#include "wd_test.h"

const char *wd_test_name = "nosva";

static struct wdq q;

static void expect(const struct wd_sqe *s, int status, const char *what)
{
	struct wd_cqe c;

	CHECK(!wd_run_one(&q, s, &c), "%s: no CQE", what);
	CHECK(c.status == status, "%s: status %d, want %d", what, c.status,
	      status);
}

#define OFF(x) ((void *)(uintptr_t)(x))

int main(void)
{
	struct wd_soft_qp_params p = { .sq_entries = 8,
				       .features = WD_FEAT_NOSVA,
				       .data_bytes = 100000 };
	uint8_t local[64] = { 0 };
	struct wd_sgl_entry *sgl;
	uint64_t n, i;
	struct wd_sqe s;
	struct wd_cqe c;

	wd_require_device(0);
	CHECK(!wd_queue_open_params(&q, 0, &p), "open no-SVA");
	CHECK(!wd_queue_start(&q), "start");
	CHECK(p.features & WD_FEAT_NOSVA && !(p.features & WD_FEAT_SVA),
	      "granted %#x", p.features);
	CHECK(q.info->features == p.features, "ring features");
	n = q.data_bytes;
	CHECK(q.data && n >= 100000 && n % getpagesize() == 0, "data %llu",
	      (unsigned long long)n);
	CHECK(q.info->data_offset >= q.info->ring_bytes &&
	      q.info->data_offset + n <= q.ring_len, "data placement");

	for (i = 0; i < n; i++)
		q.data[i] = i * 13;
	/* offset 0 is a valid address here */
	wd_prep_crc32(&s, OFF(0), 9, 0, 1);
	memcpy(q.data, "123456789", 9);
	CHECK(!wd_run_one(&q, &s, &c) && !c.status && c.aux == 0xcbf43926,
	      "crc at offset 0: %d", c.status);
	wd_prep_copy(&s, OFF(0), 50000, OFF(50000), 50000, 2);
	expect(&s, 0, "copy in region");
	CHECK(!memcmp(q.data, q.data + 50000, 50000), "copy data");
	wd_prep_copy(&s, OFF(0), 60000, OFF(1000), 60000, 3);
	expect(&s, 0, "overlapping copy");
	wd_prep_crc32(&s, OFF(n - 1), 1, 0, 4);	expect(&s, 0, "last byte");
	wd_prep_crc32(&s, OFF(n), 0, 0, 5);	expect(&s, 0, "empty at end");
	wd_prep_crc32(&s, OFF(n - 1), 2, 0, 6);	expect(&s, -EFAULT, "past end");
	wd_prep_crc32(&s, OFF(n + 1), 0, 0, 7);	expect(&s, -EFAULT, "beyond");
	wd_prep_crc32(&s, OFF(-1ULL), 2, 0, 8);	expect(&s, -EFAULT, "wrap");
	wd_prep_crc32(&s, local, 8, 0, 9);
	expect(&s, -EFAULT, "a process pointer is not an offset");
	wd_prep_copy(&s, OFF(0), 16, OFF(n - 8), 16, 10);
	expect(&s, -EFAULT, "dst past end");

	/* SGL: the list and its entries are offsets too */
	sgl = (struct wd_sgl_entry *)(q.data + 90000);
	sgl[0] = (struct wd_sgl_entry){ 0, 9, 0 };
	sgl[1] = (struct wd_sgl_entry){ 1000, 0, 0 };
	memcpy(q.data, "123456789", 9);
	wd_prep_crc32(&s, OFF(90000), 2, 0, 11);
	s.flags = WD_SQE_F_SRC_SGL;
	CHECK(!wd_run_one(&q, &s, &c) && !c.status && c.aux == 0xcbf43926,
	      "sgl crc %d", c.status);
	sgl[1] = (struct wd_sgl_entry){ n - 4, 8, 0 };
	wd_prep_crc32(&s, OFF(90000), 2, 0, 12);
	s.flags = WD_SQE_F_SRC_SGL;
	expect(&s, -EFAULT, "sgl entry past end");
	wd_prep_crc32(&s, OFF(n - 16), 2, 0, 13);
	s.flags = WD_SQE_F_SRC_SGL;
	expect(&s, -EFAULT, "sgl list past end");
	wd_queue_close(&q);
	return T_PASS;
}
