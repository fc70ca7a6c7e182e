// SPDX-License-Identifier: GPL-2.0
/*
 * The crypto engine's entry point (opcodes 0x40-0x48): parse the SQE and its
 * parameter block, validate every field exactly like the in-process engine
 * (packages/plugins-crypto/engine/engine.c: same checks, same order, same
 * status), then run the request through the kernel crypto API. The param
 * block, the AAD and the data are reached only through wd_mem_*(); nothing
 * is written to dst unless every field checked out and dst holds the result.
 */
#include <linux/slab.h>
#include <linux/utsname.h>

#include "wd_soft_crypto.h"

static struct wd_crypto *wdc_queue_state(struct wd_queue *q)
{
	struct wd_crypto *c = q->crypto;

	if (c)
		return c;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->buf = kmalloc(WDC_CHUNK, GFP_KERNEL);
	if (!c->buf) {
		kfree(c);
		return NULL;
	}
	xa_init_flags(&c->sessions, XA_FLAGS_ALLOC1);
	c->one.ks_used = 16;
	q->crypto = c;
	return c;
}

/* Called once the worker can no longer run (PUT_Q, release): idempotent. */
void wd_crypto_queue_free(struct wd_queue *q)
{
	struct wd_crypto *c = q->crypto;
	int i;

	if (!c)
		return;
	q->crypto = NULL;
	wdc_sessions_free(c);
	if (c->ctr)
		crypto_free_sync_skcipher(c->ctr);
	if (c->cbc)
		crypto_free_sync_skcipher(c->cbc);
	if (c->ghash)
		crypto_free_shash(c->ghash);
	for (i = 0; i < ARRAY_SIZE(c->hash); i++)
		if (c->hash[i])
			crypto_free_shash(c->hash[i]);
	kfree_sensitive(c->gdesc);
	kfree_sensitive(c->buf);
	kfree_sensitive(c);
}

/* Zero n bytes of dst (a failed step's output). Best effort. */
int wdc_wipe(struct wd_queue *q, u64 dst, u64 n)
{
	u8 *buf = q->crypto->buf;
	u64 off;
	u32 k;
	int ret = 0;

	memset(buf, 0, WDC_CHUNK);
	for (off = 0; off < n && !ret; off += k) {
		k = min_t(u64, n - off, WDC_CHUNK);
		ret = wd_mem_write(q, dst + off, buf, k);
	}
	return ret;
}

/* The one-shot tfms of a mode, allocated on first use and kept per queue. */
static int wdc_oneshot_tfms(struct wd_crypto *c, u32 alg)
{
	struct crypto_sync_skcipher **t = wdc_alg_is_cbc(alg) ? &c->cbc : &c->ctr;
	struct crypto_sync_skcipher *tfm;
	struct crypto_shash *gh;

	if (!*t) {
		tfm = wdc_alloc_skcipher(alg);
		if (IS_ERR(tfm))
			return PTR_ERR(tfm);
		*t = tfm;
	}
	if (wdc_alg_is_gcm(alg) && !c->ghash) {
		gh = wdc_alloc_ghash();
		if (IS_ERR(gh))
			return PTR_ERR(gh);
		c->gdesc = kzalloc(sizeof(*c->gdesc) + crypto_shash_descsize(gh), GFP_KERNEL);
		if (!c->gdesc) {
			crypto_free_shash(gh);
			return -ENOMEM;
		}
		c->ghash = gh;
	}
	return 0;
}

static struct crypto_shash *wdc_oneshot_shash(struct wd_crypto *c, u32 alg)
{
	struct crypto_shash *tfm;

	if (!c->hash[alg]) {
		tfm = wdc_alloc_shash(alg);
		if (IS_ERR(tfm))
			return tfm;
		c->hash[alg] = tfm;
	}
	return c->hash[alg];
}

/*
 * The SQE fields and the param block every request but INFO has: the header
 * into r->p, the IV and key into c->param. src/dst are the caller's.
 */
int wdc_parse_param(struct wd_queue *q, const struct wd_sqe *sqe, struct wdc_req *r)
{
	struct wd_crypto *c = q->crypto;
	struct wdc_param *p = &r->p;
	u32 extra;

	if (sqe->flags || sqe->op_flags || sqe->aux || !sqe->param_addr ||
	    sqe->param_len < sizeof(*p))
		return -EINVAL;
	if (wd_mem_read(q, p, sqe->param_addr, sizeof(*p)))
		return -EFAULT;
	extra = (u32)p->iv_len + p->key_len;
	if (p->resv0 || p->resv1 || p->iv_len > WDC_IV_MAX || p->key_len > WDC_KEY_MAX ||
	    p->tag_len > WDC_TAG_MAX || sqe->param_len != sizeof(*p) + extra)
		return -EINVAL;
	if (extra && wd_mem_read(q, c->param, sqe->param_addr + sizeof(*p), extra))
		return -EFAULT;
	r->iv = c->param;
	r->key = c->param + p->iv_len;
	r->tag_addr = sqe->param_addr + WDC_PARAM_TAG_OFF;
	return 0;
}

/* A length needs an address, and both ends must be in reach. */
int wdc_check_buffers(struct wd_queue *q, const struct wdc_req *r)
{
	if ((r->src_len && !r->src) || (r->dst_len && !r->dst))
		return -EFAULT;
	if (wd_range_faults(q, r->src, r->src_len) || wd_range_faults(q, r->dst, r->dst_len))
		return -EFAULT;
	return 0;
}

static int wdc_parse(struct wd_queue *q, const struct wd_sqe *sqe, struct wdc_req *r)
{
	int ret = wdc_parse_param(q, sqe, r);

	if (ret)
		return ret;
	r->src = sqe->src_addr;
	r->dst = sqe->dst_addr;
	r->src_len = sqe->src_len;
	r->dst_len = sqe->dst_len;
	return wdc_check_buffers(q, r);
}

/*
 * Engines stream through one bounce buffer, so src and dst may be the same
 * range (in place) but must not partly overlap: a chunk would overwrite
 * input not yet read. The in-process engine (EVP) refuses that too.
 */
bool wdc_partial_overlap(const struct wdc_req *r)
{
	if (!r->src_len || !r->dst_len || r->src == r->dst)
		return false;
	return r->dst < r->src + r->src_len && r->src < r->dst + r->dst_len;
}

/* A whole message (one-shot or session message): fields, then room. */
int wdc_check_message(const struct wdc_req *r, bool need_key)
{
	int ret;

	if ((r->p.flags & (WDC_F_INIT | WDC_F_FINAL)) != (WDC_F_INIT | WDC_F_FINAL))
		return -EINVAL;
	ret = wdc_cipher_check(r, need_key);
	if (ret)
		return ret;
	return wdc_cipher_out_bound(r->p.alg, r->p.flags, r->src_len) > r->dst_len ? -ENOSPC : 0;
}

/* The param block of a digest (one-shot or batch); the key is HMAC's only. */
int wdc_check_digest_param(const struct wdc_param *p)
{
	if (!(wdc_alg_is_hash(p->alg) || wdc_alg_is_hmac(p->alg)) || p->flags || p->iv_len ||
	    p->tag_len || p->aad_len || p->aad_addr || (wdc_alg_is_hash(p->alg) && p->key_len))
		return -EINVAL;
	return 0;
}

static int wdc_check_digest(const struct wdc_req *r)
{
	int ret = wdc_check_digest_param(&r->p);

	if (ret)
		return ret;
	return r->dst_len < wdc_digest_len(r->p.alg) ? -ENOSPC : 0;
}

static int wdc_cipher_oneshot(struct wd_queue *q, const struct wdc_req *r, u32 *produced)
{
	struct wd_crypto *c = q->crypto;
	struct wdc_cstate *s = &c->one;
	int ret;

	ret = wdc_oneshot_tfms(c, r->p.alg);
	if (ret)
		return ret;
	s->alg = r->p.alg;
	s->tfm = wdc_alg_is_cbc(s->alg) ? c->cbc : c->ctr;
	s->ghash = c->ghash;
	s->gdesc = c->gdesc;
	ret = wdc_cipher_setkey(s, r->key, r->p.key_len);
	if (ret)
		return -EINVAL;
	ret = wdc_cipher_start(q, s, r);
	if (!ret)
		ret = wdc_cipher_step(q, s, r, produced);
	s->buf_len = 0;
	memzero_explicit(s->buf, sizeof(s->buf));
	return ret;
}

/* The queue's tfm of r's hash, keyed for HMAC, in a new descriptor. */
struct shash_desc *wdc_digest_desc(struct wd_queue *q, const struct wdc_req *r)
{
	struct crypto_shash *tfm = wdc_oneshot_shash(q->crypto, r->p.alg);
	struct shash_desc *d;
	int ret;

	if (IS_ERR(tfm))
		return ERR_CAST(tfm);
	if (wdc_alg_is_hmac(r->p.alg)) {
		ret = crypto_shash_setkey(tfm, r->key, r->p.key_len);
		if (ret)
			return ERR_PTR(ret);
	}
	d = kzalloc(sizeof(*d) + crypto_shash_descsize(tfm), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->tfm = tfm;
	return d;
}

/* One whole digest of r's src into its dst (room checked by the caller). */
int wdc_digest_run(struct wd_queue *q, struct shash_desc *d, const struct wdc_req *r,
		   u32 *produced)
{
	u32 n = crypto_shash_digestsize(d->tfm);
	u8 *out = q->crypto->buf;
	int ret;

	ret = crypto_shash_init(d);
	if (!ret)
		ret = wdc_hash_update(q, d, r->src, r->src_len);
	if (!ret)
		ret = crypto_shash_final(d, out);
	if (!ret)
		ret = wd_mem_write(q, r->dst, out, n);
	memzero_explicit(out, n);
	if (!ret)
		*produced = n;
	return ret;
}

static int wdc_digest_oneshot(struct wd_queue *q, const struct wdc_req *r, u32 *produced)
{
	struct shash_desc *d = wdc_digest_desc(q, r);
	int ret;

	if (IS_ERR(d))
		return PTR_ERR(d);
	ret = wdc_digest_run(q, d, r, produced);
	kfree_sensitive(d);
	return ret;
}

static const char *wdc_driver_name(struct crypto_sync_skcipher *tfm)
{
	return crypto_skcipher_driver_name(&tfm->base);
}

/* Which kernel: release, and the crypto drivers this queue's engine uses. */
static int wdc_info(struct wd_queue *q, const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	struct wd_crypto *c = q->crypto;
	char *text = c->buf;
	int n, ret;
	u32 a;

	if (sqe->flags || sqe->op_flags || sqe->aux || sqe->ctx_addr || sqe->param_addr ||
	    sqe->param_len || sqe->src_addr || sqe->src_len)
		return -EINVAL;
	ret = wdc_oneshot_tfms(c, WDC_ALG_AES_128_GCM);
	if (!ret)
		ret = wdc_oneshot_tfms(c, WDC_ALG_AES_128_CBC);
	if (ret)
		return ret;
	n = scnprintf(text, WDC_CHUNK, "Linux %s kernel crypto API\n%s %s %s",
		      init_utsname()->release,
		      wdc_driver_name(c->ctr),
		      wdc_driver_name(c->cbc),
		      crypto_shash_driver_name(c->ghash));
	for (a = WDC_ALG_SHA1; a <= WDC_ALG_HMAC_SHA512; a++) {
		struct crypto_shash *tfm;

		if (!wdc_alg_is_hash(a) && !wdc_alg_is_hmac(a))
			continue;
		tfm = wdc_oneshot_shash(c, a);
		if (IS_ERR(tfm))
			return PTR_ERR(tfm);
		n += scnprintf(text + n, WDC_CHUNK - n, " %s", crypto_shash_driver_name(tfm));
	}
	n += scnprintf(text + n, WDC_CHUNK - n, "\n");
	if (n > sqe->dst_len)
		return -ENOSPC;
	if (wd_range_faults(q, sqe->dst_addr, n) || wd_mem_write(q, sqe->dst_addr, text, n))
		return -EFAULT;
	cqe->produced = n;
	cqe->aux = c->live;
	return 0;
}

static int wdc_dispatch(struct wd_queue *q, const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	struct wdc_req r;
	u32 produced = 0;
	u64 handle = 0;
	int ret;

	if (sqe->opcode == WDC_OP_INFO)
		return wdc_info(q, sqe, cqe);
	if (sqe->opcode == WDC_OP_SESSION_BATCH || sqe->opcode == WDC_OP_DIGEST_BATCH)
		return wdc_batch(q, sqe, cqe);
	ret = wdc_parse(q, sqe, &r);
	if (ret)
		return ret;
	switch (sqe->opcode) {
	case WDC_OP_CIPHER:
		ret = sqe->ctx_addr ? -EINVAL : wdc_check_message(&r, true);
		if (!ret)
			ret = wdc_partial_overlap(&r) ? -EINVAL : wdc_cipher_oneshot(q, &r, &produced);
		break;
	case WDC_OP_DIGEST:
		ret = sqe->ctx_addr ? -EINVAL : wdc_check_digest(&r);
		if (!ret)
			ret = wdc_digest_oneshot(q, &r, &produced);
		break;
	case WDC_OP_SESSION_OPEN:
		if (sqe->ctx_addr || sqe->src_len || sqe->dst_len || sqe->src_addr || sqe->dst_addr)
			return -EINVAL;
		ret = wdc_session_open(q, &r, &handle);
		cqe->aux = handle;
		return ret;
	case WDC_OP_SESSION_CLOSE:
		if (r.p.alg || r.p.flags || r.p.key_len || r.p.iv_len || sqe->src_len ||
		    sqe->dst_len)
			return -EINVAL;
		return wdc_session_close(q, sqe->ctx_addr);
	case WDC_OP_SESSION_CIPHER:
		ret = wdc_cipher_check(&r, false);
		if (!ret && (r.p.flags & WDC_F_INIT) && (r.p.flags & WDC_F_FINAL))
			ret = wdc_check_message(&r, false);
		if (!ret && wdc_partial_overlap(&r))
			ret = -EINVAL;
		if (!ret)
			ret = wdc_session_run(q, sqe->ctx_addr, sqe->opcode, &r, &produced);
		break;
	case WDC_OP_SESSION_HASH:
		if (r.p.key_len || r.p.iv_len || r.p.tag_len || r.p.aad_len || r.p.aad_addr)
			return -EINVAL;
		ret = wdc_session_run(q, sqe->ctx_addr, sqe->opcode, &r, &produced);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (!ret) {
		cqe->consumed = r.src_len;
		cqe->produced = produced;
	}
	return ret;
}

void wd_crypto_execute(struct wd_queue *q, const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	struct wd_crypto *c;

	if (sqe->opcode > WDC_OP_LAST) {
		cqe->status = -EOPNOTSUPP;
		return;
	}
	c = wdc_queue_state(q);
	if (!c) {
		cqe->status = -ENOMEM;
		return;
	}
	cqe->status = wdc_dispatch(q, sqe, cqe);
	/* Keys and IVs of the request do not outlive it. */
	memzero_explicit(c->param, sizeof(c->param));
}
