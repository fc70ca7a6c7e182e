// SPDX-License-Identifier: GPL-2.0
/*
 * One-shot COMPRESS/DECOMPRESS on the kernel device: deflate, zlib and gzip
 * at levels 0-9 round-trip and cross-check with userspace zlib both ways,
 * level 0 is byte-exact stored blocks, cqe.aux is the format's checksum,
 * auto format and multi-member gzip decode.
 */
#include "wd_zip.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *wd_test_name = "zip_oneshot";

static struct wdq q;
#define MAXN (600 * 1024)
static uint8_t *src, *cmp, *out;

static void round_trip(int fmt, int level, uint32_t n, bool text)
{
	uint32_t cap = n + n / 8 + 1024;
	struct wd_cqe c;
	long ref;

	zfill(src, n, n * 31 + level, text);
	memset(cmp, 0xee, cap + 64);
	CHECK(zrun(&q, ZOP_COMPRESS, fmt | ZF_LEVEL(level), src, n, cmp, cap,
		   &c) == 0, "compress fmt %d level %d n %u: %d", fmt, level, n,
	      c.status);
	CHECK(c.consumed == n && c.produced <= cap && cmp[cap] == 0xee,
	      "compress lens");
	CHECK(c.aux == (fmt == ZF_GZIP ? crc32(0, src, n) :
			fmt == ZF_ZLIB ? adler32(1, src, n) : 0), "aux sum");
	/* userspace zlib decodes the device's output */
	ref = ref_inflate(fmt, cmp, c.produced, out, MAXN);
	CHECK(ref == n && !memcmp(out, src, n), "zlib reads fmt %d level %d n %u",
	      fmt, level, n);
	/* the device decodes its own output, into an exact-size buffer */
	memset(out, 0xee, n + 64);
	CHECK(zrun(&q, ZOP_DECOMPRESS, fmt, cmp, c.produced, out, n, &c) == 0,
	      "decompress %d/%d/%u: %d detail %u", fmt, level, n, c.status,
	      c.detail);
	CHECK(c.produced == n && !memcmp(out, src, n) && out[n] == 0xee,
	      "decompress data");
	/* and userspace zlib's output */
	ref = ref_deflate(fmt, level, src, n, cmp, MAXN + 4096);
	CHECK(ref > 0, "ref deflate");
	CHECK(zrun(&q, ZOP_DECOMPRESS, fmt, cmp, ref, out, MAXN, &c) == 0 &&
	      c.produced == n && c.consumed == ref && !memcmp(out, src, n),
	      "device reads zlib's fmt %d level %d n %u: %d", fmt, level, n,
	      c.status);
}

static void vectors(void)
{
	static const uint8_t gz_abc[] = {
		0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3, 1, 3, 0, 0xfc, 0xff,
		'a', 'b', 'c', 0xc2, 0x41, 0x24, 0x35, 3, 0, 0, 0 };
	static const uint8_t zl_empty[] = { 0x78, 0x01, 1, 0, 0, 0xff, 0xff,
					    0, 0, 0, 1 };
	struct wd_cqe c;

	CHECK(zrun(&q, ZOP_COMPRESS, ZF_GZIP, "abc", 3, cmp, 64, &c) == 0 &&
	      c.produced == sizeof(gz_abc) && !memcmp(cmp, gz_abc, c.produced),
	      "gzip abc level 0");
	CHECK(zrun(&q, ZOP_COMPRESS, ZF_ZLIB, NULL, 0, cmp, 64, &c) == 0 &&
	      c.produced == sizeof(zl_empty) &&
	      !memcmp(cmp, zl_empty, c.produced), "zlib empty level 0");
	/* 65535 * 2 bytes: exactly two full stored blocks */
	zfill(src, 131070, 5, false);
	CHECK(zrun(&q, ZOP_COMPRESS, ZF_DEFLATE, src, 131070, cmp, MAXN, &c) == 0 &&
	      c.produced == 131080 && cmp[0] == 0 && cmp[65540] == 1,
	      "two stored blocks: %u", c.produced);
}

static void auto_and_multi(void)
{
	uint8_t two[256];
	struct wd_cqe c;
	long a, b;

	a = ref_deflate(ZF_GZIP, 6, "hello ", 6, two, sizeof(two));
	b = ref_deflate(ZF_GZIP, 1, "world", 5, two + a, sizeof(two) - a);
	CHECK(a > 0 && b > 0, "ref members");
	CHECK(zrun(&q, ZOP_DECOMPRESS, ZF_GZIP | ZF_MULTI, two, a + b, out, 64,
		   &c) == 0 && c.produced == 11 && !memcmp(out, "hello world", 11),
	      "two members");
	CHECK(zrun(&q, ZOP_DECOMPRESS, ZF_AUTO | ZF_MULTI, two, a + b, out, 64,
		   &c) == 0 && c.produced == 11, "auto two members");
	CHECK(zrun(&q, ZOP_DECOMPRESS, ZF_GZIP, two, a + b, out, 64, &c) ==
	      -EBADMSG && c.detail == ZD_TRAILING, "one member: trailing");
	a = ref_deflate(ZF_ZLIB, 9, "zlib!", 5, two, sizeof(two));
	CHECK(zrun(&q, ZOP_DECOMPRESS, ZF_AUTO, two, a, out, 64, &c) == 0 &&
	      c.produced == 5 && c.consumed == a, "auto zlib");
}

int main(void)
{
	static const uint32_t sizes[] = { 0, 1, 1000, 70000, 300000 };
	static const int levels[] = { 0, 1, 2, 6, 9 };
	unsigned int i, l;
	int fmt;

	wd_require_device(0);
	src = malloc(MAXN);
	cmp = malloc(MAXN + 8192);
	out = malloc(MAXN + 64);
	CHECK(src && cmp && out, "alloc");
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	vectors();
	auto_and_multi();
	for (fmt = ZF_DEFLATE; fmt <= ZF_GZIP; fmt++)
		for (l = 0; l < ARRAY_SIZE(levels); l++)
			for (i = 0; i < ARRAY_SIZE(sizes); i++)
				round_trip(fmt, levels[l], sizes[i], i % 2);
	round_trip(ZF_GZIP, 6, MAXN - 1024, false);
	wd_queue_close(&q);
	return T_PASS;
}
