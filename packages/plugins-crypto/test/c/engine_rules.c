// SPDX-License-Identifier: MIT
/*
 * The engine's own rules, driven directly through crypto_engine_get()->run
 * with hand-made SQEs (what a buggy or hostile encoder could send): every
 * malformed field is -EINVAL, forged/stale session handles are -EBADF,
 * -ENOSPC writes nothing, -EBADMSG wipes what was written, and random SQEs
 * never crash. Exit 0 pass, 1 fail (liburing test convention).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../engine/crypto_engine.h"

static const struct wd_engine *eng;
static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

struct blk { struct wdc_param p; unsigned char tail[WDC_IV_MAX + WDC_KEY_MAX]; };

static int run(struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	memset(cqe, 0, sizeof(*cqe));
	eng->run(sqe, cqe);
	return cqe->status;
}

static void gcm_sqe(struct wd_sqe *sqe, struct blk *b, __u32 flags, const void *src, void *dst, __u32 n, __u32 dlen)
{
	memset(sqe, 0, sizeof(*sqe));
	memset(b, 0, sizeof(*b));
	b->p.alg = WDC_ALG_AES_256_GCM;
	b->p.flags = flags | WDC_F_INIT | WDC_F_FINAL;
	b->p.iv_len = 12;
	b->p.key_len = 32;
	b->p.tag_len = 16;
	memset(b->tail, 7, 12 + 32);
	sqe->opcode = WDC_OP_CIPHER;
	sqe->src_addr = (unsigned long)src;
	sqe->src_len = n;
	sqe->dst_addr = (unsigned long)dst;
	sqe->dst_len = dlen;
	sqe->param_addr = (unsigned long)b;
	sqe->param_len = sizeof(b->p) + 12 + 32;
}

int main(int argc, char **argv)
{
	void *h = dlopen(argc > 1 ? argv[1] : "build/crypto-engine.so", RTLD_NOW);
	struct wd_sqe sqe;
	struct wd_cqe cqe;
	struct blk b;
	unsigned char src[1024], dst[1100], ct[1024], tag[16];

	if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
	eng = ((wd_engine_get_fn)dlsym(h, "crypto_engine_get"))();
	memset(src, 0x42, sizeof(src));

	/* a valid encryption, kept for the decryption checks */
	gcm_sqe(&sqe, &b, 0, src, ct, 1024, 1024);
	CHECK(run(&sqe, &cqe) == 0 && cqe.produced == 1024, "valid GCM encrypt: %d", cqe.status);
	memcpy(tag, b.p.tag, 16);

	/* every malformed field is -EINVAL */
#define BAD(what, stmt) do { gcm_sqe(&sqe, &b, 0, src, dst, 1024, 1024); stmt; \
	CHECK(run(&sqe, &cqe) == -EINVAL, "%s: status %d, want -EINVAL", what, cqe.status); } while (0)
	BAD("sqe.flags", sqe.flags = 1);
	BAD("sqe.op_flags", sqe.op_flags = 1);
	BAD("sqe.aux", sqe.aux = 1);
	BAD("ctx_addr on one-shot", sqe.ctx_addr = 1);
	BAD("no param block", sqe.param_addr = 0);
	BAD("param_len short", sqe.param_len -= 1);
	BAD("param_len long", sqe.param_len += 1);
	BAD("resv0", b.p.resv0 = 1);
	BAD("resv1", b.p.resv1 = 1);
	BAD("unknown alg", b.p.alg = 10);
	BAD("unknown flag", b.p.flags |= 1U << 9);
	BAD("NOPAD on GCM", b.p.flags |= WDC_F_NOPAD);
	BAD("missing FINAL on one-shot", b.p.flags &= ~WDC_F_FINAL);
	BAD("key too short", (b.p.key_len = 16, sqe.param_len -= 16));
	BAD("iv_len 0", (b.p.iv_len = 0, sqe.param_len -= 12));
	BAD("iv_len > 128", (b.p.iv_len = 129, sqe.param_len += 117));
	BAD("tag_len 10", b.p.tag_len = 10);
	BAD("tag_len 0", b.p.tag_len = 0);
	BAD("aad_len without address", b.p.aad_len = 5);
	BAD("aad address without length", b.p.aad_addr = (unsigned long)src);
	BAD("CTR with a 12-byte IV", (b.p.alg = WDC_ALG_AES_256_CTR, b.p.tag_len = 0));
	BAD("tag on CTR", (b.p.alg = WDC_ALG_AES_256_CTR, b.p.iv_len = 16, sqe.param_len += 4));
	BAD("CBC decrypt of a partial block", (b.p.alg = WDC_ALG_AES_256_CBC, b.p.flags |= WDC_F_DECRYPT, b.p.tag_len = 0, b.p.iv_len = 16, sqe.param_len += 4, sqe.src_len = 1000));
	gcm_sqe(&sqe, &b, 0, src, dst, 1024, 1024);
	sqe.opcode = WDC_OP_LAST + 1;
	CHECK(run(&sqe, &cqe) == -EOPNOTSUPP, "opcode past the range: %d", cqe.status);

	/* -ENOSPC writes nothing */
	memset(dst, 0xcc, sizeof(dst));
	gcm_sqe(&sqe, &b, 0, src, dst, 1024, 1023);
	CHECK(run(&sqe, &cqe) == -ENOSPC, "short dst: %d", cqe.status);
	for (int i = 0; i < (int)sizeof(dst); i++) if (dst[i] != 0xcc) { CHECK(0, "ENOSPC wrote dst[%d]", i); break; }

	/* -EBADMSG wipes the plaintext it wrote */
	memset(dst, 0xcc, sizeof(dst));
	gcm_sqe(&sqe, &b, WDC_F_DECRYPT, ct, dst, 1024, 1024);
	memcpy(b.p.tag, tag, 16);
	b.p.tag[0] ^= 1;
	CHECK(run(&sqe, &cqe) == -EBADMSG, "bad tag: %d", cqe.status);
	for (int i = 0; i < 1024; i++) if (dst[i] != 0) { CHECK(0, "EBADMSG left dst[%d] = %#x", i, dst[i]); break; }
	b.p.tag[0] ^= 1;
	CHECK(run(&sqe, &cqe) == 0 && !memcmp(dst, src, 1024), "good tag decrypts");

	/* sessions: open, use, forged and stale handles */
	memset(&sqe, 0, sizeof(sqe));
	memset(&b, 0, sizeof(b));
	b.p.alg = WDC_ALG_AES_128_CTR;
	b.p.key_len = 16;
	sqe.opcode = WDC_OP_SESSION_OPEN;
	sqe.param_addr = (unsigned long)&b;
	sqe.param_len = sizeof(b.p) + 16;
	CHECK(run(&sqe, &cqe) == 0 && cqe.aux, "open: %d", cqe.status);
	__u64 handle = cqe.aux;
	struct blk m;
	memset(&m, 0, sizeof(m));
	m.p.alg = WDC_ALG_AES_128_CTR;
	m.p.flags = WDC_F_INIT | WDC_F_FINAL;
	m.p.iv_len = 16;
	struct wd_sqe use = { .opcode = WDC_OP_SESSION_CIPHER, .src_addr = (unsigned long)src, .src_len = 64,
			      .dst_addr = (unsigned long)dst, .dst_len = 64, .ctx_addr = handle,
			      .param_addr = (unsigned long)&m, .param_len = sizeof(m.p) + 16 };
	CHECK(run(&use, &cqe) == 0 && cqe.produced == 64, "session message: %d", cqe.status);
	use.ctx_addr = handle + (1ULL << 32);
	CHECK(run(&use, &cqe) == -EBADF, "wrong generation: %d", cqe.status);
	use.ctx_addr = 0x7fff12345678ULL;
	CHECK(run(&use, &cqe) == -EBADF, "forged pointer-like handle: %d", cqe.status);
	use.ctx_addr = (handle & ~0xffffffffULL) | 65537;
	CHECK(run(&use, &cqe) == -EBADF, "index out of range: %d", cqe.status);
	use.ctx_addr = handle;
	use.opcode = WDC_OP_SESSION_HASH;
	CHECK(run(&use, &cqe) == -EINVAL, "hash op on a cipher session: %d", cqe.status);
	use.opcode = WDC_OP_SESSION_CIPHER;
	m.p.alg = WDC_ALG_AES_256_CTR;
	CHECK(run(&use, &cqe) == -EINVAL, "alg differs from the session's: %d", cqe.status);
	m.p.alg = WDC_ALG_AES_128_CTR;
	struct blk c0;
	memset(&c0, 0, sizeof(c0));
	struct wd_sqe close_sqe = { .opcode = WDC_OP_SESSION_CLOSE, .ctx_addr = handle, .param_addr = (unsigned long)&c0, .param_len = sizeof(c0.p) };
	CHECK(run(&close_sqe, &cqe) == 0, "close: %d", cqe.status);
	CHECK(run(&close_sqe, &cqe) == -EBADF, "double close: %d", cqe.status);
	CHECK(run(&use, &cqe) == -EBADF, "use after close: %d", cqe.status);

	/* random SQEs (with a valid-looking param block) never crash */
	srand(1);
	for (int i = 0; i < 200000; i++) {
		struct wd_sqe r;
		unsigned char *raw = (unsigned char *)&b;
		for (size_t k = 0; k < sizeof(b.p) + 64; k++) raw[k] = (unsigned char)(rand() & (k < 16 ? 0x3f : 0xff));
		b.p.aad_addr = 0;
		b.p.aad_len = (__u32)(rand() & 1 ? 0 : rand() % 64);
		if (b.p.aad_len) b.p.aad_addr = (unsigned long)src;
		memset(&r, 0, sizeof(r));
		r.opcode = (unsigned char)(WDC_OP_CIPHER + rand() % 7);
		r.src_addr = (unsigned long)src;
		r.src_len = (__u32)(rand() % 1024);
		r.dst_addr = (unsigned long)dst;
		r.dst_len = (__u32)(rand() % 1100);
		r.param_addr = (unsigned long)&b;
		r.param_len = rand() % 2 ? (__u32)(sizeof(b.p) + b.p.iv_len + b.p.key_len) : (__u32)(rand() % 200);
		if (b.p.iv_len > WDC_IV_MAX || b.p.key_len > 64) r.param_len = sizeof(b.p);
		r.ctx_addr = rand() % 4 ? 0 : ((__u64)rand() << 32) | (unsigned)rand();
		if (r.opcode == WDC_OP_SESSION_CLOSE || r.opcode == WDC_OP_SESSION_OPEN) r.ctx_addr = rand() % 2 ? 0 : r.ctx_addr;
		run(&r, &cqe);
		if (r.opcode == WDC_OP_SESSION_OPEN && cqe.status == 0) {
			struct wd_sqe cl = { .opcode = WDC_OP_SESSION_CLOSE, .ctx_addr = cqe.aux, .param_addr = (unsigned long)&c0, .param_len = sizeof(c0.p) };
			memset(&c0, 0, sizeof(c0));
			run(&cl, &cqe);
		}
	}
	if (failures) fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
