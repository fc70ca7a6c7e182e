// SPDX-License-Identifier: MIT
/*
 * The crypto engine's entry point: parse and validate the SQE and its
 * parameter block, then dispatch (opcodes 0x40-0x48 of the crypto range).
 * Nothing is written to dst unless every field checked out and dst can hold
 * the whole result.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "crypto_engine.h"

static int parse(const struct wd_sqe *sqe, struct wdc_req *r)
{
	const struct wdc_param *p = (const void *)(unsigned long)sqe->param_addr;

	if (sqe->flags || sqe->op_flags || sqe->aux || !p || sqe->param_len < sizeof(*p))
		return -EINVAL;
	if (p->resv0 || p->resv1 || p->iv_len > WDC_IV_MAX || p->key_len > WDC_KEY_MAX ||
	    p->tag_len > WDC_TAG_MAX || sqe->param_len != sizeof(*p) + p->iv_len + p->key_len)
		return -EINVAL;
	/* A batch's table is checked after its fields and session (check_batch). */
	if (sqe->opcode != WDC_OP_SESSION_BATCH && sqe->opcode != WDC_OP_DIGEST_BATCH &&
	    ((sqe->src_len && !sqe->src_addr) || (sqe->dst_len && !sqe->dst_addr)))
		return -EFAULT;
	r->p = p;
	r->iv = (const unsigned char *)(p + 1);
	r->key = r->iv + p->iv_len;
	r->aad = (const unsigned char *)(unsigned long)p->aad_addr;
	r->src = (const unsigned char *)(unsigned long)sqe->src_addr;
	r->dst = (unsigned char *)(unsigned long)sqe->dst_addr;
	r->src_len = sqe->src_len;
	r->dst_len = sqe->dst_len;
	return 0;
}

/* A whole message (one-shot or session message): fields, then room. */
int wdc_check_message(const struct wdc_req *r, int need_key)
{
	int ret;

	if ((r->p->flags & (WDC_F_INIT | WDC_F_FINAL)) != (WDC_F_INIT | WDC_F_FINAL))
		return -EINVAL;
	ret = wdc_cipher_check(r, need_key);
	if (ret)
		return ret;
	return wdc_cipher_out_bound(r->p->alg, r->p->flags, r->src_len) > r->dst_len ? -ENOSPC : 0;
}

int wdc_check_digest(const struct wdc_req *r)
{
	const struct wdc_param *p = r->p;

	if (!(wdc_alg_is_hash(p->alg) || wdc_alg_is_hmac(p->alg)) || p->flags || p->iv_len ||
	    p->tag_len || p->aad_len || p->aad_addr || (wdc_alg_is_hash(p->alg) && p->key_len))
		return -EINVAL;
	return r->dst_len < wdc_digest_len(p->alg) ? -ENOSPC : 0;
}

/* Which OpenSSL this engine runs: version, and the object that holds EVP. */
static int info(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	char text[512];
	Dl_info where = { 0 };
	int n;

	if (sqe->flags || sqe->op_flags || sqe->aux || sqe->ctx_addr || sqe->param_addr ||
	    sqe->param_len || sqe->src_addr || sqe->src_len)
		return -EINVAL;
	dladdr((void *)&EVP_EncryptInit_ex, &where);
	n = snprintf(text, sizeof(text), "%s\n%s\n", OpenSSL_version(OPENSSL_VERSION),
		     where.dli_fname ? where.dli_fname : "?");
	if (n < 0 || (size_t)n >= sizeof(text))
		return -ENOMEM;
	if ((__u32)n > sqe->dst_len)
		return -ENOSPC;
	memcpy((void *)(unsigned long)sqe->dst_addr, text, (size_t)n);
	cqe->produced = (__u32)n;
	cqe->aux = wdc_session_live();
	return 0;
}

/*
 * The fields of a batch SQE and of its shared parameter block; entries are
 * checked one by one as they run (batch.c).
 */
static int check_batch(const struct wd_sqe *sqe, const struct wdc_req *r)
{
	const struct wdc_param *p = r->p;
	struct wdc_param whole = *p;
	struct wdc_req one = *r;

	if (sqe->dst_addr || sqe->dst_len || !sqe->src_len || sqe->src_len > WDC_BATCH_MAX)
		return -EINVAL;
	if (p->iv_len)
		return -EINVAL;
	/* The shared fields, checked as those of a message with no data. */
	one.p = &whole;
	one.src_len = 0;
	one.dst_len = ~0U;
	if (sqe->opcode == WDC_OP_DIGEST_BATCH)
		return sqe->ctx_addr ? -EINVAL : wdc_check_digest(&one);
	if (p->key_len || (p->flags & ~(WDC_F_DECRYPT | WDC_F_NOPAD)))
		return -EINVAL;
	whole.flags |= WDC_F_INIT | WDC_F_FINAL;
	whole.iv_len = wdc_alg_is_gcm(p->alg) ? 12 : 16;
	return wdc_cipher_check(&one, 0);
}

static int dispatch(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	struct wdc_req r;
	__u32 produced = 0;
	__u64 handle = 0;
	int ret;

	if (sqe->opcode == WDC_OP_INFO)
		return info(sqe, cqe);
	ret = parse(sqe, &r);
	if (ret)
		return ret;
	switch (sqe->opcode) {
	case WDC_OP_CIPHER:
		ret = sqe->ctx_addr ? -EINVAL : wdc_check_message(&r, 1);
		if (!ret)
			ret = wdc_cipher_oneshot(&r, &produced);
		break;
	case WDC_OP_DIGEST:
		ret = sqe->ctx_addr ? -EINVAL : wdc_check_digest(&r);
		if (!ret)
			ret = wdc_digest_oneshot(&r, &produced);
		break;
	case WDC_OP_SESSION_OPEN:
		if (sqe->ctx_addr || sqe->src_len || sqe->dst_len || sqe->src_addr || sqe->dst_addr)
			return -EINVAL;
		ret = wdc_session_open(&r, &handle);
		cqe->aux = handle;
		return ret;
	case WDC_OP_SESSION_CLOSE:
		if (r.p->alg || r.p->flags || r.p->key_len || r.p->iv_len || sqe->src_len || sqe->dst_len)
			return -EINVAL;
		return wdc_session_close(sqe->ctx_addr);
	case WDC_OP_SESSION_CIPHER:
		ret = wdc_cipher_check(&r, 0);
		if (!ret && (r.p->flags & WDC_F_INIT) && (r.p->flags & WDC_F_FINAL))
			ret = wdc_check_message(&r, 0);
		if (!ret)
			ret = wdc_session_run(sqe->ctx_addr, sqe->opcode, &r, &produced);
		break;
	case WDC_OP_SESSION_BATCH:
	case WDC_OP_DIGEST_BATCH:
		ret = check_batch(sqe, &r);
		if (ret)
			return ret;
		if (sqe->opcode == WDC_OP_DIGEST_BATCH)
			return wdc_digest_batch(&r, (void *)(unsigned long)sqe->src_addr, sqe->src_len, cqe);
		return wdc_session_batch(sqe->ctx_addr, r.p, (void *)(unsigned long)sqe->src_addr, sqe->src_len, cqe);
	case WDC_OP_SESSION_HASH:
		if (r.p->key_len || r.p->iv_len || r.p->tag_len || r.p->aad_len || r.p->aad_addr)
			return -EINVAL;
		ret = wdc_session_run(sqe->ctx_addr, sqe->opcode, &r, &produced);
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

static void crypto_run(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	cqe->status = dispatch(sqe, cqe);
}

static const struct wd_engine crypto_engine = {
	.abi_version = WD_ENGINE_ABI_VERSION,
	.first_opcode = WDC_OP_CIPHER,
	.last_opcode = WDC_OP_LAST,
	.name = "crypto-openssl",
	.run = crypto_run,
};

__attribute__((visibility("default")))
const struct wd_engine *crypto_engine_get(void)
{
	return &crypto_engine;
}
