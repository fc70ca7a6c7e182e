// SPDX-License-Identifier: GPL-2.0
/*
 * gzip (RFC 1952) and zlib (RFC 1950) framing around the kernel's raw zlib,
 * shared by one-shot and stream requests of the zip opcodes.
 *
 * The kernel's zlib deflate knows no gzip wrapper and writes an older zlib
 * header, so zlib runs raw (windowBits -15) and the headers and trailers are
 * written and checked here, byte for byte as the soft device's engine does
 * (packages/plugins-zip/engine/frame.c). The inflater and deflater are state
 * machines fed from user memory in bounce-buffer chunks (q->bounce: input,
 * zip->out: output) through wd_mem_read/wd_mem_write only.
 */
#include <linux/crc32.h>
#include <linux/sched.h>
#include <linux/zutil.h>
#include <asm/unaligned.h>

#include "wd_soft_zip.h"

enum { ZS_HDR, ZS_BODY, ZS_TLR, ZS_DONE };

enum {
	GZ_ID1, GZ_ID2, GZ_CM, GZ_FLG, GZ_FIXED, GZ_XLEN, GZ_EXTRA,
	GZ_NAME, GZ_COMMENT, GZ_HCRC, ZL_CMF, ZL_FLG, H_DONE,
};

#define GZ_FHCRC	0x02
#define GZ_FEXTRA	0x04
#define GZ_FNAME	0x08
#define GZ_FCOMMENT	0x10
#define GZ_FRESERVED	0xe0

u32 wd_zip_sum_init(u8 fmt)
{
	return fmt == WD_ZIP_FMT_ZLIB ? 1 : 0;
}

/* gzip: zlib's crc32() = ~crc32_le(~crc); zlib: Adler-32 as zlib's wrapper. */
u32 wd_zip_sum(u8 fmt, u32 sum, const u8 *p, u32 n)
{
	if (fmt == WD_ZIP_FMT_GZIP)
		return ~crc32_le(~sum, p, n);
	if (fmt == WD_ZIP_FMT_ZLIB)
		return zlib_adler32(sum, p, n);
	return 0;
}

/* zlib's FLEVEL and gzip's XFL as zlib itself writes them for a level. */
size_t wd_zip_header_default(u8 fmt, unsigned int level, u8 *out)
{
	static const u8 gz[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };

	if (fmt == WD_ZIP_FMT_ZLIB) {
		unsigned int flevel = level < 2 ? 0 : level < 6 ? 1 :
				      level == 6 ? 2 : 3;
		unsigned int cmf = 0x78, flg = flevel << 6;

		flg += 31 - (cmf * 256 + flg) % 31;
		out[0] = cmf;
		out[1] = flg;
		return 2;
	}
	if (fmt == WD_ZIP_FMT_GZIP) {
		memcpy(out, gz, sizeof(gz));
		out[8] = level == 9 ? 2 : level < 2 ? 4 : 0;
		return sizeof(gz);
	}
	return 0;
}

static void wd_zhdr_init(struct wd_zhdr *h, u8 fmt)
{
	memset(h, 0, sizeof(*h));
	h->fmt = fmt;
	h->state = fmt == WD_ZIP_FMT_GZIP ? GZ_ID1 : ZL_CMF;
}

/* The gzip state after FLG or after a finished optional field. */
static u8 wd_gz_next(const struct wd_zhdr *h, u8 after)
{
	if (after < GZ_XLEN && (h->flags & GZ_FEXTRA))
		return GZ_XLEN;
	if (after < GZ_NAME && (h->flags & GZ_FNAME))
		return GZ_NAME;
	if (after < GZ_COMMENT && (h->flags & GZ_FCOMMENT))
		return GZ_COMMENT;
	if (after < GZ_HCRC && (h->flags & GZ_FHCRC))
		return GZ_HCRC;
	return H_DONE;
}

/*
 * Feed header bytes. Returns 1 when the header is complete (*used bytes of
 * p belong to it), 0 when it needs more, or -1: invalid (detail HEADER).
 * Checks run in the soft engine's order, so a cut header is TRUNCATED
 * exactly when the soft parser says so.
 */
static int wd_zhdr_feed(struct wd_zhdr *h, const u8 *p, u32 n, u32 *used)
{
	u32 i;
	u8 b;

	for (i = 0; i < n && h->state != H_DONE; i++) {
		b = p[i];
		if (h->fmt == WD_ZIP_FMT_GZIP && h->state != GZ_HCRC)
			h->crc = ~crc32_le(~h->crc, &b, 1);
		switch (h->state) {
		case GZ_ID1:
		case GZ_ID2:
		case GZ_CM:
			if (b != (h->state == GZ_ID1 ? 0x1f :
				  h->state == GZ_ID2 ? 0x8b : 8))
				return -1;
			h->state++;
			h->left = 6;
			break;
		case GZ_FLG:
			if (b & GZ_FRESERVED)
				return -1;
			h->flags = b;
			h->state = GZ_FIXED;
			break;
		case GZ_FIXED:
			if (!--h->left) {
				h->state = wd_gz_next(h, GZ_FIXED);
				h->left = 2;
			}
			break;
		case GZ_XLEN:
			/* little-endian: first byte low */
			h->first = h->left == 2 ? b : h->first;
			if (--h->left)
				break;
			h->left = h->first | (u32)b << 8;
			h->state = h->left ? GZ_EXTRA : wd_gz_next(h, GZ_EXTRA);
			if (h->state == GZ_HCRC)
				h->left = 2;
			break;
		case GZ_EXTRA:
			if (!--h->left) {
				h->state = wd_gz_next(h, GZ_EXTRA);
				h->left = 2;
			}
			break;
		case GZ_NAME:
		case GZ_COMMENT:
			if (!b) {
				h->state = wd_gz_next(h, h->state);
				h->left = 2;
			}
			break;
		case GZ_HCRC:
			if (b != (u8)(h->crc >> (h->left == 2 ? 0 : 8)))
				return -1;
			if (!--h->left)
				h->state = H_DONE;
			break;
		case ZL_CMF:
			if ((b & 0x0f) != 8 || (b >> 4) > 7)
				return -1;
			h->first = b;
			h->state = ZL_FLG;
			break;
		case ZL_FLG:
			if (((unsigned int)h->first * 256 + b) % 31 || (b & 0x20))
				return -1;
			h->state = H_DONE;
			break;
		}
	}
	*used = i;
	return h->state == H_DONE;
}

/* A whole gzip header block (a parameter): 0 if valid and exactly len. */
int wd_zip_gzip_check(const u8 *p, u32 len)
{
	struct wd_zhdr h;
	u32 used;

	wd_zhdr_init(&h, WD_ZIP_FMT_GZIP);
	return wd_zhdr_feed(&h, p, len, &used) == 1 && used == len ? 0 :
	       -EINVAL;
}

/* Input bytes available in q->bounce (refilled from src), or -errno. */
int wd_zio_fill(struct wd_queue *q, struct wd_zio *io)
{
	u32 n;
	int ret;

	if (io->in_off < io->in_have)
		return io->in_have - io->in_off;
	io->in_pos += io->in_have;
	io->in_have = 0;
	io->in_off = 0;
	n = min_t(u32, io->src_len - io->in_pos, WD_ZIP_CHUNK);
	if (!n)
		return 0;
	ret = wd_mem_read(q, q->bounce, io->src + io->in_pos, n);
	if (ret)
		return ret;
	io->in_have = n;
	return n;
}

static bool wd_zio_last(const struct wd_zio *io)
{
	return io->in_pos + io->in_have >= io->src_len;
}

int wd_zio_put(struct wd_queue *q, struct wd_zio *io, const u8 *p,
		      u32 n)
{
	int ret = n ? wd_mem_write(q, io->dst + io->out_pos, p, n) : 0;

	if (!ret)
		io->out_pos += n;
	return ret;
}

void wd_zinf_init(struct wd_zinf *f, u8 fmt, bool multi)
{
	f->fmt = fmt;
	f->multi = multi;
	f->cur = fmt;
	f->stage = fmt == WD_ZIP_FMT_DEFLATE ? ZS_BODY : ZS_HDR;
	f->sum = wd_zip_sum_init(fmt);
	f->isize = 0;
	f->tlr_have = 0;
	f->hdr.state = H_DONE;
	if (fmt == WD_ZIP_FMT_GZIP || fmt == WD_ZIP_FMT_ZLIB)
		wd_zhdr_init(&f->hdr, fmt);
}

bool wd_zinf_done(const struct wd_zinf *f)
{
	return f->stage == ZS_DONE;
}

static int wd_zinf_header(struct wd_zinf *f, const u8 *p, u32 n, u32 *used,
			  unsigned int *detail)
{
	int ret;

	if (f->hdr.state == H_DONE) {
		/* auto: gzip or zlib from the first byte, as the soft engine */
		f->cur = p[0] == 0x1f ? WD_ZIP_FMT_GZIP : WD_ZIP_FMT_ZLIB;
		wd_zhdr_init(&f->hdr, f->cur);
	}
	ret = wd_zhdr_feed(&f->hdr, p, n, used);
	if (ret < 0) {
		*detail = WD_ZD_HEADER;
		return -EBADMSG;
	}
	if (ret) {
		zlib_inflateReset(&f->z);
		f->stage = ZS_BODY;
		f->sum = wd_zip_sum_init(f->cur);
		f->isize = 0;
		f->tlr_have = 0;
	}
	return 0;
}

static int wd_zinf_trailer(struct wd_zinf *f, const u8 *p, u32 n, u32 *used,
			   unsigned int *detail)
{
	u32 need = f->cur == WD_ZIP_FMT_GZIP ? 8 : 4;
	u32 k = min(need - f->tlr_have, n);
	bool ok;

	memcpy(f->tlr + f->tlr_have, p, k);
	f->tlr_have += k;
	*used = k;
	if (f->tlr_have < need)
		return 0;
	if (f->cur == WD_ZIP_FMT_GZIP)
		ok = get_unaligned_le32(f->tlr) == f->sum &&
		     get_unaligned_le32(f->tlr + 4) == f->isize;
	else
		ok = get_unaligned_be32(f->tlr) == f->sum;
	if (!ok) {
		*detail = WD_ZD_CHECKSUM;
		return -EBADMSG;
	}
	f->stage = ZS_DONE;
	return 0;
}

/*
 * One raw inflate call on the bounce buffers. One-shot: when dst is full, a
 * one-byte probe tells "more output follows" (-ENOSPC, like libdeflate's
 * INSUFFICIENT_SPACE) from the end of the stream. Returns 1 on progress, 0
 * when stuck (input or output exhausted), or -errno.
 */
static int wd_zinf_body(struct wd_queue *q, struct wd_zinf *f,
			struct wd_zio *io, u32 avail, bool oneshot,
			unsigned int *detail)
{
	u8 *out = q->zip->out;
	u32 room = min_t(u32, io->dst_len - io->out_pos, WD_ZIP_CHUNK);
	u32 used, made;
	int ret;

	if (oneshot && !room)
		room = 1;
	f->z.next_in = (u8 *)q->bounce + io->in_off;
	f->z.avail_in = avail;
	f->z.next_out = out;
	f->z.avail_out = room;
	ret = zlib_inflate(&f->z, Z_NO_FLUSH);
	used = avail - f->z.avail_in;
	made = room - f->z.avail_out;
	io->in_off += used;
	if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT) {
		*detail = WD_ZD_STREAM;
		return -EBADMSG;
	}
	if (ret == Z_MEM_ERROR)
		return -ENOMEM;
	if (ret != Z_OK && ret != Z_BUF_ERROR && ret != Z_STREAM_END)
		return -EINVAL;
	if (made && io->out_pos == io->dst_len)
		return -ENOSPC;		/* the probe: nothing of it written */
	if (ret == Z_STREAM_END)
		f->stage = f->cur == WD_ZIP_FMT_DEFLATE ? ZS_DONE : ZS_TLR;
	f->sum = wd_zip_sum(f->cur, f->sum, out, made);
	f->isize += made;
	ret = wd_zio_put(q, io, out, made);
	if (ret)
		return ret;
	return f->stage != ZS_BODY || used || made;
}

/*
 * Run the framed inflater over io until input or output runs out, the end,
 * or an error. Returns 0 or -errno (-EBADMSG with *detail).
 */
int wd_zinf_run(struct wd_queue *q, struct wd_zinf *f, struct wd_zio *io,
		bool oneshot, bool stop_at_end, unsigned int *detail)
{
	bool first = true;
	u32 used;
	int avail, ret;

	for (;;) {
		avail = wd_zio_fill(q, io);
		if (avail < 0)
			return avail;
		if (f->stage == ZS_DONE) {
			if (!avail)
				return 0;
			/*
			 * Another gzip member may follow; else trailing data,
			 * left unconsumed with stop_at_end (the caller judges
			 * it) and an error otherwise.
			 */
			if (!f->multi || f->cur != WD_ZIP_FMT_GZIP ||
			    ((u8 *)q->bounce)[io->in_off] != 0x1f) {
				if (stop_at_end)
					return 0;
				*detail = WD_ZD_TRAILING;
				return -EBADMSG;
			}
			wd_zinf_init(f, f->fmt, f->multi);
		}
		/* zlib's inflate() is not called on a full output buffer */
		if (first && !oneshot && io->out_pos == io->dst_len)
			return 0;
		first = false;
		if (wd_should_abort(q))
			return -ECANCELED;
		cond_resched();
		switch (f->stage) {
		case ZS_HDR:
			if (!avail)
				return 0;
			ret = wd_zinf_header(f, (u8 *)q->bounce + io->in_off,
					     avail, &used, detail);
			io->in_off += used;
			break;
		case ZS_BODY:
			ret = wd_zinf_body(q, f, io, avail, oneshot, detail);
			if (!ret)
				return 0;	/* out of input or output */
			break;
		default:
			if (!avail)
				return 0;
			ret = wd_zinf_trailer(f, (u8 *)q->bounce + io->in_off,
					      avail, &used, detail);
			io->in_off += used;
			break;
		}
		if (ret < 0)
			return ret;
	}
}

void wd_zdef_init(struct wd_zdef *d, u8 fmt, unsigned int level,
		  u8 *param, u32 param_len)
{
	d->fmt = fmt;
	d->param = param;
	d->hdr_len = param ? param_len :
		     wd_zip_header_default(fmt, level, d->hdr);
	d->hdr_pos = 0;
	d->stage = ZS_HDR;
	d->sum = wd_zip_sum_init(fmt);
	d->isize = 0;
	d->tlr_len = 0;
	d->tlr_pos = 0;
}

/* Write pending header or trailer bytes; returns 1 when all are out. */
int wd_zdef_pending(struct wd_queue *q, struct wd_zio *io,
			   const u8 *p, u32 len, u32 *pos)
{
	u32 n = min(len - *pos, io->dst_len - io->out_pos);
	int ret = wd_zio_put(q, io, p + *pos, n);

	if (ret)
		return ret;
	*pos += n;
	return *pos == len;
}

void wd_zdef_trailer(struct wd_zdef *d)
{
	if (d->fmt == WD_ZIP_FMT_GZIP) {
		put_unaligned_le32(d->sum, d->tlr);
		put_unaligned_le32(d->isize, d->tlr + 4);
		d->tlr_len = 8;
	} else if (d->fmt == WD_ZIP_FMT_ZLIB) {
		put_unaligned_be32(d->sum, d->tlr);
		d->tlr_len = 4;
	}
}

/* One raw deflate call. Returns 1 to go on, 0 when stuck, or -errno. */
static int wd_zdef_body(struct wd_queue *q, struct wd_zdef *d,
			struct wd_zio *io, int flush)
{
	u8 *out = q->zip->out, *in;
	u32 room = min_t(u32, io->dst_len - io->out_pos, WD_ZIP_CHUNK);
	u32 used, made;
	int avail, ret;

	avail = wd_zio_fill(q, io);
	if (avail < 0)
		return avail;
	/* The flush mode applies where the request's input ends. */
	if (!wd_zio_last(io))
		flush = Z_NO_FLUSH;
	in = (u8 *)q->bounce + io->in_off;
	d->z.next_in = in;
	d->z.avail_in = avail;
	d->z.next_out = out;
	d->z.avail_out = room;
	ret = zlib_deflate(&d->z, flush);
	if (ret == Z_BUF_ERROR)
		ret = Z_OK;	/* no progress possible: not an error */
	if (ret != Z_OK && ret != Z_STREAM_END)
		return -EINVAL;
	used = avail - d->z.avail_in;
	made = room - d->z.avail_out;
	d->sum = wd_zip_sum(d->fmt, d->sum, in, used);
	d->isize += used;
	io->in_off += used;
	ret = wd_zio_put(q, io, out, made) ? -EFAULT : ret;
	if (ret < 0)
		return ret;
	if (ret == Z_STREAM_END) {
		wd_zdef_trailer(d);
		d->stage = ZS_TLR;
		return 1;
	}
	if (io->out_pos == io->dst_len)
		return 0;			/* output full */
	if (d->z.avail_in == 0 && wd_zio_last(io))
		return 0;			/* input done, flushed */
	return used || made;
}

/*
 * Run the framed deflater over io with a zlib flush mode. *done: the
 * trailer is out. Returns 0 or -errno.
 */
int wd_zdef_run(struct wd_queue *q, struct wd_zdef *d, struct wd_zio *io,
		int flush, bool *done)
{
	int ret;

	for (;;) {
		if (wd_should_abort(q))
			return -ECANCELED;
		cond_resched();
		switch (d->stage) {
		case ZS_HDR:
			ret = wd_zdef_pending(q, io, d->param ? d->param : d->hdr,
					      d->hdr_len, &d->hdr_pos);
			if (ret == 1)
				d->stage = ZS_BODY;
			break;
		case ZS_BODY:
			ret = wd_zdef_body(q, d, io, flush);
			break;
		case ZS_TLR:
			ret = wd_zdef_pending(q, io, d->tlr, d->tlr_len,
					      &d->tlr_pos);
			if (ret == 1)
				d->stage = ZS_DONE;
			break;
		default:
			*done = true;
			return 0;
		}
		if (ret <= 0)
			return ret;
	}
}
