// SPDX-License-Identifier: GPL-2.0
/*
 * Crypto sessions of one queue. A handle is (generation << 32) | id: the id
 * indexes the queue's xarray, the generation (per queue, never 0) makes a
 * closed handle stale even when its id is reused, so a stale, forged or
 * foreign handle is -EBADF, never a dereference. Only the queue's worker
 * touches the table (one SQE at a time), and wd_crypto_queue_free() once
 * the worker has stopped: no locking beyond the xarray's own.
 */
#include <linux/slab.h>

#include "wd_soft_crypto.h"

enum wdc_kind { WDC_KIND_CIPHER = 1, WDC_KIND_HASH };

struct wdc_session {
	u32 gen;
	enum wdc_kind kind;
	u32 alg;
	/* cipher: the keyed tfms; a stream and a whole-message state */
	struct crypto_sync_skcipher *tfm;
	struct crypto_shash *ghash;
	struct wdc_cstate stream, msg;
	/* hash */
	struct crypto_shash *shash;
	struct shash_desc *desc;
};

static void wdc_session_free(struct wdc_session *s)
{
	if (!IS_ERR_OR_NULL(s->tfm))
		crypto_free_sync_skcipher(s->tfm);	/* frees with kfree_sensitive */
	if (!IS_ERR_OR_NULL(s->ghash))
		crypto_free_shash(s->ghash);
	if (!IS_ERR_OR_NULL(s->shash))
		crypto_free_shash(s->shash);
	kfree_sensitive(s->stream.gdesc);
	kfree_sensitive(s->msg.gdesc);
	kfree_sensitive(s->desc);
	kfree_sensitive(s);
}

static struct shash_desc *wdc_desc_alloc(struct crypto_shash *tfm)
{
	struct shash_desc *d = kzalloc(sizeof(*d) + crypto_shash_descsize(tfm), GFP_KERNEL);

	if (d)
		d->tfm = tfm;
	return d;
}

static int wdc_cipher_session_new(struct wdc_session *s, const struct wdc_req *r)
{
	int ret;

	if (r->p.key_len != wdc_key_len(r->p.alg))
		return -EINVAL;
	s->tfm = wdc_alloc_skcipher(r->p.alg);
	if (IS_ERR(s->tfm))
		return PTR_ERR(s->tfm);
	if (wdc_alg_is_gcm(r->p.alg)) {
		s->ghash = wdc_alloc_ghash();
		if (IS_ERR(s->ghash))
			return PTR_ERR(s->ghash);
		s->stream.gdesc = wdc_desc_alloc(s->ghash);
		s->msg.gdesc = wdc_desc_alloc(s->ghash);
		if (!s->stream.gdesc || !s->msg.gdesc)
			return -ENOMEM;
	}
	s->stream.alg = s->msg.alg = r->p.alg;
	s->stream.tfm = s->msg.tfm = s->tfm;
	s->stream.ghash = s->msg.ghash = s->ghash;
	/* Key expanded (and H derived) once; both states share the tfms. */
	ret = wdc_cipher_setkey(&s->stream, r->key, r->p.key_len);
	s->msg.ks_used = 16;
	return ret ? -EINVAL : 0;
}

static int wdc_hash_session_new(struct wdc_session *s, const struct wdc_req *r)
{
	int ret;

	if (wdc_alg_is_hash(r->p.alg) && r->p.key_len)
		return -EINVAL;
	s->shash = wdc_alloc_shash(r->p.alg);
	if (IS_ERR(s->shash))
		return PTR_ERR(s->shash);
	if (wdc_alg_is_hmac(r->p.alg)) {
		ret = crypto_shash_setkey(s->shash, r->key, r->p.key_len);
		if (ret)
			return ret;
	}
	s->desc = wdc_desc_alloc(s->shash);
	if (!s->desc)
		return -ENOMEM;
	return crypto_shash_init(s->desc);
}

int wdc_session_open(struct wd_queue *q, const struct wdc_req *r, u64 *handle)
{
	const struct wdc_param *p = &r->p;
	struct wd_crypto *c = q->crypto;
	struct wdc_session *s;
	u32 id;
	int ret;

	if ((p->flags & ~WDC_F_NOPAD) || p->iv_len || p->tag_len || p->aad_len || p->aad_addr)
		return -EINVAL;
	if (!wdc_alg_is_cipher(p->alg) && !wdc_alg_is_hash(p->alg) && !wdc_alg_is_hmac(p->alg))
		return -EINVAL;
	if (c->live >= WDC_MAX_SESSIONS)
		return -ENOMEM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->alg = p->alg;
	if (wdc_alg_is_cipher(p->alg)) {
		s->kind = WDC_KIND_CIPHER;
		ret = wdc_cipher_session_new(s, r);
	} else {
		s->kind = WDC_KIND_HASH;
		ret = wdc_hash_session_new(s, r);
	}
	if (ret)
		goto err;
	c->gen = c->gen + 1 ? c->gen + 1 : 1;	/* handle 0 is "no session" */
	s->gen = c->gen;
	ret = xa_alloc_cyclic(&c->sessions, &id, s, XA_LIMIT(1, WDC_MAX_SESSIONS),
			      &c->next_id, GFP_KERNEL);
	if (ret < 0) {
		ret = ret == -EBUSY ? -ENOMEM : ret;
		goto err;
	}
	c->live++;
	*handle = ((u64)s->gen << 32) | id;
	return 0;
err:
	wdc_session_free(s);
	return ret;
}

static struct wdc_session *wdc_lookup(struct wd_crypto *c, u64 handle)
{
	u32 id = (u32)handle, gen = (u32)(handle >> 32);
	struct wdc_session *s;

	if (!id || id > WDC_MAX_SESSIONS)
		return NULL;
	s = xa_load(&c->sessions, id);
	return s && s->gen == gen ? s : NULL;
}

int wdc_session_close(struct wd_queue *q, u64 handle)
{
	struct wd_crypto *c = q->crypto;
	struct wdc_session *s = wdc_lookup(c, handle);

	if (!s)
		return -EBADF;
	xa_erase(&c->sessions, (u32)handle);
	c->live--;
	wdc_session_free(s);
	return 0;
}

/* A stream step, with the in-process engine's rules for INIT and state. */
static int wdc_stream_step(struct wd_queue *q, struct wdc_session *s, const struct wdc_req *r,
			   u32 *produced)
{
	const struct wdc_param *p = &r->p;
	struct wdc_cstate *st = &s->stream;
	u32 mode = p->flags & (WDC_F_DECRYPT | WDC_F_NOPAD);
	bool dec = p->flags & WDC_F_DECRYPT;
	u64 total;
	int ret;

	if (p->flags & WDC_F_INIT) {
		st->active = false;
		ret = wdc_cipher_start(q, st, r);
		if (ret)
			return ret;
		st->active = true;
	} else if (!st->active || st->flags != mode) {
		return -EINVAL;
	}
	total = (u64)st->buf_len + r->src_len;
	if (wdc_cipher_out_bound(p->alg, p->flags, total) > r->dst_len)
		return -ENOSPC;
	if ((p->flags & WDC_F_FINAL) && wdc_alg_is_cbc(p->alg) && total % 16 &&
	    (dec || (p->flags & WDC_F_NOPAD)))
		return -EINVAL;
	ret = wdc_cipher_step(q, st, r, produced);
	if (ret || (p->flags & WDC_F_FINAL)) {
		st->active = false;
		st->buf_len = 0;
		memzero_explicit(st->buf, sizeof(st->buf));
	}
	return ret;
}

static int wdc_cipher_session_run(struct wd_queue *q, struct wdc_session *s,
				  const struct wdc_req *r, u32 *produced)
{
	int ret;

	if (r->p.alg != s->alg)
		return -EINVAL;
	if ((r->p.flags & (WDC_F_INIT | WDC_F_FINAL)) != (WDC_F_INIT | WDC_F_FINAL))
		return wdc_stream_step(q, s, r, produced);
	/* A whole message leaves the stream alone. */
	ret = wdc_cipher_start(q, &s->msg, r);
	if (!ret)
		ret = wdc_cipher_step(q, &s->msg, r, produced);
	s->msg.buf_len = 0;
	memzero_explicit(s->msg.buf, sizeof(s->msg.buf));
	return ret;
}

static int wdc_hash_session_run(struct wd_queue *q, struct wdc_session *s,
				const struct wdc_req *r, u32 *produced)
{
	u32 n = wdc_digest_len(s->alg);
	u8 *out = q->crypto->buf;
	int ret, init;

	if (r->p.alg != s->alg || (r->p.flags & ~WDC_F_FINAL))
		return -EINVAL;
	if ((r->p.flags & WDC_F_FINAL) && r->dst_len < n)
		return -ENOSPC;
	ret = wdc_hash_update(q, s->desc, r->src, r->src_len);
	if (ret || !(r->p.flags & WDC_F_FINAL))
		return ret;
	ret = crypto_shash_final(s->desc, out);
	if (!ret)
		ret = wd_mem_write(q, r->dst, out, n);
	memzero_explicit(out, n);
	/* The next update starts a new digest (HMAC keeps its key), whatever happened. */
	init = crypto_shash_init(s->desc);
	if (!ret)
		ret = init;
	if (!ret)
		*produced = n;
	return ret;
}

int wdc_session_run(struct wd_queue *q, u64 handle, u8 opcode, const struct wdc_req *r,
		    u32 *produced)
{
	struct wdc_session *s = wdc_lookup(q->crypto, handle);

	if (!s)
		return -EBADF;
	if (opcode == WDC_OP_SESSION_CIPHER && s->kind == WDC_KIND_CIPHER)
		return wdc_cipher_session_run(q, s, r, produced);
	if (opcode == WDC_OP_SESSION_HASH && s->kind == WDC_KIND_HASH)
		return wdc_hash_session_run(q, s, r, produced);
	return -EINVAL;
}

/*
 * The session of a batch, checked once for the whole SQE: a live cipher
 * session (-EBADF if none, or a hash session), of the batch's alg.
 */
int wdc_session_cipher_check(struct wd_queue *q, u64 handle, u32 alg)
{
	struct wdc_session *s = wdc_lookup(q->crypto, handle);

	if (!s || s->kind != WDC_KIND_CIPHER)
		return -EBADF;
	return s->alg == alg ? 0 : -EINVAL;
}

void wdc_sessions_free(struct wd_crypto *c)
{
	struct wdc_session *s;
	unsigned long id;

	xa_for_each(&c->sessions, id, s) {
		xa_erase(&c->sessions, id);
		wdc_session_free(s);
		c->live--;
	}
	xa_destroy(&c->sessions);
}
