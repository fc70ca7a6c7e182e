// SPDX-License-Identifier: GPL-2.0
/*
 * The core opcodes (NOP, COPY, CRC32), run by the worker
 * inside the owner's mm. SVA: every buffer is reached with
 * copy_{from,to}_user(), so an unmapped or kernel address ends as -EFAULT in
 * the CQE, never as an oops. No-SVA: addresses are offsets into the queue's
 * data region, bounds-checked on every access. Validation matches the
 * in-process soft device field for field.
 */
#include <linux/crc32.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>

#include "wd_soft_drv.h"

/* A descriptor's buffer: one flat range or a user-memory wd_sgl_entry[]. */
struct wd_buf {
	u64 addr;
	u32 len;		/* bytes (flat) or entries (sgl) */
	bool sgl;
	u64 total;
};

struct wd_span {
	u64 addr;
	u32 len;
};

static int wd_sgl_read(struct wd_queue *q, const struct wd_buf *b, u32 i,
		       struct wd_sgl_entry *e)
{
	return wd_mem_read(q, e, b->addr + (u64)i * sizeof(*e), sizeof(*e));
}

/*
 * Returns 0 or -EINVAL/-EFAULT, like the in-process device's Segments
 * (or -ECANCELED if the queue stops while a long list is read).
 */
static int wd_buf_parse(struct wd_queue *q, struct wd_buf *b, u64 addr,
			u32 len, bool sgl)
{
	struct wd_sgl_entry e;
	u32 i;
	int ret;

	b->addr = addr;
	b->len = len;
	b->sgl = sgl;
	if (!sgl) {
		b->total = len;
		return wd_range_faults(q, addr, len) ? -EFAULT : 0;
	}
	if (len > WD_SOFT_MAX_SGL)
		return -EINVAL;
	if (wd_range_faults(q, addr, (u64)len * sizeof(e)))
		return -EFAULT;
	b->total = 0;
	for (i = 0; i < len; i++) {
		ret = wd_sgl_read(q, b, i, &e);
		if (ret)
			return ret;
		if (e.resv)
			return -EINVAL;
		if (wd_range_faults(q, e.addr, e.len))
			return -EFAULT;
		b->total += e.len;
		if (!(i & 1023)) {
			if (wd_should_abort(q))
				return -ECANCELED;
			cond_resched();
		}
	}
	return b->total > WD_MAX_REQ_LEN ? -EINVAL : 0;
}

static int wd_buf_count(const struct wd_buf *b)
{
	return b->sgl ? b->len : 1;
}

/* The list is user memory read twice; every use stays bounded by total. */
static int wd_buf_at(struct wd_queue *q, const struct wd_buf *b, u32 i,
		     struct wd_span *s)
{
	struct wd_sgl_entry e;
	int ret;

	if (!b->sgl) {
		s->addr = b->addr;
		s->len = b->len;
		return 0;
	}
	if (i >= b->len)
		return -EFAULT;		/* the list changed under us */
	ret = wd_sgl_read(q, b, i, &e);
	if (ret)
		return ret;
	s->addr = e.addr;
	s->len = e.len;
	return 0;
}

static int wd_copy_chunk(struct wd_queue *q, u64 dst, u64 src, size_t n)
{
	int ret = wd_mem_read(q, q->bounce, src, n);

	return ret ? ret : wd_mem_write(q, dst, q->bounce, n);
}

/* Flat ranges that overlap with dst above src: copy from the end (memmove). */
static int wd_copy_backward(struct wd_queue *q, u64 dst, u64 src, u64 len)
{
	size_t n;
	int ret;

	while (len) {
		if (wd_should_abort(q))
			return -ECANCELED;
		n = min_t(u64, len, WD_SOFT_BOUNCE_SIZE);
		len -= n;
		ret = wd_copy_chunk(q, dst + len, src + len, n);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

static int wd_copy_bufs(struct wd_queue *q, const struct wd_buf *src,
			const struct wd_buf *dst)
{
	struct wd_span s = {}, d = {};
	u64 left = src->total, n;
	u32 si = 0, di = 0, soff = 0, doff = 0;
	int ret;

	if (!src->sgl && !dst->sgl && dst->addr > src->addr &&
	    dst->addr < src->addr + left)
		return wd_copy_backward(q, dst->addr, src->addr, left);
	if (left && (wd_buf_at(q, src, 0, &s) || wd_buf_at(q, dst, 0, &d)))
		return -EFAULT;
	while (left) {
		if (soff == s.len) {
			if (++si >= wd_buf_count(src) || wd_buf_at(q, src, si, &s))
				return -EFAULT;
			soff = 0;
			continue;
		}
		if (doff == d.len) {
			if (++di >= wd_buf_count(dst) || wd_buf_at(q, dst, di, &d))
				return -EFAULT;
			doff = 0;
			continue;
		}
		if (wd_should_abort(q))
			return -ECANCELED;
		n = min3(left, (u64)(s.len - soff), (u64)(d.len - doff));
		n = min_t(u64, n, WD_SOFT_BOUNCE_SIZE);
		ret = wd_copy_chunk(q, d.addr + doff, s.addr + soff, n);
		if (ret)
			return ret;
		soff += n;
		doff += n;
		left -= n;
		cond_resched();
	}
	return 0;
}

static int wd_crc32_buf(struct wd_queue *q, const struct wd_buf *src,
			u32 *crc)
{
	struct wd_span s;
	u32 c = ~*crc;	/* zlib's crc32() = ~crc32_le(~seed, ...) */
	u32 i, off, n;
	int ret;

	for (i = 0; i < wd_buf_count(src); i++) {
		ret = wd_buf_at(q, src, i, &s);
		if (ret)
			return ret;
		for (off = 0; off < s.len; off += n) {
			if (wd_should_abort(q))
				return -ECANCELED;
			n = min_t(u32, s.len - off, WD_SOFT_BOUNCE_SIZE);
			ret = wd_mem_read(q, q->bounce, s.addr + off, n);
			if (ret)
				return ret;
			c = crc32_le(c, q->bounce, n);
			cond_resched();
		}
	}
	*crc = ~c;
	return 0;
}

/* Fields the core opcodes never use must be zero, so they can gain a meaning. */
static bool wd_common_unused_zero(const struct wd_sqe *s)
{
	return !s->op_flags && !s->ctx_addr && !s->param_addr && !s->param_len;
}

static void wd_run_nop(const struct wd_sqe *s, struct wd_cqe *c)
{
	bool zero = wd_common_unused_zero(s) && !s->src_addr && !s->dst_addr &&
		    !s->src_len && !s->dst_len && !s->aux &&
		    !(s->flags & (WD_SQE_F_SRC_SGL | WD_SQE_F_DST_SGL));

	c->status = zero ? 0 : -EINVAL;
}

static void wd_run_copy(struct wd_queue *q, const struct wd_sqe *s,
			struct wd_cqe *c)
{
	struct wd_buf src, dst;
	int ret;

	if (!wd_common_unused_zero(s) || s->aux) {
		c->status = -EINVAL;
		return;
	}
	ret = wd_buf_parse(q, &src, s->src_addr, s->src_len,
			   s->flags & WD_SQE_F_SRC_SGL);
	if (!ret)
		ret = wd_buf_parse(q, &dst, s->dst_addr, s->dst_len,
				   s->flags & WD_SQE_F_DST_SGL);
	if (!ret && dst.total < src.total)
		ret = -ENOSPC;		/* nothing written */
	if (!ret)
		ret = wd_copy_bufs(q, &src, &dst);
	c->status = ret;
	if (!ret)
		c->consumed = c->produced = src.total;
}

static void wd_run_crc32(struct wd_queue *q, const struct wd_sqe *s,
			 struct wd_cqe *c)
{
	struct wd_buf src;
	u32 crc = s->aux;
	int ret;

	if (!wd_common_unused_zero(s) || s->dst_addr || s->dst_len ||
	    (s->flags & WD_SQE_F_DST_SGL)) {
		c->status = -EINVAL;
		return;
	}
	ret = wd_buf_parse(q, &src, s->src_addr, s->src_len,
			   s->flags & WD_SQE_F_SRC_SGL);
	if (!ret)
		ret = wd_crc32_buf(q, &src, &crc);
	c->status = ret;
	if (!ret) {
		c->aux = crc;
		c->consumed = src.total;
	}
}

void wd_engine_execute(struct wd_queue *q, const struct wd_sqe *sqe,
		       struct wd_cqe *cqe)
{
	memset(cqe, 0, sizeof(*cqe));
	if ((sqe->flags & ~WD_SQE_F_VALID_MASK) || sqe->resv0) {
		cqe->status = -EINVAL;
	} else {
		switch (sqe->opcode) {
		case WD_OP_NOP:
			wd_run_nop(sqe, cqe);
			break;
		case WD_OP_COPY:
			wd_run_copy(q, sqe, cqe);
			break;
		case WD_OP_CRC32:
			wd_run_crc32(q, sqe, cqe);
			break;
		case WD_OP_CRYPTO_FIRST ... WD_OP_CRYPTO_LAST:
			wd_crypto_execute(q, sqe, cqe);
			break;
		default:
			if (wd_zip_opcode(sqe->opcode))
				wd_zip_execute(q, sqe, cqe);
			else
				cqe->status = -EOPNOTSUPP;
		}
	}
	cqe->user_data = sqe->user_data;	/* the device owns this field */
}
