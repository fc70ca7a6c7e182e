// SPDX-License-Identifier: MIT
/*
 * AES-GCM/CTR/CBC through OpenSSL EVP.
 *
 * Cost model (why it is shaped this way): AES itself is cheap with AES-NI;
 * what dominates small messages is fetching the cipher, expanding the key and
 * allocating a context. Ciphers are fetched once per process; a session keeps
 * contexts whose key schedule was expanded once (a small pool per direction,
 * so several messages of one session can run on several workers at once),
 * and one-shot requests reuse a per-thread context per algorithm.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "crypto_engine.h"

#define NCIPHERS WDC_ALG_CIPHER_LAST
#define POOL_MAX 8
#define CHUNK (1U << 30)	/* EVP lengths are int */
#define GCM_DEFAULT_IV 12

static const char *const cipher_names[NCIPHERS + 1] = {
	NULL, "AES-128-GCM", "AES-192-GCM", "AES-256-GCM", "AES-128-CTR", "AES-192-CTR",
	"AES-256-CTR", "AES-128-CBC", "AES-192-CBC", "AES-256-CBC",
};
static EVP_CIPHER *ciphers[NCIPHERS + 1];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_ciphers(void)
{
	for (int i = 1; i <= NCIPHERS; i++)
		ciphers[i] = EVP_CIPHER_fetch(NULL, cipher_names[i], NULL);
}

static const EVP_CIPHER *cipher_of(__u32 alg)
{
	pthread_once(&fetch_once, fetch_ciphers);
	return ciphers[alg];
}

int wdc_alg_is_cipher(__u32 alg) { return alg >= 1 && alg <= NCIPHERS; }
int wdc_alg_is_gcm(__u32 alg) { return alg >= WDC_ALG_AES_128_GCM && alg <= WDC_ALG_AES_256_GCM; }
int wdc_alg_is_cbc(__u32 alg) { return alg >= WDC_ALG_AES_128_CBC && alg <= WDC_ALG_AES_256_CBC; }
static __u32 key_len_of(__u32 alg) { return 16 + 8 * ((alg - 1) % 3); }

static int tag_len_ok(__u32 n) { return n == 4 || n == 8 || (n >= 12 && n <= 16); }

/*
 * Largest output of a step that sees `total` bytes (bytes buffered by earlier
 * stream steps + src_len). Exact for GCM/CTR and CBC encryption; an upper
 * bound for CBC decryption (the padding is removed afterwards).
 */
__u64 wdc_cipher_out_bound(__u32 alg, __u32 flags, __u64 total)
{
	if (!wdc_alg_is_cbc(alg))
		return total;
	if (flags & WDC_F_DECRYPT)
		return (flags & WDC_F_FINAL) ? total : total / 16 * 16;
	return total / 16 * 16 + (((flags & WDC_F_FINAL) && !(flags & WDC_F_NOPAD)) ? 16 : 0);
}

/* Field checks shared by one-shot and session requests (-EINVAL on any). */
int wdc_cipher_check(const struct wdc_req *r, int need_key)
{
	const struct wdc_param *p = r->p;
	int gcm = wdc_alg_is_gcm(p->alg), init = !!(p->flags & WDC_F_INIT);
	int final = !!(p->flags & WDC_F_FINAL), dec = !!(p->flags & WDC_F_DECRYPT);

	if (!wdc_alg_is_cipher(p->alg) || (p->flags & ~WDC_F_VALID))
		return -EINVAL;
	if (need_key ? p->key_len != key_len_of(p->alg) : p->key_len != 0)
		return -EINVAL;
	if ((p->flags & WDC_F_NOPAD) && !wdc_alg_is_cbc(p->alg))
		return -EINVAL;
	if (init ? (gcm ? (p->iv_len < 1 || p->iv_len > WDC_IV_MAX) : p->iv_len != 16) : p->iv_len != 0)
		return -EINVAL;
	if (gcm && final ? !tag_len_ok(p->tag_len) : p->tag_len != 0)
		return -EINVAL;
	if ((!gcm || !init) && (p->aad_len || p->aad_addr))
		return -EINVAL;
	if (!p->aad_len != !p->aad_addr)
		return -EINVAL;
	if (wdc_alg_is_cbc(p->alg) && final && (dec || (p->flags & WDC_F_NOPAD)) && r->src_len % 16 && init)
		return -EINVAL;	/* whole message must be blocks; streams are checked at final */
	return 0;
}

/* Up to 2^32-1 bytes through an int-length API. */
static int update(EVP_CIPHER_CTX *c, unsigned char *out, const unsigned char *in, __u64 n, __u64 *done)
{
	int outl;

	while (n) {
		int step = (int)(n > CHUNK ? CHUNK : n);

		if (!EVP_CipherUpdate(c, out ? out + *done : NULL, &outl, in, step))
			return -EINVAL;	/* e.g. partially overlapping buffers */
		*done += (__u64)outl;
		in += step;
		n -= (__u64)step;
	}
	return 0;
}

/* Start a message on a keyed context: IV (length first for GCM), padding, AAD. */
static int start(EVP_CIPHER_CTX *c, __u16 *ivlen, const struct wdc_req *r, int enc)
{
	const struct wdc_param *p = r->p;
	__u64 none = 0;

	if (wdc_alg_is_gcm(p->alg) && *ivlen != p->iv_len) {
		if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, p->iv_len, NULL) <= 0)
			return -EINVAL;
		*ivlen = p->iv_len;
	}
	if (!EVP_CipherInit_ex(c, NULL, NULL, NULL, r->iv, enc))
		return -EINVAL;
	if (wdc_alg_is_cbc(p->alg))
		EVP_CIPHER_CTX_set_padding(c, !(p->flags & WDC_F_NOPAD));
	if (p->aad_len)
		return update(c, NULL, r->aad, p->aad_len, &none);
	return 0;
}

/*
 * Process src, and on FINAL finish (tag). On an authentication or padding
 * failure every byte this step wrote is zeroed and -EBADMSG returned.
 */
static int step(EVP_CIPHER_CTX *c, const struct wdc_req *r, int enc, __u32 *produced)
{
	const struct wdc_param *p = r->p;
	__u64 done = 0;
	int outl = 0, ret;

	ret = update(c, r->dst, r->src, r->src_len, &done);
	if (ret)
		goto wipe;
	if (!(p->flags & WDC_F_FINAL))
		goto out;
	if (wdc_alg_is_gcm(p->alg) && !enc &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, p->tag_len, (void *)p->tag) <= 0) {
		ret = -EINVAL;
		goto wipe;
	}
	if (!EVP_CipherFinal_ex(c, r->dst + done, &outl)) {
		ret = enc ? -EINVAL : -EBADMSG;
		goto wipe;
	}
	done += (__u64)outl;
	/* The tag is an output of encryption: param is the caller's block. */
	if (wdc_alg_is_gcm(p->alg) && enc &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, p->tag_len, (void *)p->tag) <= 0) {
		ret = -EINVAL;
		goto wipe;
	}
out:
	*produced = (__u32)done;
	return 0;
wipe:
	if (done)
		OPENSSL_cleanse(r->dst, done);
	return ret;
}

/* ---- one-shot: a per-thread context per algorithm and direction ---- */

struct tl_cache {
	EVP_CIPHER_CTX *c[NCIPHERS + 1][2];
	__u16 ivlen[NCIPHERS + 1][2];
};
static pthread_key_t tl_key;
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;

static void tl_free(void *v)
{
	struct tl_cache *t = v;

	for (int i = 0; i <= NCIPHERS; i++)
		for (int d = 0; d < 2; d++)
			EVP_CIPHER_CTX_free(t->c[i][d]);	/* providers clear key schedules */
	free(t);
}

static void tl_init(void) { pthread_key_create(&tl_key, tl_free); }

int wdc_cipher_oneshot(const struct wdc_req *r, __u32 *produced)
{
	const struct wdc_param *p = r->p;
	int enc = !(p->flags & WDC_F_DECRYPT), ret;
	struct tl_cache *t;
	EVP_CIPHER_CTX *c;

	pthread_once(&tl_once, tl_init);
	t = pthread_getspecific(tl_key);
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t || pthread_setspecific(tl_key, t)) {
			free(t);
			return -ENOMEM;
		}
	}
	c = t->c[p->alg][enc];
	if (!c) {
		c = EVP_CIPHER_CTX_new();
		if (!c || !EVP_CipherInit_ex(c, cipher_of(p->alg), NULL, NULL, NULL, enc)) {
			EVP_CIPHER_CTX_free(c);
			return -ENOMEM;
		}
		t->c[p->alg][enc] = c;
		t->ivlen[p->alg][enc] = wdc_alg_is_gcm(p->alg) ? GCM_DEFAULT_IV : 16;
	}
	if (!EVP_CipherInit_ex(c, NULL, NULL, r->key, NULL, enc))
		return -EINVAL;
	ret = start(c, &t->ivlen[p->alg][enc], r, enc);
	if (!ret)
		ret = step(c, r, enc, produced);
	return ret;
}

/* ---- sessions ---- */

struct pooled {
	EVP_CIPHER_CTX *c;
	__u16 ivlen;
};

struct wdc_cipher_state {
	__u32 alg;
	__u32 key_len;
	unsigned char key[32];
	pthread_mutex_t lock;		/* guards pool[] and n[] */
	struct pooled pool[2][POOL_MAX];
	int n[2];
	/* the stream (update/final) context; one step at a time */
	atomic_int stream_busy;
	int stream_active, stream_enc;
	__u32 stream_flags;
	__u64 pending;			/* bytes EVP holds back (CBC) */
	struct pooled stream;
};

static int keyed(struct pooled *pc, const struct wdc_cipher_state *s, int enc)
{
	pc->c = EVP_CIPHER_CTX_new();
	if (!pc->c || !EVP_CipherInit_ex(pc->c, cipher_of(s->alg), NULL, s->key, NULL, enc)) {
		EVP_CIPHER_CTX_free(pc->c);
		pc->c = NULL;
		return -ENOMEM;
	}
	pc->ivlen = wdc_alg_is_gcm(s->alg) ? GCM_DEFAULT_IV : 16;
	return 0;
}

struct wdc_cipher_state *wdc_cipher_state_new(__u32 alg, const unsigned char *key, __u32 key_len)
{
	struct wdc_cipher_state *s;

	if (!wdc_alg_is_cipher(alg) || key_len != key_len_of(alg))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->alg = alg;
	s->key_len = key_len;
	memcpy(s->key, key, key_len);
	pthread_mutex_init(&s->lock, NULL);
	/* One prepared context per direction up front: the key is expanded here. */
	for (int enc = 0; enc < 2; enc++) {
		if (keyed(&s->pool[enc][0], s, enc)) {
			wdc_cipher_state_free(s);
			return NULL;
		}
		s->n[enc] = 1;
	}
	return s;
}

void wdc_cipher_state_free(struct wdc_cipher_state *s)
{
	if (!s)
		return;
	for (int enc = 0; enc < 2; enc++)
		for (int i = 0; i < s->n[enc]; i++)
			EVP_CIPHER_CTX_free(s->pool[enc][i].c);
	EVP_CIPHER_CTX_free(s->stream.c);
	pthread_mutex_destroy(&s->lock);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

/*
 * A lease: one prepared context of the session's pool (or a new one if the
 * pool is empty) for whole messages, returned afterwards. A batch takes one
 * lease for all its messages: one lock round trip instead of one per message.
 */
int wdc_cipher_lease(struct wdc_cipher_state *s, __u32 alg, int enc, struct wdc_cipher_lease *l)
{
	struct pooled pc = { 0 };

	if (alg != s->alg)
		return -EINVAL;

	pthread_mutex_lock(&s->lock);
	if (s->n[enc])
		pc = s->pool[enc][--s->n[enc]];
	pthread_mutex_unlock(&s->lock);
	if (!pc.c && keyed(&pc, s, enc))
		return -ENOMEM;
	l->s = s;
	l->ctx = pc.c;
	l->ivlen = pc.ivlen;
	l->enc = enc;
	return 0;
}

void wdc_cipher_unlease(struct wdc_cipher_lease *l)
{
	struct wdc_cipher_state *s = l->s;
	struct pooled pc = { l->ctx, l->ivlen };

	pthread_mutex_lock(&s->lock);
	if (s->n[l->enc] < POOL_MAX) {
		s->pool[l->enc][s->n[l->enc]++] = pc;
		pc.c = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	EVP_CIPHER_CTX_free(pc.c);
	l->ctx = NULL;
}

/* One whole message (r checked by the caller) on a leased context. */
int wdc_cipher_leased_message(struct wdc_cipher_lease *l, const struct wdc_req *r, __u32 *produced)
{
	int enc = !(r->p->flags & WDC_F_DECRYPT), ret;

	if (enc != l->enc)
		return -EINVAL;
	ret = start(l->ctx, &l->ivlen, r, enc);
	if (!ret)
		ret = step(l->ctx, r, enc, produced);
	return ret;
}

static int message(struct wdc_cipher_state *s, const struct wdc_req *r, __u32 *produced)
{
	struct wdc_cipher_lease l;
	int ret = wdc_cipher_lease(s, r->p->alg, !(r->p->flags & WDC_F_DECRYPT), &l);

	if (ret)
		return ret;
	ret = wdc_cipher_leased_message(&l, r, produced);
	wdc_cipher_unlease(&l);
	return ret;
}

static int stream_step(struct wdc_cipher_state *s, const struct wdc_req *r, __u32 *produced)
{
	const struct wdc_param *p = r->p;
	int enc = !(p->flags & WDC_F_DECRYPT), ret;
	__u64 total;

	if (p->flags & WDC_F_INIT) {
		EVP_CIPHER_CTX_free(s->stream.c);
		s->stream.c = NULL;
		s->stream_active = 0;
		if (keyed(&s->stream, s, enc))
			return -ENOMEM;
		s->stream_enc = enc;
		s->stream_flags = p->flags & (WDC_F_DECRYPT | WDC_F_NOPAD);
		s->pending = 0;
		ret = start(s->stream.c, &s->stream.ivlen, r, enc);
		if (ret)
			return ret;
		s->stream_active = 1;
	} else if (!s->stream_active || s->stream_flags != (p->flags & (WDC_F_DECRYPT | WDC_F_NOPAD))) {
		return -EINVAL;
	}
	total = s->pending + r->src_len;
	if (wdc_cipher_out_bound(p->alg, p->flags, total) > r->dst_len)
		return -ENOSPC;
	if ((p->flags & WDC_F_FINAL) && wdc_alg_is_cbc(p->alg) && total % 16 &&
	    (!enc || (p->flags & WDC_F_NOPAD)))
		return -EINVAL;
	ret = step(s->stream.c, r, enc, produced);
	if (ret || (p->flags & WDC_F_FINAL))
		s->stream_active = 0;
	else
		s->pending = total - *produced;
	return ret;
}

int wdc_cipher_session(struct wdc_cipher_state *s, const struct wdc_req *r, __u32 *produced)
{
	int ret;

	if (r->p->alg != s->alg)
		return -EINVAL;
	if ((r->p->flags & (WDC_F_INIT | WDC_F_FINAL)) == (WDC_F_INIT | WDC_F_FINAL))
		return message(s, r, produced);
	/* Stream steps are serialized by the caller; a second one at once is a bug. */
	if (atomic_exchange(&s->stream_busy, 1))
		return -EBUSY;
	ret = stream_step(s, r, produced);
	atomic_store(&s->stream_busy, 0);
	return ret;
}
