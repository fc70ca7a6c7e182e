// SPDX-License-Identifier: GPL-2.0
/*
 * Zip streams on the kernel device: deflate in small input/output steps with
 * every flush mode (sync/full flush output decodes up to that point), inflate
 * of userspace zlib's multi-member gzip in small steps, data errors with
 * their detail, handle validation (zero, forged, stale, double END),
 * DIRECTION/ENDED, INFO's live count and the per-queue stream bound.
 */
#include "wd_zip.h"

const char *wd_test_name = "zip_stream";

static struct wdq q;
#define N 300000
static uint8_t *src, *cmp, *out;

static uint64_t init(uint32_t flags)
{
	struct wd_cqe c;

	CHECK(zrun(&q, ZOP_INIT, flags, NULL, 0, NULL, 0, &c) == 0,
	      "STREAM_INIT 0x%x: %d", flags, c.status);
	CHECK(c.aux, "handle");
	return c.aux;
}

static void end(uint64_t h)
{
	struct wd_cqe c;

	CHECK(zstream_op(&q, ZOP_END, h, 0, NULL, 0, NULL, 0, &c) == 0,
	      "STREAM_END: %d", c.status);
}

static uint32_t live(void)
{
	struct wd_cqe c;

	CHECK(zrun(&q, ZOP_INFO, 0, NULL, 0, NULL, 0, &c) == 0, "info");
	CHECK(c.consumed && c.produced, "info versions");
	return c.aux;
}

/* Feed src[0..n) with flush, draining output in dst_step pieces. */
static uint32_t deflate_feed(uint64_t h, const uint8_t *in, uint32_t n,
			     int flush, uint32_t dst_step, uint32_t *pos,
			     bool *ended)
{
	uint32_t off = 0, steps = 0;
	struct wd_cqe c;

	for (;;) {
		CHECK(zstream_op(&q, ZOP_DEFLATE, h, flush, in + off, n - off,
				 cmp + *pos, dst_step, &c) == 0,
		      "deflate: %d", c.status);
		CHECK(c.consumed <= n - off && c.produced <= dst_step, "lens");
		off += c.consumed;
		*pos += c.produced;
		*ended = c.aux == 1;
		CHECK(++steps < 100000, "no progress");
		if (c.flags & WD_CQE_F_MORE)
			continue;
		if (off == n || *ended)
			break;
	}
	return off;
}

static void deflate_modes(int fmt, int level)
{
	uint32_t pos = 0, mark, i;
	uint64_t h = init(fmt | ZF_LEVEL(level));
	bool ended = false;
	z_stream z;

	zfill(src, N, level + 7, true);
	/* sync then full flush: what is out so far decodes to the input so far */
	deflate_feed(h, src, 5000, ZFL_SYNC, 700, &pos, &ended);
	CHECK(pos >= 4 && !memcmp(cmp + pos - 4, "\0\0\xff\xff", 4),
	      "sync flush marker");
	memset(&z, 0, sizeof(z));
	CHECK(inflateInit2(&z, zwbits(fmt)) == Z_OK, "ref init");
	z.next_in = cmp;
	z.avail_in = pos;
	z.next_out = out;
	z.avail_out = N;
	CHECK(inflate(&z, Z_SYNC_FLUSH) == Z_OK && z.total_out == 5000 &&
	      !memcmp(out, src, 5000), "sync flush decodes: %lu", z.total_out);
	inflateEnd(&z);
	deflate_feed(h, src + 5000, 20000, ZFL_FULL, 1000, &pos, &ended);
	CHECK(!memcmp(cmp + pos - 4, "\0\0\xff\xff", 4), "full flush marker");
	mark = 25000;
	for (i = mark; i < N - 10000; i += 9000)
		deflate_feed(h, src + i, 9000, ZFL_NONE, 3000, &pos, &ended);
	deflate_feed(h, src + i, N - i, ZFL_FINISH, 2000, &pos, &ended);
	CHECK(ended, "finish ends the stream");
	CHECK(ref_inflate(fmt, cmp, pos, out, N) == N && !memcmp(out, src, N),
	      "stream fmt %d level %d decodes", fmt, level);
	end(h);
}

static void inflate_members(int fmt)
{
	uint32_t a, b, off = 0, pos = 0, step;
	uint64_t h = init(fmt | ZF_MULTI | ZF_DECOMPRESS);
	struct wd_cqe c;
	bool ended = false;

	zfill(src, N, 11, true);
	a = ref_deflate(ZF_GZIP, 6, src, N / 2, cmp, N);
	b = ref_deflate(ZF_GZIP, 1, src + N / 2, N / 2, cmp + a, N);
	while (!ended) {
		step = off + 333 >= a + b ? a + b - off : 333;
		CHECK(zstream_op(&q, ZOP_INFLATE, h,
				 off + step == a + b ? 1 : 0, cmp + off, step,
				 out + pos, 777, &c) == 0,
		      "inflate at %u: %d detail %u", off, c.status, c.detail);
		off += c.consumed;
		pos += c.produced;
		ended = c.aux == 1;
		CHECK(pos <= N, "too much output");
	}
	CHECK(off == a + b && pos == N && !memcmp(out, src, N),
	      "members decode: %u/%u %u", off, a + b, pos);
	end(h);
}

static void inflate_errors(void)
{
	uint64_t h;
	struct wd_cqe c;
	uint32_t n;

	zfill(src, 50000, 1, true);
	n = ref_deflate(ZF_ZLIB, 6, src, 50000, cmp, N);
	h = init(ZF_ZLIB | ZF_DECOMPRESS);
	zstream_op(&q, ZOP_INFLATE, h, 1, cmp, n - 2, out, N, &c);
	CHECK(c.status == -EBADMSG && c.detail == ZD_TRUNCATED,
	      "finish before the end: %d %u", c.status, c.detail);
	end(h);
	h = init(ZF_ZLIB | ZF_DECOMPRESS);
	zstream_op(&q, ZOP_INFLATE, h, 0, cmp, n - 2, out, N, &c);
	CHECK(c.status == 0 && c.consumed == n - 2 && c.produced == 50000 &&
	      !c.aux, "no finish: waits for more");
	memcpy(cmp + n, "xy", 2);
	zstream_op(&q, ZOP_INFLATE, h, 1, cmp + n - 2, 4, out, N, &c);
	CHECK(c.status == -EBADMSG && c.detail == ZD_TRAILING,
	      "trailing: %d %u", c.status, c.detail);
	end(h);
	/* STOP_AT_END (2): the trailing bytes are left, the stream ends */
	h = init(ZF_ZLIB | ZF_DECOMPRESS);
	zstream_op(&q, ZOP_INFLATE, h, 0, cmp, n - 2, out, N, &c);
	zstream_op(&q, ZOP_INFLATE, h, 1 | 2, cmp + n - 2, 4, out, N, &c);
	CHECK(c.status == 0 && c.consumed == 2 && c.aux == 1,
	      "stop at end: %d consumed %u aux %llu", c.status, c.consumed,
	      (unsigned long long)c.aux);
	end(h);
	h = init(ZF_ZLIB | ZF_DECOMPRESS);
	cmp[n - 1] ^= 1;
	zstream_op(&q, ZOP_INFLATE, h, 1, cmp, n, out, N, &c);
	CHECK(c.status == -EBADMSG && c.detail == ZD_CHECKSUM, "adler");
	end(h);
	h = init(ZF_DEFLATE | ZF_DECOMPRESS);
	zstream_op(&q, ZOP_INFLATE, h, 0, "\xff\xff\xff", 3, out, N, &c);
	CHECK(c.status == -EBADMSG && c.detail == ZD_STREAM, "corrupt");
	end(h);
	h = init(ZF_AUTO | ZF_DECOMPRESS);
	zstream_op(&q, ZOP_INFLATE, h, 0, "\x1f\x8c", 2, out, N, &c);
	CHECK(c.status == -EBADMSG && c.detail == ZD_HEADER, "auto header");
	end(h);
}

static void handles(void)
{
	uint64_t d = init(ZF_GZIP | ZF_LEVEL(1)), i = init(ZF_DECOMPRESS);
	uint32_t pos = 0;
	struct wd_cqe c;
	bool ended;

	zstream_op(&q, ZOP_DEFLATE, 0, 0, NULL, 0, out, 10, &c);
	CHECK(c.status == -EINVAL && c.detail == ZD_BAD_HANDLE, "zero");
	zstream_op(&q, ZOP_DEFLATE, d + (1ULL << 32), 0, NULL, 0, out, 10, &c);
	CHECK(c.status == -EINVAL && c.detail == ZD_BAD_HANDLE, "forged gen");
	zstream_op(&q, ZOP_DEFLATE, d + 1000, 0, NULL, 0, out, 10, &c);
	CHECK(c.status == -EINVAL && c.detail == ZD_BAD_HANDLE, "forged id");
	zstream_op(&q, ZOP_INFLATE, d, 0, NULL, 0, out, 10, &c);
	CHECK(c.status == -EINVAL && c.detail == ZD_DIRECTION, "direction");
	zstream_op(&q, ZOP_DEFLATE, i, 0, NULL, 0, out, 10, &c);
	CHECK(c.status == -EINVAL && c.detail == ZD_DIRECTION, "direction 2");
	zstream_op(&q, ZOP_DEFLATE, d, 7, NULL, 0, out, 10, &c);
	CHECK(c.status == -EINVAL && c.detail == ZD_NONE, "bad flush");
	deflate_feed(d, (const uint8_t *)"abc", 3, ZFL_FINISH, 64, &pos, &ended);
	CHECK(ended && ref_inflate(ZF_GZIP, cmp, pos, out, 64) == 3, "abc");
	zstream_op(&q, ZOP_DEFLATE, d, 0, "x", 1, out, 10, &c);
	CHECK(c.status == -EINVAL && c.detail == ZD_ENDED, "ended");
	CHECK(live() == 2, "two live");
	end(d);
	zstream_op(&q, ZOP_END, d, 0, NULL, 0, NULL, 0, &c);
	CHECK(c.status == -EINVAL && c.detail == ZD_BAD_HANDLE, "double end");
	zstream_op(&q, ZOP_DEFLATE, d, 0, NULL, 0, out, 10, &c);
	CHECK(c.status == -EINVAL && c.detail == ZD_BAD_HANDLE, "stale");
	/* a new stream may reuse the slot: the old handle stays stale */
	d = init(ZF_ZLIB | ZF_LEVEL(9));
	zstream_op(&q, ZOP_END, d ^ (3ULL << 32), 0, NULL, 0, NULL, 0, &c);
	CHECK(c.status == -EINVAL && c.detail == ZD_BAD_HANDLE, "end forged");
	end(d);
	end(i);
	CHECK(live() == 0, "none live");
	/* malformed STREAM_INIT */
	CHECK(zrun(&q, ZOP_INIT, ZF_DECOMPRESS | ZF_LEVEL(1), NULL, 0, NULL, 0,
		   &c) == -EINVAL, "inflate with a level");
	CHECK(zrun(&q, ZOP_INIT, ZF_AUTO, NULL, 0, NULL, 0, &c) == -EINVAL,
	      "deflate auto");
	CHECK(zrun(&q, ZOP_INIT, ZF_GZIP | ZF_MULTI, NULL, 0, NULL, 0, &c) ==
	      -EINVAL, "deflate multi");
	CHECK(zrun(&q, ZOP_INIT, ZF_GZIP, src, 1, NULL, 0, &c) == -EINVAL,
	      "init with src");
}

static void bound(void)
{
	uint64_t h[64];
	struct wd_cqe c;
	int i;

	for (i = 0; i < 64; i++)
		h[i] = init(i % 2 ? ZF_DECOMPRESS : ZF_GZIP | ZF_LEVEL(i % 10));
	CHECK(live() == 64, "64 live");
	CHECK(zrun(&q, ZOP_INIT, ZF_GZIP, NULL, 0, NULL, 0, &c) == -ENOMEM,
	      "65th stream: %d", c.status);
	for (i = 0; i < 64; i++)
		end(h[i]);
	CHECK(live() == 0, "all ended");
}

int main(void)
{
	int fmt;

	wd_require_device(0);
	src = malloc(N);
	cmp = malloc(2 * N);
	out = malloc(N + 64);
	CHECK(src && cmp && out, "alloc");
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	for (fmt = ZF_DEFLATE; fmt <= ZF_GZIP; fmt++)
		deflate_modes(fmt, fmt * 3);
	deflate_modes(ZF_GZIP, 9);
	inflate_members(ZF_GZIP);
	inflate_members(ZF_AUTO);
	inflate_errors();
	handles();
	bound();
	wd_queue_close(&q);
	return T_PASS;
}
