// SPDX-License-Identifier: MIT
/*
 * The engine's batch rules (WDC_OP_SESSION_BATCH, WDC_OP_DIGEST_BATCH),
 * driven through crypto_engine_get()->run with hand-made tables: every
 * entry gives the bytes, tag and digest its single-message opcode gives;
 * a whole-SQE fault touches no entry; a bad entry fails alone with its
 * own -errno while the others run; the CQE counts failures and bytes.
 * Exit 0 pass, 1 fail.
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

#define N 8
#define LEN 300

struct blk { struct wdc_param p; unsigned char tail[WDC_IV_MAX + WDC_KEY_MAX]; };

static unsigned char key[32], aad[20], src[N][LEN], ct[N][LEN + 16], out[N][LEN + 16], ivs[N][12], tags[N][16];
static struct wdc_batch_entry e[N];

static int run(struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	memset(cqe, 0, sizeof(*cqe));
	eng->run(sqe, cqe);
	return cqe->status;
}

static __u64 va(const void *p)
{
	return (unsigned long)p;
}

static __u64 open_session(__u32 alg, const unsigned char *k, __u16 key_len)
{
	struct blk b = { .p = { .alg = alg, .key_len = key_len } };
	struct wd_sqe sqe = { .opcode = WDC_OP_SESSION_OPEN, .param_addr = va(&b), .param_len = sizeof(b.p) + key_len };
	struct wd_cqe cqe;

	memcpy(b.tail, k, key_len);
	CHECK(run(&sqe, &cqe) == 0, "open: %d", cqe.status);
	return cqe.aux;
}

/* Message i through the single-message opcode: ct[i] and tags[i]. */
static void single_encrypt(__u64 h, int i)
{
	struct blk b = { .p = { .alg = WDC_ALG_AES_256_GCM, .flags = WDC_F_INIT | WDC_F_FINAL, .iv_len = 12,
				.tag_len = 16, .aad_addr = va(aad), .aad_len = sizeof(aad) } };
	struct wd_sqe sqe = { .opcode = WDC_OP_SESSION_CIPHER, .src_addr = va(src[i]), .src_len = LEN,
			      .dst_addr = va(ct[i]), .dst_len = LEN, .ctx_addr = h, .param_addr = va(&b),
			      .param_len = sizeof(b.p) + 12 };
	struct wd_cqe cqe;

	memcpy(b.tail, ivs[i], 12);
	CHECK(run(&sqe, &cqe) == 0, "single encrypt %d: %d", i, cqe.status);
	memcpy(tags[i], b.p.tag, 16);
}

/* A GCM table: message i from `from` into out[i], tag at tag[i]. */
static void gcm_table(unsigned char (*from)[LEN + 16], const unsigned char (*in)[LEN], unsigned char (*tag)[16])
{
	memset(e, 0, sizeof(e));
	for (int i = 0; i < N; i++) {
		e[i].src_addr = va(from ? (const void *)from[i] : (const void *)in[i]);
		e[i].src_len = LEN;
		e[i].dst_addr = va(out[i]);
		e[i].dst_len = LEN;
		e[i].iv_addr = va(ivs[i]);
		e[i].iv_len = 12;
		e[i].tag_addr = va(tag[i]);
		e[i].status = 12345;	/* must be overwritten (or left alone on a whole-SQE fault) */
	}
}

static void batch_sqe(struct wd_sqe *sqe, struct blk *b, __u64 h, __u32 flags)
{
	memset(b, 0, sizeof(*b));
	b->p.alg = WDC_ALG_AES_256_GCM;
	b->p.flags = flags;
	b->p.tag_len = 16;
	b->p.aad_addr = va(aad);
	b->p.aad_len = sizeof(aad);
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = WDC_OP_SESSION_BATCH;
	sqe->src_addr = va(e);
	sqe->src_len = N;
	sqe->ctx_addr = h;
	sqe->param_addr = va(b);
	sqe->param_len = sizeof(b->p);
}

static int untouched(void)
{
	for (int i = 0; i < N; i++)
		if (e[i].status != 12345 || e[i].produced)
			return 0;
	return 1;
}

static void gcm_batches(void)
{
	unsigned char btags[N][16];
	struct wd_sqe sqe;
	struct wd_cqe cqe;
	struct blk b;
	__u64 h = open_session(WDC_ALG_AES_256_GCM, key, 32);

	for (int i = 0; i < N; i++)
		single_encrypt(h, i);

	/* encrypt: the same bytes and tags as one message at a time */
	gcm_table(NULL, src, btags);
	batch_sqe(&sqe, &b, h, 0);
	CHECK(run(&sqe, &cqe) == 0 && cqe.aux == 0, "encrypt batch: %d, %u failed", cqe.status, (unsigned)cqe.aux);
	CHECK(cqe.consumed == N * LEN && cqe.produced == N * LEN, "totals %u/%u", cqe.consumed, cqe.produced);
	for (int i = 0; i < N; i++) {
		CHECK(e[i].status == 0 && e[i].produced == LEN, "entry %d: %d/%u", i, e[i].status, e[i].produced);
		CHECK(!memcmp(out[i], ct[i], LEN) && !memcmp(btags[i], tags[i], 16), "entry %d differs from the single message", i);
	}

	/* decrypt with entry 2's tag forged and entry 5 malformed: only they fail */
	memcpy(btags, tags, sizeof(btags));
	btags[2][0] ^= 1;
	memset(out, 0xcc, sizeof(out));
	gcm_table(ct, NULL, btags);
	e[5].resv2 = 1;
	batch_sqe(&sqe, &b, h, WDC_F_DECRYPT);
	CHECK(run(&sqe, &cqe) == 0 && cqe.aux == 2, "decrypt batch: %d, %u failed", cqe.status, (unsigned)cqe.aux);
	CHECK(cqe.consumed == (N - 2) * LEN && cqe.produced == (N - 2) * LEN, "totals %u/%u", cqe.consumed, cqe.produced);
	for (int i = 0; i < N; i++) {
		int want = i == 2 ? -EBADMSG : i == 5 ? -EINVAL : 0;

		CHECK(e[i].status == want, "entry %d: status %d, want %d", i, e[i].status, want);
		if (i == 2)
			for (int k = 0; k < LEN; k++) if (out[i][k]) { CHECK(0, "forged entry left out[%d] = %#x", k, out[i][k]); break; }
		if (!want)
			CHECK(!memcmp(out[i], src[i], LEN), "entry %d decrypts", i);
	}

	/* per-entry rules, each failing alone */
	struct { const char *what; int want; } rules[] = {
		{ "dst too small", -ENOSPC }, { "iv_len 0", -EINVAL }, { "no tag address", -EINVAL },
		{ "src without address", -EFAULT }, { "resv0", -EINVAL }, { "iv_len 129", -EINVAL },
		{ "no IV address", -EINVAL }, { "resv1", -EINVAL },
	};
	gcm_table(NULL, src, btags);
	e[0].dst_len = LEN - 1;
	e[1].iv_len = 0;
	e[2].tag_addr = 0;
	e[3].src_addr = 0;
	e[4].resv0 = 1;
	e[5].iv_len = 129;
	e[6].iv_addr = 0;
	e[7].resv1 = 1;
	memset(out, 0xcc, sizeof(out));
	batch_sqe(&sqe, &b, h, 0);
	CHECK(run(&sqe, &cqe) == 0 && cqe.aux == N, "rules batch: %d, %u failed", cqe.status, (unsigned)cqe.aux);
	for (int i = 0; i < N; i++) {
		CHECK(e[i].status == rules[i].want && !e[i].produced, "%s: %d, want %d", rules[i].what, e[i].status, rules[i].want);
		for (int k = 0; k < LEN + 16; k++) if (out[i][k] != 0xcc) { CHECK(0, "%s wrote out[%d]", rules[i].what, k); break; }
	}

	/* whole-SQE faults touch no entry */
#define WHOLE(what, want, stmt) do { gcm_table(NULL, src, btags); batch_sqe(&sqe, &b, h, 0); stmt; \
	CHECK(run(&sqe, &cqe) == (want) && untouched(), "%s: %d, want %d", what, cqe.status, want); } while (0)
	WHOLE("count 0", -EINVAL, sqe.src_len = 0);
	WHOLE("count 1025", -EINVAL, sqe.src_len = WDC_BATCH_MAX + 1);
	WHOLE("no table", -EFAULT, sqe.src_addr = 0);
	WHOLE("no table, forged handle (the handle is checked first)", -EBADF, (sqe.src_addr = 0, sqe.ctx_addr = h + (1ULL << 32)));
	WHOLE("no table, INIT flag (fields are checked first)", -EINVAL, (sqe.src_addr = 0, b.p.flags = WDC_F_INIT));
	WHOLE("dst_len without dst_addr", -EINVAL, sqe.dst_len = 16);
	WHOLE("dst on the SQE", -EINVAL, (sqe.dst_addr = va(out), sqe.dst_len = 16));
	WHOLE("INIT flag", -EINVAL, b.p.flags = WDC_F_INIT);
	WHOLE("NOPAD on GCM", -EINVAL, b.p.flags = WDC_F_NOPAD);
	WHOLE("iv in the param block", -EINVAL, (b.p.iv_len = 12, sqe.param_len += 12));
	WHOLE("key in the param block", -EINVAL, (b.p.key_len = 32, sqe.param_len += 32));
	WHOLE("tag_len 10", -EINVAL, b.p.tag_len = 10);
	WHOLE("alg not the session's", -EINVAL, b.p.alg = WDC_ALG_AES_128_GCM);
	WHOLE("forged handle", -EBADF, sqe.ctx_addr = h + (1ULL << 32));
	WHOLE("no handle", -EBADF, sqe.ctx_addr = 0);
	WHOLE("sqe.aux", -EINVAL, sqe.aux = 1);

	struct blk c0 = { 0 };
	struct wd_sqe cl = { .opcode = WDC_OP_SESSION_CLOSE, .ctx_addr = h, .param_addr = va(&c0), .param_len = sizeof(c0.p) };

	CHECK(run(&cl, &cqe) == 0, "close: %d", cqe.status);
	WHOLE("closed session", -EBADF, (void)0);
}

static void digest_batches(void)
{
	unsigned char want[N][32], got[N][32];
	struct wd_sqe sqe;
	struct wd_cqe cqe;
	struct blk b;

	for (__u32 alg = WDC_ALG_SHA256; alg <= WDC_ALG_HMAC_SHA256; alg += WDC_ALG_HMAC_SHA256 - WDC_ALG_SHA256) {
		__u16 key_len = alg == WDC_ALG_HMAC_SHA256 ? 32 : 0;

		for (int i = 0; i < N; i++) {
			memset(&b, 0, sizeof(b));
			b.p.alg = alg;
			b.p.key_len = key_len;
			memcpy(b.tail, key, key_len);
			struct wd_sqe one = { .opcode = WDC_OP_DIGEST, .src_addr = va(src[i]), .src_len = (__u32)(i * 37),
					      .dst_addr = va(want[i]), .dst_len = 32, .param_addr = va(&b),
					      .param_len = sizeof(b.p) + key_len };

			CHECK(run(&one, &cqe) == 0, "single digest %d: %d", i, cqe.status);
		}
		memset(e, 0, sizeof(e));
		for (int i = 0; i < N; i++) {
			e[i].src_addr = va(src[i]);
			e[i].src_len = (__u32)(i * 37);
			e[i].dst_addr = va(got[i]);
			e[i].dst_len = 32;
		}
		e[3].dst_len = 31;			/* -ENOSPC */
		e[4].iv_len = 12;			/* -EINVAL: no IV on a digest */
		memset(&sqe, 0, sizeof(sqe));
		sqe.opcode = WDC_OP_DIGEST_BATCH;
		sqe.src_addr = va(e);
		sqe.src_len = N;
		sqe.param_addr = va(&b);
		sqe.param_len = sizeof(b.p) + key_len;
		CHECK(run(&sqe, &cqe) == 0 && cqe.aux == 2, "digest batch %u: %d, %u failed", alg, cqe.status, (unsigned)cqe.aux);
		CHECK(cqe.produced == (N - 2) * 32, "produced %u", cqe.produced);
		for (int i = 0; i < N; i++) {
			int bad = i == 3 || i == 4;

			CHECK(e[i].status == (i == 3 ? -ENOSPC : i == 4 ? -EINVAL : 0), "digest entry %d: %d", i, e[i].status);
			if (!bad)
				CHECK(e[i].produced == 32 && !memcmp(got[i], want[i], 32), "digest entry %d differs", i);
		}
		sqe.ctx_addr = 1;
		CHECK(run(&sqe, &cqe) == -EINVAL, "ctx_addr on a digest batch: %d", cqe.status);
		sqe.ctx_addr = 0;
		b.p.alg = WDC_ALG_AES_256_GCM;
		CHECK(run(&sqe, &cqe) == -EINVAL, "cipher alg on a digest batch: %d", cqe.status);
	}
}

int main(int argc, char **argv)
{
	void *h = dlopen(argc > 1 ? argv[1] : "build/crypto-engine.so", RTLD_NOW);

	if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
	eng = ((wd_engine_get_fn)dlsym(h, "crypto_engine_get"))();
	srand(7);
	for (size_t i = 0; i < sizeof(key); i++) key[i] = (unsigned char)rand();
	for (size_t i = 0; i < sizeof(aad); i++) aad[i] = (unsigned char)rand();
	for (int i = 0; i < N; i++) {
		for (int k = 0; k < LEN; k++) src[i][k] = (unsigned char)rand();
		for (int k = 0; k < 12; k++) ivs[i][k] = (unsigned char)rand();
	}
	gcm_batches();
	digest_batches();
	if (failures) fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
