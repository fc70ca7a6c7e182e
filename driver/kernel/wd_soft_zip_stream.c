// SPDX-License-Identifier: GPL-2.0
/*
 * Zip streams (STREAM_INIT/DEFLATE/INFLATE/END) of the kernel device.
 *
 * A stream's state lives in its queue's xarray; userspace holds a handle
 * (generation << 32 | id) checked on every request, so a stale, forged or
 * double-freed handle is -EINVAL/BAD_HANDLE, never a dereference. Only the
 * queue's worker touches the table, one SQE at a time, so a stream is never
 * driven by two requests at once (the soft engine's BUSY cannot happen).
 * At most WD_ZIP_MAX_STREAMS live per queue; PUT_Q, close and the owner's
 * exit free them all (wd_zip_free()).
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "wd_soft_zip.h"

static void wd_zstream_free(struct wd_zstream *st)
{
	if (st->inflate) {
		vfree(st->inf.z.workspace);
	} else {
		vfree(st->def.z.workspace);
		kvfree(st->def.param);
	}
	kfree(st);
}

void wd_zip_free(struct wd_queue *q)
{
	struct wd_zip *z = q->zip;
	struct wd_zstream *st;
	unsigned long id;

	if (!z)
		return;
	xa_for_each(&z->streams, id, st)
		wd_zstream_free(st);
	xa_destroy(&z->streams);
	vfree(z->def_ws);
	vfree(z->inf_ws);
	kvfree(z->out);
	kfree(z);
	q->zip = NULL;
}

static int wd_zstream_setup(struct wd_zstream *st, const struct wd_sqe *s,
			    u8 *param)
{
	u8 fmt = s->op_flags & WD_ZIP_FMT_MASK;
	unsigned int level = (s->op_flags & WD_ZIP_LEVEL_MASK) >>
			     WD_ZIP_LEVEL_SHIFT;
	z_stream *z = st->inflate ? &st->inf.z : &st->def.z;

	z->workspace = vmalloc(st->inflate ? zlib_inflate_workspacesize() :
			       zlib_deflate_workspacesize(-MAX_WBITS,
							  DEF_MEM_LEVEL));
	if (!z->workspace)
		return -ENOMEM;
	if (st->inflate) {
		if (zlib_inflateInit2(z, -MAX_WBITS) != Z_OK)
			return -ENOMEM;
		wd_zinf_init(&st->inf, fmt, s->op_flags & WD_ZIP_F_MULTI);
		return 0;
	}
	if (zlib_deflateInit2(z, level, Z_DEFLATED, -MAX_WBITS, DEF_MEM_LEVEL,
			      Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	wd_zdef_init(&st->def, fmt, level, param, s->param_len);
	return 0;
}

void wd_zip_stream_init(struct wd_queue *q, const struct wd_sqe *s,
			struct wd_cqe *c)
{
	u32 f = s->op_flags, fmt = f & WD_ZIP_FMT_MASK, id;
	u32 level = (f & WD_ZIP_LEVEL_MASK) >> WD_ZIP_LEVEL_SHIFT;
	bool inflating = f & WD_ZIP_F_DECOMPRESS;
	struct wd_zip *z = q->zip;
	struct wd_zstream *st;
	u8 *param = NULL;
	int ret;

	if (s->src_addr || s->src_len || s->dst_addr || s->dst_len ||
	    s->ctx_addr ||
	    (f & ~(WD_ZIP_FMT_MASK | WD_ZIP_LEVEL_MASK | WD_ZIP_F_MULTI |
		   WD_ZIP_F_DECOMPRESS)) ||
	    (inflating && (level || s->param_len)) ||
	    (!inflating && (fmt == WD_ZIP_FMT_AUTO || level > 9 ||
			    (f & WD_ZIP_F_MULTI))) ||
	    (s->param_len && fmt != WD_ZIP_FMT_GZIP))
		return wd_zip_fail(c, -EINVAL, WD_ZD_NONE);
	if (wd_zip_faults(q, s))
		return wd_zip_fail(c, -EFAULT, WD_ZD_NONE);
	if (z->live >= WD_ZIP_MAX_STREAMS)
		return wd_zip_fail(c, -ENOMEM, WD_ZD_NONE);
	ret = wd_zip_param_load(q, s, &param);
	if (ret)
		return wd_zip_fail(c, ret, ret == -EINVAL ? WD_ZD_BAD_PARAM :
				   WD_ZD_NONE);
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st) {
		kvfree(param);
		return wd_zip_fail(c, -ENOMEM, WD_ZD_NONE);
	}
	st->inflate = inflating;
	if (!inflating)
		st->def.param = param;	/* owned by the stream from here */
	ret = wd_zstream_setup(st, s, param);
	if (!ret)
		ret = xa_alloc(&z->streams, &id, st, xa_limit_32b, GFP_KERNEL);
	if (ret) {
		wd_zstream_free(st);
		return wd_zip_fail(c, -ENOMEM, WD_ZD_NONE);
	}
	z->gen = z->gen % WD_ZIP_GEN_MASK + 1;
	st->gen = z->gen;
	z->live++;
	c->status = 0;
	c->aux = (u64)st->gen << 32 | id;
}

static struct wd_zstream *wd_zstream_get(struct wd_queue *q, u64 handle)
{
	struct wd_zstream *st;

	if (!(u32)handle)
		return NULL;
	st = xa_load(&q->zip->streams, (u32)handle);
	return st && st->gen == handle >> 32 ? st : NULL;
}

static void wd_zip_deflate_step(struct wd_queue *q, struct wd_zstream *st,
				const struct wd_sqe *s, struct wd_cqe *c)
{
	static const int flush_mode[4] = {
		Z_NO_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH
	};
	struct wd_zio io = { .src = s->src_addr, .src_len = s->src_len,
			     .dst = s->dst_addr, .dst_len = s->dst_len };
	bool done = false;
	int ret;

	if (st->ended)
		return wd_zip_fail(c, -EINVAL, WD_ZD_ENDED);
	ret = wd_zdef_run(q, &st->def, &io, flush_mode[s->op_flags & 3],
			  &done);
	if (ret)
		return wd_zip_fail(c, ret, WD_ZD_NONE);
	c->status = 0;
	c->consumed = io.in_pos + io.in_off;
	c->produced = io.out_pos;
	if (done) {
		st->ended = true;
		c->aux = WD_ZIP_AUX_END;
	} else if (io.out_pos == io.dst_len) {
		c->flags = WD_CQE_F_MORE;
	}
}

static void wd_zip_inflate_step(struct wd_queue *q, struct wd_zstream *st,
				const struct wd_sqe *s, struct wd_cqe *c)
{
	struct wd_zio io = { .src = s->src_addr, .src_len = s->src_len,
			     .dst = s->dst_addr, .dst_len = s->dst_len };
	bool stop = s->op_flags & WD_ZIP_F_STOP_AT_END;
	unsigned int detail = WD_ZD_NONE;
	bool all;
	int ret;

	ret = wd_zinf_run(q, &st->inf, &io, false, stop, &detail);
	all = io.in_pos + io.in_off == io.src_len;
	if (!ret && (s->op_flags & WD_ZIP_F_FINISH) && all &&
	    !wd_zinf_done(&st->inf) && io.out_pos < io.dst_len) {
		ret = -EBADMSG;
		detail = WD_ZD_TRUNCATED;
	}
	if (ret && ret != -EBADMSG)
		return wd_zip_fail(c, ret, WD_ZD_NONE);
	/* A data error still reports what was used, as the soft engine. */
	c->status = ret;
	c->detail = detail;
	c->consumed = io.in_pos + io.in_off;
	c->produced = io.out_pos;
	if (!ret && io.out_pos == io.dst_len)
		c->flags = WD_CQE_F_MORE;
	if (!ret && wd_zinf_done(&st->inf) && (all || stop))
		c->aux = WD_ZIP_AUX_END;
}

void wd_zip_stream_step(struct wd_queue *q, const struct wd_sqe *s,
			struct wd_cqe *c)
{
	bool inflate = s->opcode == WD_ZIP_STREAM_INFLATE;
	struct wd_zstream *st;

	if (s->param_addr || s->param_len ||
	    (s->op_flags & ~(inflate ? WD_ZIP_F_FINISH | WD_ZIP_F_STOP_AT_END : 3u)))
		return wd_zip_fail(c, -EINVAL, WD_ZD_NONE);
	if (wd_zip_faults(q, s))
		return wd_zip_fail(c, -EFAULT, WD_ZD_NONE);
	st = wd_zstream_get(q, s->ctx_addr);
	if (!st)
		return wd_zip_fail(c, -EINVAL, WD_ZD_BAD_HANDLE);
	if (st->inflate != inflate)
		return wd_zip_fail(c, -EINVAL, WD_ZD_DIRECTION);
	if (inflate)
		wd_zip_inflate_step(q, st, s, c);
	else
		wd_zip_deflate_step(q, st, s, c);
}

void wd_zip_stream_end(struct wd_queue *q, const struct wd_sqe *s,
		       struct wd_cqe *c)
{
	struct wd_zstream *st;

	if (s->op_flags || s->src_addr || s->src_len || s->dst_addr ||
	    s->dst_len || s->param_addr || s->param_len)
		return wd_zip_fail(c, -EINVAL, WD_ZD_NONE);
	st = wd_zstream_get(q, s->ctx_addr);
	if (!st)
		return wd_zip_fail(c, -EINVAL, WD_ZD_BAD_HANDLE);
	xa_erase(&q->zip->streams, (u32)s->ctx_addr);
	q->zip->live--;
	wd_zstream_free(st);
	c->status = 0;
}
