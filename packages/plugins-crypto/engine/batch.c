// SPDX-License-Identifier: MIT
/*
 * Batches: many independent whole messages in one SQE (WDC_OP_SESSION_BATCH,
 * WDC_OP_DIGEST_BATCH; the protocol is the comment above struct
 * wdc_batch_entry). Each entry is turned into the request its single-message
 * opcode would carry and runs through the same checks and the same code;
 * only the per-descriptor work is shared: one session lookup, one pooled
 * context (cipher) or one keyed HMAC state for the whole batch.
 */
#include <errno.h>
#include <string.h>
#include "crypto_engine.h"

static void *ptr(__u64 addr)
{
	return (void *)(unsigned long)addr;
}

static __u32 add_sat(__u32 a, __u32 b)
{
	return a > 0xffffffffU - b ? 0xffffffffU : a + b;
}

/* Record an entry's outcome and add it to the CQE totals. */
static void settle(struct wdc_batch_entry *e, int ret, __u32 produced, struct wd_cqe *cqe)
{
	e->status = ret;
	e->produced = ret ? 0 : produced;
	if (ret) {
		cqe->aux++;
		return;
	}
	cqe->consumed = add_sat(cqe->consumed, e->src_len);
	cqe->produced = add_sat(cqe->produced, produced);
}

static int entry_addrs_ok(const struct wdc_batch_entry *e)
{
	return !((e->src_len && !e->src_addr) || (e->dst_len && !e->dst_addr));
}

static int cipher_entry(struct wdc_cipher_lease *l, const struct wdc_param *p, const struct wdc_batch_entry *e,
			__u32 *produced)
{
	int gcm = wdc_alg_is_gcm(p->alg), ret;
	struct wdc_param one = *p;	/* this message's block: its IV length and tag */
	struct wdc_req r = {
		.p = &one, .iv = ptr(e->iv_addr), .aad = ptr(p->aad_addr),
		.src = ptr(e->src_addr), .dst = ptr(e->dst_addr), .src_len = e->src_len, .dst_len = e->dst_len,
	};

	if (e->resv0 || e->resv1 || e->resv2 || !e->iv_addr || !e->tag_addr != !gcm)
		return -EINVAL;
	if (!entry_addrs_ok(e))
		return -EFAULT;
	one.flags |= WDC_F_INIT | WDC_F_FINAL;
	one.iv_len = e->iv_len;
	ret = wdc_check_message(&r, 0);
	if (ret)
		return ret;
	if (gcm && (one.flags & WDC_F_DECRYPT))
		memcpy(one.tag, ptr(e->tag_addr), one.tag_len);
	ret = wdc_cipher_leased_message(l, &r, produced);
	if (!ret && gcm && !(one.flags & WDC_F_DECRYPT))
		memcpy(ptr(e->tag_addr), one.tag, one.tag_len);
	return ret;
}

int wdc_cipher_batch(struct wdc_cipher_state *s, const struct wdc_param *p, struct wdc_batch_entry *e,
		     __u32 n, struct wd_cqe *cqe)
{
	struct wdc_cipher_lease l;
	int ret = wdc_cipher_lease(s, p->alg, !(p->flags & WDC_F_DECRYPT), &l);

	if (ret)
		return ret;
	if (!e) {		/* the kernel's order: fields, session, alg, then the table */
		wdc_cipher_unlease(&l);
		return -EFAULT;
	}
	for (__u32 i = 0; i < n; i++) {
		__u32 produced = 0;

		ret = cipher_entry(&l, p, &e[i], &produced);
		settle(&e[i], ret, produced, cqe);
	}
	wdc_cipher_unlease(&l);
	return 0;
}

static int digest_entry(const struct wdc_req *batch, struct wdc_hash_state *hmac,
			const struct wdc_batch_entry *e, __u32 *produced)
{
	struct wdc_param final = *batch->p;
	struct wdc_req r = *batch;
	int ret;

	if (e->resv0 || e->resv1 || e->resv2 || e->iv_addr || e->iv_len || e->tag_addr)
		return -EINVAL;
	if (!entry_addrs_ok(e))
		return -EFAULT;
	r.src = ptr(e->src_addr);
	r.dst = ptr(e->dst_addr);
	r.src_len = e->src_len;
	r.dst_len = e->dst_len;
	ret = wdc_check_digest(&r);
	if (ret)
		return ret;
	if (!hmac)
		return wdc_digest_oneshot(&r, produced);
	/* The keyed HMAC state restarts after each FINAL, keeping its pads. */
	final.flags = WDC_F_FINAL;
	final.key_len = 0;
	r.p = &final;
	return wdc_hash_session(hmac, &r, produced);
}

int wdc_digest_batch(const struct wdc_req *r, struct wdc_batch_entry *e, __u32 n, struct wd_cqe *cqe)
{
	struct wdc_hash_state *hmac = NULL;

	if (!e)
		return -EFAULT;
	if (wdc_alg_is_hmac(r->p->alg)) {
		hmac = wdc_hash_state_new(r->p->alg, r->key, r->p->key_len);
		if (!hmac)
			return -ENOMEM;
	}
	for (__u32 i = 0; i < n; i++) {
		__u32 produced = 0;
		int ret = digest_entry(r, hmac, &e[i], &produced);

		settle(&e[i], ret, produced, cqe);
	}
	wdc_hash_state_free(hmac);
	return 0;
}
