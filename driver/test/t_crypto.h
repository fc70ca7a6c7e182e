/* SPDX-License-Identifier: GPL-2.0 */
/*
 * t_crypto.h - helpers of the t_crypto_*.c tests: the crypto engine's
 * parameter block (packages/plugins-crypto/engine/crypto_engine.h) and one
 * call per opcode. Static functions: each test includes what it uses.
 */
#ifndef T_CRYPTO_H
#define T_CRYPTO_H

#include <string.h>

#include "wd_test.h"

enum {
	OP_CIPHER = 0x40, OP_DIGEST, OP_OPEN, OP_CLOSE, OP_SCIPHER, OP_SHASH, OP_INFO,
	OP_SBATCH, OP_DBATCH,
};
enum {
	GCM128 = 1, GCM192, GCM256, CTR128, CTR192, CTR256, CBC128, CBC192, CBC256,
	SHA1 = 16, SHA224, SHA256, SHA384, SHA512,
	HMAC256 = 32, HMAC384, HMAC512,
};
#define F_DEC	1u
#define F_NOPAD	2u
#define F_INIT	4u
#define F_FINAL	8u
#define F_MSG	(F_INIT | F_FINAL)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct wdc_param {
	uint32_t alg, flags;
	uint16_t key_len, iv_len, tag_len, resv0;
	uint64_t aad_addr;
	uint32_t aad_len, resv1;
	uint8_t tag[16];
	uint8_t rest[128 + 1024];	/* iv, then key */
};

/* A whole message of a batch (OP_SBATCH, OP_DBATCH); out: status, produced. */
struct wdc_batch_entry {
	uint64_t src_addr, dst_addr, iv_addr, tag_addr;
	uint32_t src_len, dst_len;
	uint16_t iv_len, resv0;
	int32_t status;
	uint32_t produced, resv1;
	uint64_t resv2;
};
_Static_assert(sizeof(struct wdc_batch_entry) == 64, "batch entry is 64 bytes");

#define BATCH_MAX	1024

/* One crypto request. */
struct creq {
	uint8_t op;
	uint32_t alg, flags;
	const void *key;
	uint16_t key_len;
	const void *iv;
	uint16_t iv_len;
	uint16_t tag_len;
	const void *tag;		/* decrypting GCM: expected tag */
	const void *aad;
	uint32_t aad_len;
	const void *src;
	uint32_t src_len;
	void *dst;
	uint32_t dst_len;
	uint64_t handle;
};

static inline uint32_t param_fill(struct wdc_param *p,
							  const struct creq *r)
{
	memset(p, 0, sizeof(*p));
	p->alg = r->alg;
	p->flags = r->flags;
	p->key_len = r->key_len;
	p->iv_len = r->iv_len;
	p->tag_len = r->tag_len;
	p->aad_addr = (uintptr_t)r->aad;
	p->aad_len = r->aad_len;
	if (r->tag)
		memcpy(p->tag, r->tag, r->tag_len);
	if (r->iv_len)
		memcpy(p->rest, r->iv, r->iv_len);
	if (r->key_len)
		memcpy(p->rest + r->iv_len, r->key, r->key_len);
	return 48 + r->iv_len + r->key_len;
}

static inline void creq_sqe(struct wd_sqe *s, struct wdc_param *p,
						    const struct creq *r)
{
	memset(s, 0, sizeof(*s));
	s->opcode = r->op;
	s->param_addr = (uintptr_t)p;
	s->param_len = param_fill(p, r);
	s->src_addr = (uintptr_t)r->src;
	s->src_len = r->src_len;
	s->dst_addr = (uintptr_t)r->dst;
	s->dst_len = r->dst_len;
	s->ctx_addr = r->handle;
}

/* Run r; *p keeps the block (the GCM tag is written into p->tag). */
static inline struct wd_cqe crun(struct wdq *q, struct wdc_param *p,
							  const struct creq *r)
{
	struct wd_sqe s;
	struct wd_cqe c;

	creq_sqe(&s, p, r);
	CHECK(!wd_run_one(q, &s, &c), "no CQE for opcode 0x%x", r->op);
	return c;
}

/*
 * A batch SQE: r gives the param block (alg, flags, tag_len, AAD, key) and
 * the handle; the table of n entries is src; no dst.
 */
static inline void bsqe(struct wd_sqe *s, struct wdc_param *p, const struct creq *r,
			const void *table, uint32_t n)
{
	creq_sqe(s, p, r);
	s->src_addr = (uintptr_t)table;
	s->src_len = n;
	s->dst_addr = 0;
	s->dst_len = 0;
}

static inline struct wd_cqe brun(struct wdq *q, struct wdc_param *p, const struct creq *r,
				 const void *table, uint32_t n)
{
	struct wd_sqe s;
	struct wd_cqe c;

	bsqe(&s, p, r, table, n);
	CHECK(!wd_run_one(q, &s, &c), "no CQE for batch opcode 0x%x", r->op);
	return c;
}

/* Spaces and ';' are skipped: a long vector continues after a ';'. */
static inline size_t unhex(uint8_t *out, const char *hex)
{
	size_t n = 0;
	unsigned int v;

	while (hex[0] && hex[1]) {
		if (hex[0] == ' ' || hex[0] == ';') {
			hex++;
			continue;
		}
		CHECK(sscanf(hex, "%2x", &v) == 1, "bad hex %s", hex);
		out[n++] = v;
		hex += 2;
	}
	return n;
}

/* Open a session; returns the handle (aux). */
static inline uint64_t sopen(struct wdq *q, uint32_t alg, uint32_t flags,
						      const void *key, uint16_t key_len)
{
	struct creq r = { .op = OP_OPEN, .alg = alg, .flags = flags, .key = key,
			  .key_len = key_len };
	struct wdc_param p;
	struct wd_cqe c = crun(q, &p, &r);

	CHECK(c.status == 0 && c.aux, "open alg %u: status %d", alg, c.status);
	return c.aux;
}

static inline int sclose(struct wdq *q, uint64_t handle)
{
	struct creq r = { .op = OP_CLOSE, .handle = handle };
	struct wdc_param p;

	return crun(q, &p, &r).status;
}

/* INFO: live sessions of the queue (aux); text into buf. */
static inline uint64_t sinfo(struct wdq *q, char *buf, uint32_t len)
{
	struct wd_sqe s;
	struct wd_cqe c;

	memset(&s, 0, sizeof(s));
	s.opcode = OP_INFO;
	s.dst_addr = (uintptr_t)buf;
	s.dst_len = len - 1;
	CHECK(!wd_run_one(q, &s, &c) && c.status == 0, "info: %d", c.status);
	buf[c.produced] = 0;
	return c.aux;
}

#endif /* T_CRYPTO_H */
