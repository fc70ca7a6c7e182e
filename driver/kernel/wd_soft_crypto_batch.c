// SPDX-License-Identifier: GPL-2.0
/*
 * Batches (SESSION_BATCH 0x47, DIGEST_BATCH 0x48): sqe.src_addr names a
 * table of sqe.src_len struct wdc_batch_entry, each a whole message run by
 * the code and with the checks of its single-message opcode (SESSION_CIPHER
 * with INIT|FINAL, resp. DIGEST). A fault of the SQE itself (its fields, the
 * param block, the handle, an unreadable table) fails the CQE before any
 * entry is touched. After that every entry runs, in order, whatever the
 * previous one did, and its status and produced are written back into the
 * table. The table is copied in WDC_BATCH_CHUNK entries at a time into the
 * queue's state, so kernel memory does not grow with the count, and each
 * entry is used from that copy only (a concurrent writer cannot change an
 * entry between its checks and its use).
 */
#include <linux/sched.h>
#include <linux/slab.h>

#include "wd_soft_crypto.h"

#define WDC_ENTRY_SIZE	sizeof(struct wdc_batch_entry)

/* What the engine writes back into an entry (at offset 44). */
struct wdc_batch_out {
	s32 status;
	u32 produced;
};

struct wdc_batch {
	const struct wd_sqe *sqe;
	struct wdc_req base;		/* the param block shared by every entry */
	struct shash_desc *desc;	/* DIGEST_BATCH: keyed once for all entries */
};

/*
 * SESSION_BATCH's param block: the session's alg, DECRYPT/NOPAD only (every
 * entry is a whole message: INIT|FINAL are implied, so not accepted), no key,
 * no IV (IVs are per entry); GCM: the tag length and an optional AAD that
 * every message shares.
 */
static int wdc_batch_cipher_param(const struct wdc_param *p)
{
	bool gcm = wdc_alg_is_gcm(p->alg);

	if (!wdc_alg_is_cipher(p->alg) || (p->flags & ~(WDC_F_DECRYPT | WDC_F_NOPAD)))
		return -EINVAL;
	if (p->key_len || p->iv_len)
		return -EINVAL;
	if ((p->flags & WDC_F_NOPAD) && !wdc_alg_is_cbc(p->alg))
		return -EINVAL;
	if (gcm ? !wdc_tag_len_ok(p->tag_len) : p->tag_len != 0)
		return -EINVAL;
	if (!gcm && (p->aad_len || p->aad_addr))
		return -EINVAL;
	if (!p->aad_len != !p->aad_addr)
		return -EINVAL;
	return 0;
}

/*
 * Can the whole table be read? Checked before the first entry runs, so a
 * table that ends in an unmapped page fails the SQE with nothing touched.
 * At most 64 KiB, through the bounce buffer.
 */
static int wdc_batch_table_ok(struct wd_queue *q, u64 table, u32 count)
{
	u64 bytes = (u64)count * WDC_ENTRY_SIZE, off;
	u32 n;

	if (wd_range_faults(q, table, bytes))
		return -EFAULT;
	for (off = 0; off < bytes; off += n) {
		n = min_t(u64, bytes - off, WDC_CHUNK);
		if (wd_mem_read(q, q->crypto->buf, table + off, n))
			return -EFAULT;
	}
	return 0;
}

static bool wdc_entry_resv(const struct wdc_batch_entry *e)
{
	return e->resv0 || e->resv1 || e->resv2;
}

static void wdc_entry_req(struct wdc_req *r, const struct wdc_batch_entry *e)
{
	r->src = e->src_addr;
	r->dst = e->dst_addr;
	r->src_len = e->src_len;
	r->dst_len = e->dst_len;
}

/* One message of a SESSION_BATCH: SESSION_CIPHER with INIT|FINAL. */
static int wdc_batch_cipher_entry(struct wd_queue *q, struct wdc_batch *b,
				  const struct wdc_batch_entry *e, u32 *produced)
{
	struct wdc_req r = b->base;
	bool gcm = wdc_alg_is_gcm(r.p.alg);
	int ret;

	if (wdc_entry_resv(e) || !e->iv_addr || (gcm ? !e->tag_addr : e->tag_addr))
		return -EINVAL;
	r.p.flags |= WDC_F_INIT | WDC_F_FINAL;
	r.p.iv_len = e->iv_len;
	r.tag_addr = e->tag_addr;
	wdc_entry_req(&r, e);
	ret = wdc_check_buffers(q, &r);
	if (!ret)
		ret = wdc_check_message(&r, false);	/* iv_len, CBC blocks, room */
	if (!ret && wdc_partial_overlap(&r))
		ret = -EINVAL;
	if (ret)
		return ret;
	/* iv_len <= WDC_IV_MAX now; the param block holds no IV or key here */
	if (wd_mem_read(q, q->crypto->param, e->iv_addr, e->iv_len))
		return -EFAULT;
	r.iv = q->crypto->param;
	memset(r.p.tag, 0, sizeof(r.p.tag));
	if (gcm && (r.p.flags & WDC_F_DECRYPT) &&
	    wd_mem_read(q, r.p.tag, e->tag_addr, r.p.tag_len))
		return -EFAULT;
	return wdc_session_run(q, b->sqe->ctx_addr, WDC_OP_SESSION_CIPHER, &r, produced);
}

/* One message of a DIGEST_BATCH: a one-shot DIGEST. */
static int wdc_batch_digest_entry(struct wd_queue *q, struct wdc_batch *b,
				  const struct wdc_batch_entry *e, u32 *produced)
{
	struct wdc_req r = b->base;
	int ret;

	if (wdc_entry_resv(e) || e->iv_addr || e->iv_len || e->tag_addr)
		return -EINVAL;
	wdc_entry_req(&r, e);
	ret = wdc_check_buffers(q, &r);
	if (ret)
		return ret;
	if (r.dst_len < wdc_digest_len(r.p.alg))
		return -ENOSPC;
	return wdc_digest_run(q, b->desc, &r, produced);
}

/* Run every entry; the CQE's status is the table's (write-back, cancel). */
static int wdc_batch_run(struct wd_queue *q, struct wdc_batch *b, struct wd_cqe *cqe)
{
	struct wdc_batch_entry *chunk = q->crypto->batch;
	u64 table = b->sqe->src_addr, total = 0, read = 0;
	u32 count = b->sqe->src_len, failed = 0, i, j, n;
	struct wdc_batch_out out;

	for (i = 0; i < count; i += n) {
		n = min_t(u32, count - i, WDC_BATCH_CHUNK);
		if (wd_mem_read(q, chunk, table + (u64)i * WDC_ENTRY_SIZE, n * WDC_ENTRY_SIZE))
			return -EFAULT;
		for (j = 0; j < n; j++) {
			if (wd_should_abort(q))
				return -ECANCELED;
			out.produced = 0;
			if (b->sqe->opcode == WDC_OP_SESSION_BATCH)
				out.status = wdc_batch_cipher_entry(q, b, &chunk[j], &out.produced);
			else
				out.status = wdc_batch_digest_entry(q, b, &chunk[j], &out.produced);
			if (out.status) {
				out.produced = 0;
				failed++;
			}
			if (wd_mem_write(q, table + (u64)(i + j) * WDC_ENTRY_SIZE +
					 offsetof(struct wdc_batch_entry, status), &out, sizeof(out)))
				return -EFAULT;
			/* only a stopping queue cancels a message: so does the batch */
			if (out.status == -ECANCELED)
				return -ECANCELED;
			if (!out.status)
				read += chunk[j].src_len;
			total += out.produced;
			cond_resched();
		}
	}
	/* bytes of the entries that succeeded; sums past 4 GiB saturate */
	cqe->consumed = min_t(u64, read, U32_MAX);
	cqe->produced = min_t(u64, total, U32_MAX);
	cqe->aux = failed;
	return 0;
}

int wdc_batch(struct wd_queue *q, const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	struct wdc_batch b = { .sqe = sqe };
	int ret;

	if (sqe->dst_addr || sqe->dst_len)
		return -EINVAL;
	ret = wdc_parse_param(q, sqe, &b.base);
	if (ret)
		return ret;
	if (!sqe->src_len || sqe->src_len > WDC_BATCH_MAX)
		return -EINVAL;
	if (sqe->opcode == WDC_OP_SESSION_BATCH) {
		ret = wdc_batch_cipher_param(&b.base.p);
		if (!ret)
			ret = wdc_session_cipher_check(q, sqe->ctx_addr, b.base.p.alg);
	} else {
		ret = sqe->ctx_addr ? -EINVAL : wdc_check_digest_param(&b.base.p);
	}
	if (!ret)
		ret = wdc_batch_table_ok(q, sqe->src_addr, sqe->src_len);
	if (ret)
		return ret;
	if (sqe->opcode == WDC_OP_DIGEST_BATCH) {
		b.desc = wdc_digest_desc(q, &b.base);
		if (IS_ERR(b.desc))
			return PTR_ERR(b.desc);
	}
	ret = wdc_batch_run(q, &b, cqe);
	kfree_sensitive(b.desc);
	return ret;
}
