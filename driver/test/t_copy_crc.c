// SPDX-License-Identifier: GPL-2.0
/* COPY and CRC32 results are correct: flat, SGL, overlap, ENOSPC, seeds. */
#include <string.h>
#include <sys/mman.h>

#include "wd_test.h"

const char *wd_test_name = "copy_crc";

static struct wdq q;

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	while (n--) {
		seed = seed * 1103515245 + 12345;
		*p++ = seed >> 16;
	}
}

static void copy_sizes(uint8_t *src, uint8_t *dst)
{
	static const uint32_t sizes[] = { 0, 1, 63, 4095, 4096, 65536, 65537,
					  1 << 20, 3 << 20 };
	struct wd_sqe s;
	struct wd_cqe c;
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill(src, sizes[i], i);
		memset(dst, 0xee, sizes[i] + 16);
		wd_prep_copy(&s, sizes[i] ? src : NULL, sizes[i],
			     sizes[i] ? dst : NULL, sizes[i], i);
		CHECK(!wd_run_one(&q, &s, &c), "copy %u", sizes[i]);
		CHECK(c.status == 0, "copy %u status %d", sizes[i], c.status);
		CHECK(c.consumed == sizes[i] && c.produced == sizes[i], "lens");
		CHECK(!memcmp(src, dst, sizes[i]), "copy %u data", sizes[i]);
		CHECK(dst[sizes[i]] == 0xee, "wrote past the end");

		wd_prep_crc32(&s, src, sizes[i], 0, i);
		CHECK(!wd_run_one(&q, &s, &c) && c.status == 0, "crc %u", sizes[i]);
		CHECK(c.aux == ref_crc32(0, src, sizes[i]), "crc %u value",
		      sizes[i]);
		CHECK(c.consumed == sizes[i], "crc consumed");
	}
}

static void crc_vectors(void)
{
	struct wd_sqe s;
	struct wd_cqe c;

	wd_prep_crc32(&s, "123456789", 9, 0, 1);
	CHECK(!wd_run_one(&q, &s, &c) && c.aux == 0xcbf43926, "check value");
	/* seeded continuation = zlib's crc32(crc32(0, a), b) */
	wd_prep_crc32(&s, "56789", 5, ref_crc32(0, "1234", 4), 2);
	CHECK(!wd_run_one(&q, &s, &c) && c.aux == 0xcbf43926, "seeded");
}

static void copy_errors(uint8_t *src, uint8_t *dst)
{
	struct wd_sqe s;
	struct wd_cqe c;

	memset(dst, 0x55, 100);
	wd_prep_copy(&s, src, 100, dst, 99, 7);
	CHECK(!wd_run_one(&q, &s, &c) && c.status == -ENOSPC, "ENOSPC");
	CHECK(dst[0] == 0x55 && dst[98] == 0x55, "nothing written on ENOSPC");
	/* dst larger than src is fine: produced = src_len */
	wd_prep_copy(&s, src, 10, dst, 100, 8);
	CHECK(!wd_run_one(&q, &s, &c) && c.status == 0 && c.produced == 10,
	      "dst larger");
}

static void overlap(uint8_t *buf)
{
	uint8_t *ref = malloc(300000);
	struct wd_sqe s;
	struct wd_cqe c;

	fill(buf, 400000, 9);
	memcpy(ref, buf, 300000);
	wd_prep_copy(&s, buf, 300000, buf + 1000, 300000, 9);	/* memmove */
	CHECK(!wd_run_one(&q, &s, &c) && c.status == 0, "overlap up");
	CHECK(!memcmp(buf + 1000, ref, 300000), "overlap up data");
	memcpy(ref, buf + 5000, 300000);
	wd_prep_copy(&s, buf + 5000, 300000, buf, 300000, 10);
	CHECK(!wd_run_one(&q, &s, &c) && c.status == 0, "overlap down");
	CHECK(!memcmp(buf, ref, 300000), "overlap down data");
	free(ref);
}

static void sgl(uint8_t *src, uint8_t *dst)
{
	static const uint32_t slen[] = { 1, 4096, 0, 70000, 13, 5000 };
	static const uint32_t dlen[] = { 3000, 0, 77000, 10 };
	struct wd_sgl_entry se[6], de[4];
	uint32_t total = 0, off = 0, i;
	uint8_t *flat = malloc(1 << 20);
	struct wd_sqe s;
	struct wd_cqe c;

	for (i = 0; i < 6; i++) {
		se[i] = (struct wd_sgl_entry){ (uintptr_t)(src + off), slen[i], 0 };
		fill(src + off, slen[i], 100 + i);
		memcpy(flat + total, src + off, slen[i]);
		total += slen[i];
		off += slen[i] + 333;
	}
	for (i = 0, off = 0; i < 4; i++) {
		de[i] = (struct wd_sgl_entry){ (uintptr_t)(dst + off), dlen[i], 0 };
		off += dlen[i] + 77;
	}
	memset(dst, 0, off);
	wd_prep_copy(&s, se, 6, de, 4, 11);
	s.flags = WD_SQE_F_SRC_SGL | WD_SQE_F_DST_SGL;
	CHECK(!wd_run_one(&q, &s, &c) && c.status == 0, "sgl copy %d", c.status);
	CHECK(c.consumed == total && c.produced == total, "sgl lens");
	for (i = 0, off = 0; i < 4; i++) {
		uint32_t n = dlen[i] < total - off ? dlen[i] : total - off;

		CHECK(!memcmp((void *)(uintptr_t)de[i].addr, flat + off, n),
		      "sgl dst %u", i);
		off += n;
	}
	wd_prep_crc32(&s, se, 6, 0, 12);
	s.flags = WD_SQE_F_SRC_SGL;
	CHECK(!wd_run_one(&q, &s, &c) && c.status == 0, "sgl crc");
	CHECK(c.aux == ref_crc32(0, flat, total), "sgl crc value");
	/* flat src into an SGL that is one byte short */
	de[2].len = total - 1 - dlen[0] - dlen[3];
	wd_prep_copy(&s, flat, total, de, 4, 13);
	s.flags = WD_SQE_F_DST_SGL;
	CHECK(!wd_run_one(&q, &s, &c) && c.status == -ENOSPC, "sgl ENOSPC");
	free(flat);
}

int main(void)
{
	uint8_t *src = malloc(4 << 20), *dst = malloc(4 << 20);

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	crc_vectors();
	copy_sizes(src, dst);
	copy_errors(src, dst);
	overlap(src);
	sgl(src, dst);
	wd_queue_close(&q);
	return T_PASS;
}
