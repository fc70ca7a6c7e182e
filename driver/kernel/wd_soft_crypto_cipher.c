// SPDX-License-Identifier: GPL-2.0
/*
 * AES-GCM/CTR/CBC for the crypto engine, through synchronous "ctr(aes)" and
 * "cbc(aes)" skciphers and the "ghash" shash.
 *
 * Why GCM is built here from CTR + GHASH instead of using "gcm(aes)": the
 * AEAD interface wants the whole message (and, decrypting, the tag) in one
 * request, so a message of src_len bytes would need src_len bytes of kernel
 * memory or pinned user pages, and streaming sessions (update/final steps)
 * would be impossible. CTR keystream and GHASH are both incremental: every
 * request runs through one WDC_CHUNK bounce buffer whatever its size, and the
 * state between stream steps is a few counters (struct wdc_cstate). It also
 * gives every IV length (J0 = GHASH(IV) when iv_len != 12).
 *
 * Output matches OpenSSL's EVP byte for byte, stream step by stream step
 * (CBC holds back partial blocks, and when decrypting with padding the last
 * whole block, exactly like EVP_DecryptUpdate).
 */
#include <crypto/algapi.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <asm/unaligned.h>

#include "wd_soft_crypto.h"

/* GCM's plaintext limit (SP 800-38D): 2^39 - 256 bits. */
#define WDC_GCM_MAX_MSG	((1ULL << 36) - 32)

bool wdc_alg_is_cipher(u32 alg)
{
	return alg >= 1 && alg <= WDC_ALG_CIPHER_LAST;
}

bool wdc_alg_is_gcm(u32 alg)
{
	return alg >= WDC_ALG_AES_128_GCM && alg <= WDC_ALG_AES_256_GCM;
}

bool wdc_alg_is_cbc(u32 alg)
{
	return alg >= WDC_ALG_AES_128_CBC && alg <= WDC_ALG_AES_256_CBC;
}

u32 wdc_key_len(u32 alg)
{
	return 16 + 8 * ((alg - 1) % 3);
}

bool wdc_tag_len_ok(u32 n)
{
	return n == 4 || n == 8 || (n >= 12 && n <= 16);
}

/* Same bound as the in-process engine: exact except CBC decryption. */
u64 wdc_cipher_out_bound(u32 alg, u32 flags, u64 total)
{
	if (!wdc_alg_is_cbc(alg))
		return total;
	if (flags & WDC_F_DECRYPT)
		return (flags & WDC_F_FINAL) ? total : total / 16 * 16;
	return total / 16 * 16 +
	       (((flags & WDC_F_FINAL) && !(flags & WDC_F_NOPAD)) ? 16 : 0);
}

/* Field checks of one-shot and session requests, in the engine's order. */
int wdc_cipher_check(const struct wdc_req *r, bool need_key)
{
	const struct wdc_param *p = &r->p;
	bool gcm = wdc_alg_is_gcm(p->alg), init = p->flags & WDC_F_INIT;
	bool final = p->flags & WDC_F_FINAL, dec = p->flags & WDC_F_DECRYPT;

	if (!wdc_alg_is_cipher(p->alg) || (p->flags & ~WDC_F_VALID))
		return -EINVAL;
	if (need_key ? p->key_len != wdc_key_len(p->alg) : p->key_len != 0)
		return -EINVAL;
	if ((p->flags & WDC_F_NOPAD) && !wdc_alg_is_cbc(p->alg))
		return -EINVAL;
	if (init ? (gcm ? (p->iv_len < 1 || p->iv_len > WDC_IV_MAX) : p->iv_len != 16) :
	    p->iv_len != 0)
		return -EINVAL;
	if (gcm && final ? !wdc_tag_len_ok(p->tag_len) : p->tag_len != 0)
		return -EINVAL;
	if ((!gcm || !init) && (p->aad_len || p->aad_addr))
		return -EINVAL;
	if (!p->aad_len != !p->aad_addr)
		return -EINVAL;
	if (wdc_alg_is_cbc(p->alg) && final && init && (dec || (p->flags & WDC_F_NOPAD)) &&
	    r->src_len % 16)
		return -EINVAL;
	return 0;
}

struct crypto_sync_skcipher *wdc_alloc_skcipher(u32 alg)
{
	return crypto_alloc_sync_skcipher(wdc_alg_is_cbc(alg) ? "cbc(aes)" : "ctr(aes)", 0, 0);
}

struct crypto_shash *wdc_alloc_ghash(void)
{
	return crypto_alloc_shash("ghash", 0, 0);
}

/* In place over len bytes of kmalloc memory; iv is not modified. */
static int wdc_skcipher(struct crypto_sync_skcipher *tfm, u8 *data, u32 len,
			const u8 *iv, bool enc)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, tfm);
	struct scatterlist sg;
	u8 ivc[16];
	int ret;

	memcpy(ivc, iv, sizeof(ivc));
	sg_init_one(&sg, data, len);
	skcipher_request_set_sync_tfm(req, tfm);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, ivc);
	ret = enc ? crypto_skcipher_encrypt(req) : crypto_skcipher_decrypt(req);
	skcipher_request_zero(req);
	memzero_explicit(ivc, sizeof(ivc));
	return ret;
}

/* Advance the counter block: GCM's inc32, or CTR's 128-bit increment. */
static void wdc_ctr_add(struct wdc_cstate *s, u64 n)
{
	u64 lo, hi;

	if (wdc_alg_is_gcm(s->alg)) {
		put_unaligned_be32(get_unaligned_be32(s->ctr + 12) + (u32)n, s->ctr + 12);
		return;
	}
	hi = get_unaligned_be64(s->ctr);
	lo = get_unaligned_be64(s->ctr + 8);
	if (lo + n < lo)
		hi++;
	put_unaligned_be64(hi, s->ctr);
	put_unaligned_be64(lo + n, s->ctr + 8);
}

/* XOR data with the keystream, carrying a partly used block between calls. */
static int wdc_ctr_crypt(struct wdc_cstate *s, u8 *data, u32 n)
{
	bool gcm = wdc_alg_is_gcm(s->alg);
	u64 nb;
	u32 k;
	int ret;

	while (n) {
		if (s->ks_used < 16) {
			k = min(n, 16 - s->ks_used);
			crypto_xor(data, s->ks + s->ks_used, k);
			s->ks_used += k;
			data += k;
			n -= k;
			continue;
		}
		if (n >= 16) {
			nb = n / 16;
			/* ctr(aes) carries into all 128 bits; GCM wraps the low 32. */
			if (gcm)
				nb = min_t(u64, nb, (1ULL << 32) - get_unaligned_be32(s->ctr + 12));
			ret = wdc_skcipher(s->tfm, data, nb * 16, s->ctr, true);
			if (ret)
				return ret;
			wdc_ctr_add(s, nb);
			data += nb * 16;
			n -= nb * 16;
			continue;
		}
		memset(s->ks, 0, sizeof(s->ks));
		ret = wdc_skcipher(s->tfm, s->ks, 16, s->ctr, true);
		if (ret)
			return ret;
		wdc_ctr_add(s, 1);
		s->ks_used = 0;
	}
	return 0;
}

static int wdc_ghash(struct wdc_cstate *s, const u8 *p, u32 n)
{
	s->gfed = (s->gfed + n) % 16;
	return crypto_shash_update(s->gdesc, p, n);
}

/* Zero-pad what was fed so far to a whole block (after IV, AAD, text). */
static int wdc_ghash_pad(struct wdc_cstate *s)
{
	static const u8 zero[16];
	u32 n = s->gfed ? 16 - s->gfed : 0;

	s->gfed = 0;
	return n ? crypto_shash_update(s->gdesc, zero, n) : 0;
}

static int wdc_ghash_lens(struct wdc_cstate *s, u64 a_bytes, u64 c_bytes)
{
	__be64 lens[2] = { cpu_to_be64(a_bytes * 8), cpu_to_be64(c_bytes * 8) };
	int ret = wdc_ghash_pad(s);

	return ret ? ret : crypto_shash_update(s->gdesc, (u8 *)lens, sizeof(lens));
}

/* tfm (and ghash) must be set; H = E(K, 0^128) keys GHASH. */
int wdc_cipher_setkey(struct wdc_cstate *s, const u8 *key, u32 key_len)
{
	static const u8 zero_iv[16];
	int ret;

	ret = crypto_sync_skcipher_setkey(s->tfm, key, key_len);
	if (ret || !wdc_alg_is_gcm(s->alg))
		return ret;
	memset(s->ks, 0, sizeof(s->ks));
	ret = wdc_skcipher(s->tfm, s->ks, 16, zero_iv, true);
	if (!ret)
		ret = crypto_shash_setkey(s->ghash, s->ks, 16);
	memzero_explicit(s->ks, sizeof(s->ks));
	s->ks_used = 16;
	return ret;
}

/* GHASH the AAD straight from descriptor memory, a chunk at a time. */
static int wdc_ghash_aad(struct wd_queue *q, struct wdc_cstate *s, u64 addr, u32 len)
{
	int ret;

	if (wd_range_faults(q, addr, len))
		return -EFAULT;
	/* the same chunked read-and-update as a hash; then account for it */
	ret = wdc_hash_update(q, s->gdesc, addr, len);
	if (ret)
		return ret;
	s->gfed = (s->gfed + len) % 16;
	s->aad_len = len;
	return wdc_ghash_pad(s);
}

/* Begin a message: counter from the IV (J0 for GCM), then the AAD. */
int wdc_cipher_start(struct wd_queue *q, struct wdc_cstate *s, const struct wdc_req *r)
{
	const struct wdc_param *p = &r->p;
	int ret;

	s->flags = p->flags & (WDC_F_DECRYPT | WDC_F_NOPAD);
	s->ks_used = 16;
	s->buf_len = 0;
	s->gfed = 0;
	s->aad_len = 0;
	s->msg_len = 0;
	memzero_explicit(s->buf, sizeof(s->buf));
	if (!wdc_alg_is_gcm(s->alg)) {
		memcpy(s->ctr, r->iv, 16);
		return 0;
	}
	s->gdesc->tfm = s->ghash;
	if (p->iv_len == 12) {
		memcpy(s->ctr, r->iv, 12);
		put_unaligned_be32(1, s->ctr + 12);
	} else {
		ret = crypto_shash_init(s->gdesc);
		if (!ret)
			ret = wdc_ghash(s, r->iv, p->iv_len);
		if (!ret)
			ret = wdc_ghash_lens(s, 0, p->iv_len);
		if (!ret)
			ret = crypto_shash_final(s->gdesc, s->ctr);
		if (ret)
			return ret;
	}
	memset(s->ekj0, 0, sizeof(s->ekj0));
	ret = wdc_skcipher(s->tfm, s->ekj0, 16, s->ctr, true);
	if (ret)
		return ret;
	wdc_ctr_add(s, 1);
	ret = crypto_shash_init(s->gdesc);
	if (ret || !p->aad_len)
		return ret;
	return wdc_ghash_aad(q, s, p->aad_addr, p->aad_len);
}

/* n (a multiple of 16) bytes in place, chaining through s->ctr. */
static int wdc_cbc_blocks(struct wdc_cstate *s, u8 *data, u32 n, bool dec)
{
	u8 last[16];
	int ret;

	if (!n)
		return 0;
	if (dec) {
		memcpy(last, data + n - 16, 16);
		ret = wdc_skcipher(s->tfm, data, n, s->ctr, false);
		memcpy(s->ctr, last, 16);
		memzero_explicit(last, sizeof(last));
		return ret;
	}
	ret = wdc_skcipher(s->tfm, data, n, s->ctr, true);
	memcpy(s->ctr, data + n - 16, 16);
	return ret;
}

/* CBC update: held bytes + src, whole blocks out, EVP's hold-back rules. */
static int wdc_cbc_update(struct wd_queue *q, struct wdc_cstate *s, const struct wdc_req *r,
			  u64 *done)
{
	bool dec = s->flags & WDC_F_DECRYPT;
	bool holdback = dec && !(s->flags & WDC_F_NOPAD);
	u8 *buf = q->crypto->buf;
	u32 off = 0, n, m, take;
	int ret;

	while (off < r->src_len) {
		if (wd_should_abort(q))
			return -ECANCELED;
		n = min_t(u32, r->src_len - off, WDC_CHUNK - s->buf_len);
		memcpy(buf, s->buf, s->buf_len);
		ret = wd_mem_read(q, buf + s->buf_len, r->src + off, n);
		if (ret)
			return ret;
		off += n;
		m = s->buf_len + n;
		/* Decrypting with padding, the last whole block may be the pad. */
		if (holdback && off == r->src_len)
			take = (m - 1) / 16 * 16;
		else
			take = m / 16 * 16;
		ret = wdc_cbc_blocks(s, buf, take, dec);
		if (!ret && take)
			ret = wd_mem_write(q, r->dst + *done, buf, take);
		if (ret)
			return ret;
		*done += take;
		s->buf_len = m - take;
		memcpy(s->buf, buf + take, s->buf_len);
		cond_resched();
	}
	return 0;
}

/* CBC final: the pad block out (encrypting), or checked and stripped. */
static int wdc_cbc_final(struct wd_queue *q, struct wdc_cstate *s, const struct wdc_req *r,
			 u64 *done)
{
	bool dec = s->flags & WDC_F_DECRYPT;
	u32 pad, i, bad = 0, h = s->buf_len;
	int ret;

	if (s->flags & WDC_F_NOPAD)
		return h ? (dec ? -EBADMSG : -EINVAL) : 0;
	if (!dec) {
		pad = 16 - h;
		memset(s->buf + h, pad, pad);
		ret = wdc_cbc_blocks(s, s->buf, 16, false);
		if (!ret)
			ret = wd_mem_write(q, r->dst + *done, s->buf, 16);
		if (!ret)
			*done += 16;
		return ret;
	}
	if (h != 16)
		return -EBADMSG;	/* nothing to unpad (empty message) */
	ret = wdc_cbc_blocks(s, s->buf, 16, true);
	if (ret)
		return ret;
	pad = s->buf[15];
	if (pad == 0 || pad > 16)
		return -EBADMSG;
	for (i = 16 - pad; i < 16; i++)
		bad |= s->buf[i] ^ pad;
	if (bad)
		return -EBADMSG;
	ret = wd_mem_write(q, r->dst + *done, s->buf, 16 - pad);
	if (!ret)
		*done += 16 - pad;
	return ret;
}

/* GCM/CTR update: every byte goes out at once; GHASH sees the ciphertext. */
static int wdc_ctr_update(struct wd_queue *q, struct wdc_cstate *s, const struct wdc_req *r,
			  u64 *done)
{
	bool gcm = wdc_alg_is_gcm(s->alg), dec = s->flags & WDC_F_DECRYPT;
	u8 *buf = q->crypto->buf;
	u32 off, n;
	int ret;

	if (gcm && (s->msg_len > WDC_GCM_MAX_MSG || r->src_len > WDC_GCM_MAX_MSG - s->msg_len))
		return -EINVAL;
	for (off = 0; off < r->src_len; off += n) {
		if (wd_should_abort(q))
			return -ECANCELED;
		n = min_t(u32, r->src_len - off, WDC_CHUNK);
		ret = wd_mem_read(q, buf, r->src + off, n);
		if (!ret && gcm && dec)
			ret = wdc_ghash(s, buf, n);
		if (!ret)
			ret = wdc_ctr_crypt(s, buf, n);
		if (!ret && gcm && !dec)
			ret = wdc_ghash(s, buf, n);
		if (!ret)
			ret = wd_mem_write(q, r->dst + *done, buf, n);
		if (ret)
			return ret;
		s->msg_len += n;
		*done += n;
		cond_resched();
	}
	return 0;
}

/* Tag = GHASH(A, C, lengths) ^ E(K, J0); written or compared. */
static int wdc_gcm_final(struct wd_queue *q, struct wdc_cstate *s, const struct wdc_req *r)
{
	u8 *tag = s->buf;	/* unused by GCM otherwise; kmalloc memory */
	int ret;

	ret = wdc_ghash_lens(s, s->aad_len, s->msg_len);
	if (!ret)
		ret = crypto_shash_final(s->gdesc, tag);
	if (ret)
		return ret;
	crypto_xor(tag, s->ekj0, 16);
	if (!(s->flags & WDC_F_DECRYPT))
		ret = wd_mem_write(q, r->tag_addr, tag, r->p.tag_len);
	else if (crypto_memneq(tag, r->p.tag, r->p.tag_len))
		ret = -EBADMSG;
	memzero_explicit(s->buf, sizeof(s->buf));
	return ret;
}

/*
 * Run src through the started message, and on FINAL finish it. On any
 * failure every byte this step wrote to dst is zeroed, like the in-process
 * engine does for an authentication or padding failure.
 */
int wdc_cipher_step(struct wd_queue *q, struct wdc_cstate *s, const struct wdc_req *r,
		    u32 *produced)
{
	bool final = r->p.flags & WDC_F_FINAL;
	u64 done = 0;
	int ret;

	if (wdc_alg_is_cbc(s->alg)) {
		ret = wdc_cbc_update(q, s, r, &done);
		if (!ret && final)
			ret = wdc_cbc_final(q, s, r, &done);
	} else {
		ret = wdc_ctr_update(q, s, r, &done);
		if (!ret && final && wdc_alg_is_gcm(s->alg))
			ret = wdc_gcm_final(q, s, r);
	}
	if (ret) {
		if (done)
			wdc_wipe(q, r->dst, done);
		return ret;
	}
	*produced = done;
	return 0;
}
