// SPDX-License-Identifier: MIT
/*
 * oneshot.c - whole-buffer compress and decompress.
 *
 * Compress: raw deflate from stored blocks (level 0), ISA-L igzip's stateless
 * API (fast levels) or libdeflate (higher ratio), framed by frame.c; the
 * level -> engine map is the table below (measured: see README).
 * Decompress: frame.c parses the header, libdeflate inflates each member
 * (its _ex form reports the input it used, so concatenated gzip members and
 * trailing bytes are found), the trailer is checked here. When libdeflate
 * rejects the data, zlib re-reads it only to tell truncation from corruption.
 *
 * Valid means what zlib (node:zlib) says: libdeflate accepts some invalid
 * streams. The private, patched copy (scripts/libdeflate-strict.mjs,
 * ZIP_LIBDEFLATE_STRICT) checks every header as zlib does and reports a
 * stream that used a static block or an incomplete code, whose codes only a
 * full decode can check; zlib decodes such a stream again and its verdict
 * stands. Built against the system libdeflate (no strict copy), zlib
 * decodes every one-shot body.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <libdeflate.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>
#include "zip_engine.h"

enum body_engine { BODY_STORED, BODY_ISAL, BODY_LIBDEFLATE };

static const struct {
	enum body_engine engine;
	int level;		/* the engine's own level */
} level_map[10] = {
	/* Measured on kernel C text in 64 KiB and 1 MiB requests and on
	 * /usr/include (README): at each level the fastest setting whose ratio
	 * is at least node:zlib's at that level. libdeflate N sits just below
	 * zlib N on kernel text from level 5 up, hence the shift by one. */
	{ BODY_STORED, 0 },
	{ BODY_ISAL, 1 },
	{ BODY_ISAL, 3 },
	{ BODY_LIBDEFLATE, 2 },
	{ BODY_LIBDEFLATE, 4 },
	{ BODY_LIBDEFLATE, 6 },
	{ BODY_LIBDEFLATE, 7 },
	{ BODY_LIBDEFLATE, 8 },
	{ BODY_LIBDEFLATE, 9 },
	{ BODY_LIBDEFLATE, 9 },
};

static const size_t trailer_size[3] = { 0, 4, 8 };

int zip_isal_level(unsigned level)
{
	return level <= 9 && level_map[level].engine == BODY_ISAL ? level_map[level].level : -1;
}

/*
 * Raw deflate of src into out (cap includes room for the format's trailer);
 * returns bytes written, 0 if it does not fit, -1 on ENOMEM. ISA-L also
 * writes the trailer, its checksum fused with compression (*framed = 1).
 */
static long body_compress(unsigned format, unsigned level, const uint8_t *src, size_t n,
			  uint8_t *out, size_t cap, int *framed)
{
	static const uint16_t isal_flag[3] = { IGZIP_DEFLATE, IGZIP_ZLIB_NO_HDR, IGZIP_GZIP_NO_HDR };

	*framed = 0;
	if (level_map[level].engine != BODY_ISAL)
		cap -= trailer_size[format];
	if (level_map[level].engine == BODY_STORED) {
		if (cap < zip_stored_bound(n))
			return 0;
		return (long)zip_stored_write(src, n, out);
	}
	if (level_map[level].engine == BODY_ISAL) {
		struct isal_zstream *s = zip_isal_stream();
		uint32_t size;
		uint8_t *buf = zip_isal_buf((unsigned)level_map[level].level, &size);

		if (!buf || !s)
			return -1;
		isal_deflate_stateless_init(s);
		s->level = (uint32_t)level_map[level].level;
		s->level_buf = buf;
		s->level_buf_size = size;
		s->gzip_flag = isal_flag[format];
		s->end_of_stream = 1;
		s->flush = NO_FLUSH;
		s->next_in = (uint8_t *)src;
		s->avail_in = (uint32_t)n;
		s->next_out = out;
		s->avail_out = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
		/* The stateless API falls back to stored blocks for incompressible
		 * input (the stateful one would expand it at level 0); it fails only
		 * if even those do not fit. */
		if (isal_deflate_stateless(s) != COMP_OK)
			return 0;
		*framed = 1;
		return (long)s->total_out;
	}
	{
		struct libdeflate_compressor *c = zip_ldc(level_map[level].level);

		if (!c)
			return -1;
		return (long)libdeflate_deflate_compress(c, src, n, out, cap);
	}
}

static uint32_t checksum(unsigned format, const uint8_t *p, size_t n)
{
	if (format == ZIP_FMT_GZIP)
		return libdeflate_crc32(0, p, n);
	if (format == ZIP_FMT_ZLIB)
		return libdeflate_adler32(1, p, n);
	return 0;
}

void zip_compress(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	unsigned format = sqe->op_flags & ZIP_FMT_MASK;
	unsigned level = (sqe->op_flags & ZIP_LEVEL_MASK) >> ZIP_LEVEL_SHIFT;
	const uint8_t *src = ZIP_PTR(sqe->src_addr);
	uint8_t *dst = ZIP_PTR(sqe->dst_addr);
	size_t cap = sqe->dst_len, hdr, tlr;
	uint32_t sum;
	int framed;
	long body;

	if (format == ZIP_FMT_AUTO || level > 9 ||
	    (sqe->op_flags & ~(ZIP_FMT_MASK | ZIP_LEVEL_MASK)) ||
	    (sqe->param_len && format != ZIP_FMT_GZIP))
		return zip_fail(cqe, -EINVAL, ZIP_DETAIL_NONE);
	tlr = trailer_size[format];
	if (sqe->param_len) {
		struct zip_gzip_header h;
		const uint8_t *param = ZIP_PTR(sqe->param_addr);

		if (zip_gzip_parse(param, sqe->param_len, &h) || h.size != sqe->param_len)
			return zip_fail(cqe, -EINVAL, ZIP_DETAIL_BAD_PARAM);
		if (cap < sqe->param_len + tlr)
			return zip_fail(cqe, -ENOSPC, ZIP_DETAIL_NONE);
		memcpy(dst, param, sqe->param_len);
		hdr = sqe->param_len;
	} else {
		uint8_t tmp[10];

		hdr = zip_header_default(format, level, tmp);
		if (cap < hdr + tlr)
			return zip_fail(cqe, -ENOSPC, ZIP_DETAIL_NONE);
		memcpy(dst, tmp, hdr);
	}
	body = body_compress(format, level, src, sqe->src_len, dst + hdr, cap - hdr, &framed);
	if (body < 0)
		return zip_fail(cqe, -ENOMEM, ZIP_DETAIL_NONE);
	if (body == 0)
		return zip_fail(cqe, -ENOSPC, ZIP_DETAIL_NONE);
	if (framed) {
		uint8_t *end = dst + hdr + body;

		sum = format == ZIP_FMT_GZIP ? zip_load_le32(end - 8) :
		      format == ZIP_FMT_ZLIB ? zip_load_be32(end - 4) : 0;
		cqe->status = 0;
		cqe->consumed = sqe->src_len;
		cqe->produced = (uint32_t)(hdr + (size_t)body);
		cqe->aux = sum;
		return;
	}
	sum = checksum(format, src, sqe->src_len);
	if (format == ZIP_FMT_GZIP) {
		zip_store_le32(dst + hdr + body, sum);
		zip_store_le32(dst + hdr + body + 4, sqe->src_len);
	} else if (format == ZIP_FMT_ZLIB) {
		zip_store_be32(dst + hdr + body, sum);
	}
	cqe->status = 0;
	cqe->consumed = sqe->src_len;
	cqe->produced = (uint32_t)(hdr + (size_t)body + tlr);
	cqe->aux = sum;
}

#ifdef ZIP_LIBDEFLATE_STRICT
/*
 * libdeflate said BAD_DATA: decide whether the deflate data is corrupt or
 * merely cut short by inflating it again with zlib into a sliding scratch
 * buffer (output discarded). Bounded by limit output bytes.
 */
static unsigned classify_bad_deflate(const uint8_t *p, size_t len, size_t limit)
{
	uint8_t scratch[16384];
	unsigned detail = ZIP_DETAIL_STREAM;
	size_t out = 0;
	z_stream z;
	int ret;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		return ZIP_DETAIL_STREAM;
	z.next_in = (Bytef *)p;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	for (;;) {
		z.next_out = scratch;
		z.avail_out = sizeof(scratch);
		ret = inflate(&z, Z_NO_FLUSH);
		out += sizeof(scratch) - z.avail_out;
		if (ret == Z_BUF_ERROR || (ret == Z_OK && z.avail_in == 0 && z.avail_out)) {
			detail = ZIP_DETAIL_TRUNCATED;
			break;
		}
		if (ret != Z_OK || out > limit)
			break;
	}
	inflateEnd(&z);
	return detail;
}
#endif

struct inflate_pos {
	const uint8_t *src;
	size_t len, in;		/* input and bytes used so far */
	uint8_t *dst;
	size_t cap, out;
};

/* The body at the current position, decoded by zlib alone (one call:
 * src_len and dst_len are 32-bit, so are zlib's counts). */
static int inflate_body_zlib(struct inflate_pos *st, unsigned *detail)
{
	z_stream *z = zip_inflater();
	uint8_t none;		/* zlib refuses a NULL next_out, even for 0 bytes */
	int ret;

	if (!z)
		return -ENOMEM;
	z->next_in = (Bytef *)(st->src + st->in);
	z->avail_in = (uInt)(st->len - st->in);
	z->next_out = st->dst ? st->dst + st->out : &none;
	z->avail_out = (uInt)(st->cap - st->out);
	ret = inflate(z, Z_FINISH);
	if (ret == Z_STREAM_END) {
		st->in += (st->len - st->in) - z->avail_in;
		st->out += (st->cap - st->out) - z->avail_out;
		return 0;
	}
	if (ret == Z_MEM_ERROR)
		return -ENOMEM;
	if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT || ret == Z_STREAM_ERROR) {
		*detail = ZIP_DETAIL_STREAM;
		return -EBADMSG;
	}
	/* Z_BUF_ERROR (or Z_OK): out of room, or out of input */
	if (z->avail_out == 0)
		return -ENOSPC;
	*detail = ZIP_DETAIL_TRUNCATED;
	return -EBADMSG;
}

#ifdef ZIP_LIBDEFLATE_STRICT
/* scripts/libdeflate-strict.mjs */
bool libdeflate_wd_lenient(const struct libdeflate_decompressor *d);

/* Inflate one raw deflate stream at the current position. Returns 0, or a
 * negative errno with *detail set. */
static int inflate_body(struct inflate_pos *st, unsigned *detail)
{
	struct libdeflate_decompressor *d = zip_ldd();
	size_t in_used = 0, out_used = 0;
	enum libdeflate_result r;

	if (!d)
		return -ENOMEM;
	/* A first block with static codes (BTYPE 01): the stream is usually
	 * all static (small inputs, Z_FIXED), which zlib would check anyway */
	if (st->in < st->len && ((st->src[st->in] >> 1) & 3) == 1)
		return inflate_body_zlib(st, detail);
	r = libdeflate_deflate_decompress_ex(d, st->src + st->in, st->len - st->in,
					     st->dst + st->out, st->cap - st->out,
					     &in_used, &out_used);
	if (r == LIBDEFLATE_SUCCESS && libdeflate_wd_lenient(d))
		/* same bytes if zlib accepts it; its error if not */
		return inflate_body_zlib(st, detail);
	if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
		return -ENOSPC;
	if (r != LIBDEFLATE_SUCCESS) {
		*detail = classify_bad_deflate(st->src + st->in, st->len - st->in,
					       st->cap - st->out + 65536);
		return -EBADMSG;
	}
	st->in += in_used;
	st->out += out_used;
	return 0;
}
#else
static int inflate_body(struct inflate_pos *st, unsigned *detail)
{
	return inflate_body_zlib(st, detail);
}
#endif

static int need(const struct inflate_pos *st, size_t n, unsigned *detail)
{
	if (st->len - st->in >= n)
		return 0;
	*detail = ZIP_DETAIL_TRUNCATED;
	return -EBADMSG;
}

static int inflate_gzip_member(struct inflate_pos *st, unsigned *detail)
{
	struct zip_gzip_header h;
	size_t start;
	int err = zip_gzip_parse(st->src + st->in, st->len - st->in, &h);

	if (err) {
		*detail = (unsigned)err;
		return -EBADMSG;
	}
	st->in += h.size;
	start = st->out;
	err = inflate_body(st, detail);
	if (err)
		return err;
	err = need(st, 8, detail);
	if (err)
		return err;
	if (zip_load_le32(st->src + st->in) != libdeflate_crc32(0, st->dst + start, st->out - start) ||
	    zip_load_le32(st->src + st->in + 4) != (uint32_t)(st->out - start)) {
		*detail = ZIP_DETAIL_CHECKSUM;
		return -EBADMSG;
	}
	st->in += 8;
	return 0;
}

static int inflate_gzip(struct inflate_pos *st, int multi, unsigned *detail)
{
	int err;

	do {
		err = inflate_gzip_member(st, detail);
		if (err)
			return err;
	} while (multi && st->in < st->len && st->src[st->in] == 0x1f);
	return 0;
}

static int inflate_zlib(struct inflate_pos *st, unsigned *detail)
{
	int err = zip_zlib_check(st->src, st->len);

	if (err) {
		*detail = (unsigned)err;
		return -EBADMSG;
	}
	st->in = 2;
	err = inflate_body(st, detail);
	if (err)
		return err;
	err = need(st, 4, detail);
	if (err)
		return err;
	if (zip_load_be32(st->src + st->in) != libdeflate_adler32(1, st->dst, st->out)) {
		*detail = ZIP_DETAIL_CHECKSUM;
		return -EBADMSG;
	}
	st->in += 4;
	return 0;
}

void zip_decompress(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	unsigned format = sqe->op_flags & ZIP_FMT_MASK, detail = ZIP_DETAIL_NONE;
	struct inflate_pos st = {
		.src = ZIP_PTR(sqe->src_addr), .len = sqe->src_len,
		.dst = ZIP_PTR(sqe->dst_addr), .cap = sqe->dst_len,
	};
	int err;

	if ((sqe->op_flags & ~(ZIP_FMT_MASK | ZIP_F_MULTI_MEMBER)) || sqe->param_addr || sqe->param_len)
		return zip_fail(cqe, -EINVAL, ZIP_DETAIL_NONE);
	if (format == ZIP_FMT_AUTO) {
		if (st.len == 0)
			return zip_fail(cqe, -EBADMSG, ZIP_DETAIL_TRUNCATED);
		format = st.src[0] == 0x1f ? ZIP_FMT_GZIP : ZIP_FMT_ZLIB;
	}
	if (format == ZIP_FMT_GZIP)
		err = inflate_gzip(&st, (sqe->op_flags & ZIP_F_MULTI_MEMBER) != 0, &detail);
	else if (format == ZIP_FMT_ZLIB)
		err = inflate_zlib(&st, &detail);
	else
		err = inflate_body(&st, &detail);
	if (!err && st.in != st.len) {
		/* consumed = where the valid data ends (the node:zlib facade
		 * decides what the bytes after it mean) */
		zip_fail(cqe, -EBADMSG, ZIP_DETAIL_TRAILING);
		cqe->consumed = (uint32_t)st.in;
		return;
	}
	if (err)
		return zip_fail(cqe, err, detail);
	cqe->status = 0;
	cqe->consumed = (uint32_t)st.in;
	cqe->produced = (uint32_t)st.out;
}
