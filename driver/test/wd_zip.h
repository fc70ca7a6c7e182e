/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The zip protocol (packages/plugins-zip/engine/zip_engine.h) for
 * the t_zip_* tests, and one-call helpers around wd_run_one(). Userspace
 * zlib (linked statically) is the reference.
 */
#ifndef WD_ZIP_H
#define WD_ZIP_H

#include <string.h>
#include <zlib.h>

#include "wd_test.h"

enum {
	ZOP_COMPRESS = 0x10, ZOP_DECOMPRESS, ZOP_INIT, ZOP_DEFLATE,
	ZOP_INFLATE, ZOP_END, ZOP_INFO,
};
enum { ZF_DEFLATE, ZF_ZLIB, ZF_GZIP, ZF_AUTO };
#define ZF_LEVEL(l)	((uint32_t)(l) << 4)
#define ZF_MULTI	(1u << 8)
#define ZF_DECOMPRESS	(1u << 9)
enum { ZFL_NONE, ZFL_SYNC, ZFL_FULL, ZFL_FINISH };
enum {
	ZD_NONE, ZD_HEADER, ZD_STREAM, ZD_CHECKSUM, ZD_TRAILING, ZD_TRUNCATED,
	ZD_BAD_HANDLE, ZD_BUSY, ZD_BAD_PARAM, ZD_DIRECTION, ZD_ENDED,
};

static inline void zprep(struct wd_sqe *s, uint8_t op, uint32_t flags,
			 const void *src, uint32_t src_len, void *dst,
			 uint32_t dst_len)
{
	memset(s, 0, sizeof(*s));
	s->opcode = op;
	s->op_flags = flags;
	s->src_addr = (uintptr_t)src;
	s->src_len = src_len;
	s->dst_addr = (uintptr_t)dst;
	s->dst_len = dst_len;
}

/* Run one zip request; returns the CQE status. */
static inline int zrun(struct wdq *q, uint8_t op, uint32_t flags,
		       const void *src, uint32_t src_len, void *dst,
		       uint32_t dst_len, struct wd_cqe *c)
{
	struct wd_sqe s;

	zprep(&s, op, flags, src, src_len, dst, dst_len);
	CHECK(!wd_run_one(q, &s, c), "run op 0x%x", op);
	return c->status;
}

static inline int zstream_op(struct wdq *q, uint8_t op, uint64_t handle,
			     uint32_t flags, const void *src, uint32_t src_len,
			     void *dst, uint32_t dst_len, struct wd_cqe *c)
{
	struct wd_sqe s;

	zprep(&s, op, flags, src, src_len, dst, dst_len);
	s.ctx_addr = handle;
	CHECK(!wd_run_one(q, &s, c), "run op 0x%x", op);
	return c->status;
}

/* Userspace zlib's window bits for a format (auto: gzip or zlib). */
static inline int zwbits(int fmt)
{
	static const int bits[4] = { -15, 15, 31, 47 };

	return bits[fmt];
}

/* Inflate with userspace zlib; returns bytes or -1. */
static inline long ref_inflate(int fmt, const void *src, size_t n, void *dst,
			       size_t cap)
{
	z_stream z;
	long out;
	int ret;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, zwbits(fmt)) != Z_OK)
		return -1;
	z.next_in = (Bytef *)src;
	z.avail_in = n;
	z.next_out = dst;
	z.avail_out = cap;
	ret = inflate(&z, Z_FINISH);
	out = ret == Z_STREAM_END && z.avail_in == 0 ? (long)z.total_out : -1;
	inflateEnd(&z);
	return out;
}

/* Deflate with userspace zlib; returns bytes or -1. */
static inline long ref_deflate(int fmt, int level, const void *src, size_t n,
			       void *dst, size_t cap)
{
	z_stream z;
	long out;
	int ret;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level, Z_DEFLATED, zwbits(fmt), 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	z.next_in = (Bytef *)src;
	z.avail_in = n;
	z.next_out = dst;
	z.avail_out = cap;
	ret = deflate(&z, Z_FINISH);
	out = ret == Z_STREAM_END ? (long)z.total_out : -1;
	deflateEnd(&z);
	return out;
}

/* Text-like data (compressible) or noise, reproducible from seed. */
static inline void zfill(uint8_t *p, size_t n, uint32_t seed, bool text)
{
	static const char * const words[] = { "the ", "queue ", "kernel ", "deflate ",
				       "stream ", "zlib ", "\n", "gzip " };
	size_t i = 0, k;

	while (i < n) {
		seed = seed * 1103515245 + 12345;
		if (!text) {
			p[i++] = seed >> 16;
			continue;
		}
		for (k = 0; words[(seed >> 16) & 7][k] && i < n; k++)
			p[i++] = words[(seed >> 16) & 7][k];
	}
}

#endif /* WD_ZIP_H */
