// SPDX-License-Identifier: GPL-2.0
/*
 * The zip opcodes 0x10-0x16 on the kernel's zlib: the checks every opcode
 * shares, dispatch, one-shot COMPRESS/DECOMPRESS (level 0 as stored blocks,
 * 1-9 through the framed deflater of wd_soft_zip_frame.c) and INFO. Nothing
 * is allocated by a request's sizes: data moves in bounce-buffer chunks.
 */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/unaligned.h>

#include "wd_soft_zip.h"

#define WD_STORED_MAX		65535u

void wd_zip_fail(struct wd_cqe *c, int status, unsigned int detail)
{
	c->status = status;
	c->detail = detail;
	c->consumed = 0;
	c->produced = 0;
}

/* The queue's zip state; the first zip request of a queue creates it. */
int wd_zip_state(struct wd_queue *q)
{
	struct wd_zip *z;

	if (q->zip)
		return 0;
	z = kzalloc(sizeof(*z), GFP_KERNEL);
	if (!z)
		return -ENOMEM;
	xa_init_flags(&z->streams, XA_FLAGS_ALLOC1);
	z->out = kvmalloc(WD_ZIP_CHUNK, GFP_KERNEL);
	z->def_ws = vmalloc(zlib_deflate_workspacesize(-MAX_WBITS,
						       DEF_MEM_LEVEL));
	z->inf_ws = vmalloc(zlib_inflate_workspacesize());
	if (!z->out || !z->def_ws || !z->inf_ws) {
		kvfree(z->out);
		vfree(z->def_ws);
		vfree(z->inf_ws);
		kfree(z);
		return -ENOMEM;
	}
	q->zip = z;
	return 0;
}

/* Checked after an opcode's own validation, as -EINVAL comes first. */
bool wd_zip_faults(struct wd_queue *q, const struct wd_sqe *s)
{
	return wd_range_faults(q, s->src_addr, s->src_len) ||
	       wd_range_faults(q, s->dst_addr, s->dst_len) ||
	       wd_range_faults(q, s->param_addr, s->param_len);
}

/* The caller's gzip header block, validated, in kernel memory. */
int wd_zip_param_load(struct wd_queue *q, const struct wd_sqe *s, u8 **out)
{
	u8 *p;
	int ret;

	*out = NULL;
	if (!s->param_len)
		return 0;
	if (s->param_len > WD_ZIP_MAX_PARAM)
		return -EINVAL;
	p = kvmalloc(s->param_len, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	ret = wd_mem_read(q, p, s->param_addr, s->param_len);
	if (!ret && wd_zip_gzip_check(p, s->param_len))
		ret = -EINVAL;
	if (ret) {
		kvfree(p);
		return ret;
	}
	*out = p;
	return 0;
}

static const u32 wd_zip_tlr_size[3] = { 0, 4, 8 };

/* Level 0: stored blocks, as the soft engine's zip_stored_write. */
static int wd_zip_stored(struct wd_queue *q, struct wd_zio *io, u8 fmt,
			 u32 *sum)
{
	u32 left = io->src_len, len, k;
	u8 blk[5];
	int ret, avail;

	do {
		len = min(left, WD_STORED_MAX);
		left -= len;
		blk[0] = left == 0;	/* BFINAL, BTYPE 00 */
		put_unaligned_le16(len, blk + 1);
		put_unaligned_le16(~len, blk + 3);
		ret = wd_zio_put(q, io, blk, sizeof(blk));
		while (!ret && len) {
			if (wd_should_abort(q))
				return -ECANCELED;
			avail = wd_zio_fill(q, io);
			if (avail <= 0)
				return avail ? avail : -EFAULT;
			k = min_t(u32, len, avail);
			*sum = wd_zip_sum(fmt, *sum,
					  (u8 *)q->bounce + io->in_off, k);
			ret = wd_zio_put(q, io, (u8 *)q->bounce + io->in_off,
					 k);
			io->in_off += k;
			len -= k;
			cond_resched();
		}
	} while (!ret && left);
	return ret;
}

static void wd_zip_compress(struct wd_queue *q, const struct wd_sqe *s,
			    struct wd_cqe *c)
{
	u8 fmt = s->op_flags & WD_ZIP_FMT_MASK;
	unsigned int level = (s->op_flags & WD_ZIP_LEVEL_MASK) >>
			     WD_ZIP_LEVEL_SHIFT;
	struct wd_zio io = { .src = s->src_addr, .src_len = s->src_len,
			     .dst = s->dst_addr, .dst_len = s->dst_len };
	struct wd_zdef *d = &q->zip->oneshot_def;
	u64 cap = s->dst_len, bound;
	bool done = false;
	u8 *param = NULL;
	u32 tlr, sum;
	int ret;

	if (fmt == WD_ZIP_FMT_AUTO || level > 9 ||
	    (s->op_flags & ~(WD_ZIP_FMT_MASK | WD_ZIP_LEVEL_MASK)) ||
	    (s->param_len && fmt != WD_ZIP_FMT_GZIP))
		return wd_zip_fail(c, -EINVAL, WD_ZD_NONE);
	if (wd_zip_faults(q, s))
		return wd_zip_fail(c, -EFAULT, WD_ZD_NONE);
	ret = wd_zip_param_load(q, s, &param);
	if (ret)
		return wd_zip_fail(c, ret, ret == -EINVAL ? WD_ZD_BAD_PARAM :
				   WD_ZD_NONE);
	tlr = wd_zip_tlr_size[fmt];
	wd_zdef_init(d, fmt, level, param, s->param_len);
	if (cap < (u64)d->hdr_len + tlr) {
		ret = -ENOSPC;
		goto out;
	}
	if (!level) {
		bound = (u64)s->src_len + 5 * ((u64)s->src_len / WD_STORED_MAX + 1);
		if (cap - d->hdr_len - tlr < bound) {
			ret = -ENOSPC;
			goto out;
		}
		ret = wd_zdef_pending(q, &io, param ? param : d->hdr,
				      d->hdr_len, &d->hdr_pos);
		if (ret == 1)
			ret = wd_zip_stored(q, &io, fmt, &d->sum);
		if (!ret) {
			d->isize = s->src_len;
			wd_zdef_trailer(d);
			ret = wd_zdef_pending(q, &io, d->tlr, d->tlr_len,
					      &d->tlr_pos);
			done = ret == 1;
			ret = ret == 1 ? 0 : ret;
		}
	} else {
		d->z.workspace = q->zip->def_ws;
		if (zlib_deflateInit2(&d->z, level, Z_DEFLATED, -MAX_WBITS,
				      DEF_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK) {
			ret = -ENOMEM;
			goto out;
		}
		ret = wd_zdef_run(q, d, &io, Z_FINISH, &done);
		zlib_deflateEnd(&d->z);
	}
	if (!ret && !done)
		ret = -ENOSPC;		/* output full before the end */
out:
	sum = d->sum;
	kvfree(param);
	if (ret)
		return wd_zip_fail(c, ret, WD_ZD_NONE);
	c->status = 0;
	c->consumed = s->src_len;
	c->produced = io.out_pos;
	c->aux = fmt == WD_ZIP_FMT_DEFLATE ? 0 : sum;
}

static void wd_zip_decompress(struct wd_queue *q, const struct wd_sqe *s,
			      struct wd_cqe *c)
{
	u8 fmt = s->op_flags & WD_ZIP_FMT_MASK;
	struct wd_zio io = { .src = s->src_addr, .src_len = s->src_len,
			     .dst = s->dst_addr, .dst_len = s->dst_len };
	struct wd_zinf *f = &q->zip->oneshot_inf;
	unsigned int detail = WD_ZD_NONE;
	int ret;

	if ((s->op_flags & ~(WD_ZIP_FMT_MASK | WD_ZIP_F_MULTI)) ||
	    s->param_addr || s->param_len)
		return wd_zip_fail(c, -EINVAL, WD_ZD_NONE);
	if (wd_zip_faults(q, s))
		return wd_zip_fail(c, -EFAULT, WD_ZD_NONE);
	if (fmt == WD_ZIP_FMT_AUTO && !s->src_len)
		return wd_zip_fail(c, -EBADMSG, WD_ZD_TRUNCATED);
	f->z.workspace = q->zip->inf_ws;
	if (zlib_inflateInit2(&f->z, -MAX_WBITS) != Z_OK)
		return wd_zip_fail(c, -ENOMEM, WD_ZD_NONE);
	wd_zinf_init(f, fmt, s->op_flags & WD_ZIP_F_MULTI);
	ret = wd_zinf_run(q, f, &io, true, false, &detail);
	if (!ret && !wd_zinf_done(f)) {
		ret = -EBADMSG;		/* all input used, the end not seen */
		detail = WD_ZD_TRUNCATED;
	}
	zlib_inflateEnd(&f->z);
	if (ret) {
		wd_zip_fail(c, ret, ret == -EBADMSG ? detail : WD_ZD_NONE);
		/* trailing data: consumed says where the valid data ends */
		if (ret == -EBADMSG && detail == WD_ZD_TRAILING)
			c->consumed = io.in_pos + io.in_off;
		return;
	}
	c->status = 0;
	c->consumed = s->src_len;
	c->produced = io.out_pos;
}

/* "1.2.3" -> 0x1230, the ZLIB_VERNUM style of the soft engine's INFO. */
static u32 wd_zip_vernum(const char *v)
{
	u32 num = 0, part = 0, shift = 12;

	for (;; v++) {
		if (*v >= '0' && *v <= '9') {
			part = part * 10 + (*v - '0');
			continue;
		}
		num |= (part & 0xf) << shift;
		part = 0;
		if (!*v || !shift)
			break;
		shift -= 4;
	}
	return num;
}

static void wd_zip_info(struct wd_queue *q, const struct wd_sqe *s,
			struct wd_cqe *c)
{
	if (s->op_flags || s->src_addr || s->src_len || s->dst_addr ||
	    s->dst_len || s->ctx_addr || s->param_len)
		return wd_zip_fail(c, -EINVAL, WD_ZD_NONE);
	c->status = 0;
	c->aux = q->zip->live;
	/* The kernel's deflate and inflate come from two zlib releases. */
	c->consumed = wd_zip_vernum("1.2.3");	/* lib/zlib_inflate */
	c->produced = wd_zip_vernum("1.1.3");	/* lib/zlib_deflate */
}

/* Fields every zip opcode checks, as the soft engine's common_valid(). */
static bool wd_zip_common_valid(struct wd_queue *q, const struct wd_sqe *s)
{
	if (s->flags || s->resv0 || s->aux)
		return false;
	if (!s->param_len && s->param_addr)
		return false;
	/* No-SVA: offset 0 is a valid address; NULL checks are SVA-only. */
	return q->data || !((s->src_len && !s->src_addr) ||
			    (s->dst_len && !s->dst_addr) ||
			    (s->param_len && !s->param_addr));
}

bool wd_zip_opcode(u8 opcode)
{
	return opcode >= WD_ZIP_COMPRESS && opcode <= WD_ZIP_INFO;
}

void wd_zip_execute(struct wd_queue *q, const struct wd_sqe *s,
		    struct wd_cqe *c)
{
	int ret;

	if (!wd_zip_common_valid(q, s))
		return wd_zip_fail(c, -EINVAL, WD_ZD_NONE);
	if ((s->opcode == WD_ZIP_COMPRESS || s->opcode == WD_ZIP_DECOMPRESS) &&
	    s->ctx_addr)
		return wd_zip_fail(c, -EINVAL, WD_ZD_NONE);
	ret = wd_zip_state(q);
	if (ret)
		return wd_zip_fail(c, ret, WD_ZD_NONE);
	switch (s->opcode) {
	case WD_ZIP_COMPRESS:
		return wd_zip_compress(q, s, c);
	case WD_ZIP_DECOMPRESS:
		return wd_zip_decompress(q, s, c);
	case WD_ZIP_STREAM_INIT:
		return wd_zip_stream_init(q, s, c);
	case WD_ZIP_STREAM_DEFLATE:
	case WD_ZIP_STREAM_INFLATE:
		return wd_zip_stream_step(q, s, c);
	case WD_ZIP_STREAM_END:
		return wd_zip_stream_end(q, s, c);
	default:
		return wd_zip_info(q, s, c);
	}
}
