// SPDX-License-Identifier: GPL-2.0
/*
 * SHA-1/SHA-2 and HMAC-SHA-2 for the crypto engine, through the kernel's
 * shash API ("sha256", "hmac(sha512)", ...), fed from descriptor memory one
 * bounce chunk at a time.
 */
#include <linux/sched.h>

#include "wd_soft_crypto.h"

bool wdc_alg_is_hash(u32 alg)
{
	return alg >= WDC_ALG_SHA1 && alg <= WDC_ALG_SHA512;
}

bool wdc_alg_is_hmac(u32 alg)
{
	return alg >= WDC_ALG_HMAC_SHA256 && alg <= WDC_ALG_HMAC_SHA512;
}

u32 wdc_digest_len(u32 alg)
{
	switch (alg) {
	case WDC_ALG_SHA1:
		return 20;
	case WDC_ALG_SHA224:
		return 28;
	case WDC_ALG_SHA256:
	case WDC_ALG_HMAC_SHA256:
		return 32;
	case WDC_ALG_SHA384:
	case WDC_ALG_HMAC_SHA384:
		return 48;
	case WDC_ALG_SHA512:
	case WDC_ALG_HMAC_SHA512:
		return 64;
	default:
		return 0;
	}
}

static const char *wdc_hash_name(u32 alg)
{
	switch (alg) {
	case WDC_ALG_SHA1:
		return "sha1";
	case WDC_ALG_SHA224:
		return "sha224";
	case WDC_ALG_SHA256:
		return "sha256";
	case WDC_ALG_SHA384:
		return "sha384";
	case WDC_ALG_SHA512:
		return "sha512";
	case WDC_ALG_HMAC_SHA256:
		return "hmac(sha256)";
	case WDC_ALG_HMAC_SHA384:
		return "hmac(sha384)";
	case WDC_ALG_HMAC_SHA512:
		return "hmac(sha512)";
	default:
		return NULL;
	}
}

struct crypto_shash *wdc_alloc_shash(u32 alg)
{
	const char *name = wdc_hash_name(alg);

	return name ? crypto_alloc_shash(name, 0, 0) : ERR_PTR(-EINVAL);
}

int wdc_hash_update(struct wd_queue *q, struct shash_desc *d, u64 src, u32 len)
{
	u8 *buf = q->crypto->buf;
	u32 off, n;
	int ret;

	for (off = 0; off < len; off += n) {
		if (wd_should_abort(q))
			return -ECANCELED;
		n = min_t(u32, len - off, WDC_CHUNK);
		ret = wd_mem_read(q, buf, src + off, n);
		if (!ret)
			ret = crypto_shash_update(d, buf, n);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}
