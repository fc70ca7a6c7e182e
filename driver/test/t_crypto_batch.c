// SPDX-License-Identifier: GPL-2.0
/*
 * Batches (SESSION_BATCH 0x47, DIGEST_BATCH 0x48): a table of GCM (shared
 * AAD, odd IV lengths), CTR and CBC (padded, NOPAD) messages gives exactly
 * the bytes and tags of single SESSION_CIPHER messages, and decrypts back;
 * a corrupted tag fails only its entry (-EBADMSG, output wiped, cqe.aux 1);
 * SHA-256 / HMAC-SHA-256 batches equal single DIGESTs, 1024 entries too.
 * Whole-SQE faults fail the CQE and touch no entry and no output; per-entry
 * faults fail only their entry (only its status/produced are written back),
 * a read-only table is -EFAULT, PUT_Q, close() and SIGKILL end a long batch
 * promptly (PUT_Q: -ECANCELED), and no-SVA offsets work the same.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "t_crypto.h"

const char *wd_test_name = "crypto_batch";

#define N	37		/* entries: crosses the engine's 16-entry reads */
#define SLOT	1024
#define ST0	0x5a5a5a5a	/* status before the engine writes it */
#define PR0	0xa5a5a5a5u

static struct wdq q;
static uint8_t key[32], aad[37], pt[N * SLOT], ivs[N][128];
static uint8_t ref[N][SLOT], out[N][SLOT], back[N][SLOT], tags[N][16], rtags[N][16];
static uint8_t *area, *hole, *ro;	/* hole: inaccessible pages after area's first */
static long pg;

static uint32_t len_of(uint32_t i)
{
	return i == 3 ? 0 : i == 5 ? 16 : (i * 131 + 7) % 600;
}

static bool all(const uint8_t *b, size_t n, uint8_t v)
{
	while (n--)
		if (*b++ != v)
			return false;
	return true;
}

static void entry(struct wdc_batch_entry *e, const void *src, uint32_t src_len, void *dst,
		  uint32_t dst_len, const void *iv, uint16_t iv_len, void *tag)
{
	memset(e, 0, sizeof(*e));
	e->src_addr = (uintptr_t)src;
	e->src_len = src_len;
	e->dst_addr = (uintptr_t)dst;
	e->dst_len = dst_len;
	e->iv_addr = (uintptr_t)iv;
	e->iv_len = iv_len;
	e->tag_addr = (uintptr_t)tag;
	e->status = ST0;
	e->produced = PR0;
}

/* Only status and produced (bytes 44..51) of each entry may have changed. */
static void only_outcome(const struct wdc_batch_entry *was, const struct wdc_batch_entry *is,
			 uint32_t n)
{
	struct wdc_batch_entry x;
	uint32_t i;

	for (i = 0; i < n; i++) {
		x = was[i];
		x.status = is[i].status;
		x.produced = is[i].produced;
		CHECK(!memcmp(&x, &is[i], sizeof(x)), "entry %u changed beyond its outcome", i);
	}
}

static uint16_t iv_len_of(uint32_t alg, uint32_t i)
{
	return alg > GCM256 ? 16 : i % 4 == 1 ? 1 + (i * 37) % 128 : 12;
}

/* Encrypt a table of N messages, compare with single messages, decrypt back. */
static void cipher_batch(uint32_t alg, uint32_t nopad, uint16_t tag_len, bool with_aad)
{
	bool gcm = alg <= GCM256, pad = alg >= CBC128 && !nopad;
	uint64_t h = sopen(&q, alg, 0, key, 16 + 8 * ((alg - 1) % 3));
	static struct wdc_batch_entry e[N], was[N];
	struct creq b = { .op = OP_SBATCH, .alg = alg, .flags = nopad, .tag_len = tag_len,
			  .aad = with_aad ? aad : NULL, .aad_len = with_aad ? sizeof(aad) : 0,
			  .handle = h };
	uint32_t i, len[N], rlen[N], bad = 6, sum = 0, insum = 0;
	struct wdc_param p;
	struct wd_cqe c;

	for (i = 0; i < N; i++) {
		struct creq r = b;

		len[i] = nopad ? len_of(i) & ~15u : len_of(i);
		r.op = OP_SCIPHER;
		r.flags |= F_MSG;
		r.iv = ivs[i];
		r.iv_len = iv_len_of(alg, i);
		r.src = pt + i * SLOT;
		r.src_len = len[i];
		r.dst = ref[i];
		r.dst_len = SLOT;
		c = crun(&q, &p, &r);
		CHECK(c.status == 0, "alg %u message %u: %d", alg, i, c.status);
		rlen[i] = c.produced;
		sum += rlen[i];
		insum += len[i];
		memcpy(rtags[i], p.tag, 16);
		memset(out[i], 0xee, SLOT);
		memset(tags[i], 0xee, 16);
		/* dst_len: exactly the bound (CBC: whole blocks + a pad block) */
		entry(&e[i], pt + i * SLOT, len[i], out[i], pad ? len[i] / 16 * 16 + 16 : len[i],
		      ivs[i], r.iv_len, gcm ? tags[i] : NULL);
	}
	memcpy(was, e, sizeof(e));
	c = brun(&q, &p, &b, e, N);
	CHECK(c.status == 0 && c.consumed == insum && c.aux == 0 && c.produced == sum,
	      "alg %u batch: status %d consumed %u aux %llu produced %u/%u", alg, c.status,
	      c.consumed, (unsigned long long)c.aux, c.produced, sum);
	only_outcome(was, e, N);
	for (i = 0; i < N; i++) {
		CHECK(e[i].status == 0 && e[i].produced == rlen[i], "alg %u entry %u: %d %u",
		      alg, i, e[i].status, e[i].produced);
		CHECK(!memcmp(out[i], ref[i], rlen[i]) && all(out[i] + rlen[i], SLOT - rlen[i], 0xee),
		      "alg %u entry %u: bytes differ from the single message", alg, i);
		CHECK(!gcm || (!memcmp(tags[i], rtags[i], tag_len) &&
			       all(tags[i] + tag_len, 16 - tag_len, 0xee)),
		      "alg %u entry %u: tag differs", alg, i);
	}

	/* back, one tag corrupted (GCM) */
	for (i = 0; i < N; i++) {
		memset(back[i], 0xee, SLOT);
		entry(&e[i], out[i], rlen[i], back[i], rlen[i], ivs[i], iv_len_of(alg, i),
		      gcm ? tags[i] : NULL);
	}
	if (gcm)
		tags[bad][tag_len - 1] ^= 0x40;
	b.flags |= F_DEC;
	c = brun(&q, &p, &b, e, N);
	CHECK(c.status == 0 && c.consumed == sum - (gcm ? rlen[bad] : 0) && c.aux == gcm,
	      "alg %u decrypt batch: %d aux %llu", alg, c.status, (unsigned long long)c.aux);
	for (i = 0; i < N; i++) {
		if (gcm && i == bad) {
			CHECK(e[i].status == -EBADMSG && e[i].produced == 0,
			      "corrupted tag: %d", e[i].status);
			CHECK(all(back[i], rlen[i], 0) && all(back[i] + rlen[i], SLOT - rlen[i], 0xee),
			      "output of the failed entry not wiped");
			continue;
		}
		CHECK(e[i].status == 0 && e[i].produced == len[i] &&
		      !memcmp(back[i], pt + i * SLOT, len[i]), "alg %u decrypt entry %u: %d",
		      alg, i, e[i].status);
	}
	CHECK(sclose(&q, h) == 0, "close");
}

/* Digest tables equal single DIGESTs; dst_len exact or larger. */
static void digest_batch(uint32_t alg, const uint8_t *k, uint16_t kl, uint32_t n)
{
	static struct wdc_batch_entry e[BATCH_MAX];
	static uint8_t dig[BATCH_MAX][64];
	struct creq b = { .op = OP_DBATCH, .alg = alg, .key = k, .key_len = kl };
	uint32_t dl = alg == SHA1 ? 20 : 32, i, insum = 0;
	struct wdc_param p;
	struct wd_cqe c;
	double tb, ts;

	for (i = 0; i < n; i++) {
		memset(dig[i], 0xee, 64);
		entry(&e[i], pt + i % N * SLOT, (len_of(i) + i) % SLOT, dig[i], i % 2 ? 64 : dl,
		      NULL, 0, NULL);
		insum += (len_of(i) + i) % SLOT;
	}
	tb = now_sec();
	c = brun(&q, &p, &b, e, n);
	tb = now_sec() - tb;
	CHECK(c.status == 0 && c.consumed == insum && c.aux == 0 && c.produced == n * dl,
	      "digest batch alg %u x%u: %d", alg, n, c.status);
	ts = now_sec();
	for (i = 0; i < n; i++) {
		struct creq r = { .op = OP_DIGEST, .alg = alg, .key = k, .key_len = kl,
				  .src = pt + i % N * SLOT, .src_len = (len_of(i) + i) % SLOT,
				  .dst = ref[0], .dst_len = 64 };

		c = crun(&q, &p, &r);
		CHECK(c.status == 0 && c.produced == dl, "digest %u", i);
		CHECK(e[i].status == 0 && e[i].produced == dl && !memcmp(dig[i], ref[0], dl) &&
		      all(dig[i] + dl, 64 - dl, 0xee), "digest entry %u of alg %u", i, alg);
	}
	ts = now_sec() - ts;
	if (n == BATCH_MAX)	/* a figure, not a check: the guest's timing is noisy */
		printf("%s: %u digests of 0-1 KiB: one batch %.2f ms, single SQEs %.2f ms\n",
		       wd_test_name, n, tb * 1e3, ts * 1e3);
}

/* The SQE is refused with want: no entry, no output touched. */
static void whole(struct wd_sqe *s, const struct wdc_batch_entry *t, const struct wdc_batch_entry *was,
		  int want, const char *what)
{
	struct wd_cqe c;
	uint32_t i;

	CHECK(!wd_run_one(&q, s, &c), "%s: no CQE", what);
	CHECK(c.status == want && !c.consumed && !c.produced && !c.aux,
	      "%s: status %d, want %d", what, c.status, want);
	CHECK(!memcmp(t, was, 3 * sizeof(*t)), "%s: an entry was written", what);
	for (i = 0; i < 3; i++)
		CHECK(all(out[i], SLOT, 0xee) && all(tags[i], 16, 0xee), "%s: output written", what);
}

static void whole_sqe_errors(void)
{
	static struct wdc_batch_entry t[BATCH_MAX + 1], was[3];
	uint64_t h = sopen(&q, GCM256, 0, key, 32), hh = sopen(&q, SHA256, 0, NULL, 0);
	uint64_t hc = sopen(&q, CTR128, 0, key, 16), closed = sopen(&q, GCM256, 0, key, 32);
	struct creq b = { .op = OP_SBATCH, .alg = GCM256, .tag_len = 16, .handle = h };
	struct wdc_batch_entry *edge;
	struct wdc_param p;
	struct wd_sqe s;
	struct wd_cqe c;
	uint32_t i;

	CHECK(sclose(&q, closed) == 0, "close");
	for (i = 0; i < 3; i++) {
		memset(out[i], 0xee, SLOT);
		memset(tags[i], 0xee, 16);
		entry(&t[i], pt, 100, out[i], 100, ivs[i], 12, tags[i]);
	}
	for (i = 3; i <= BATCH_MAX; i++)
		t[i] = t[0];
	memcpy(was, t, sizeof(was));
#define W(prep, want, what) do { bsqe(&s, &p, &b, t, 3); prep; whole(&s, t, was, want, what); } while (0)
	c = brun(&q, &p, &b, t, 3);	/* the table itself is fine */
	CHECK(c.status == 0 && c.aux == 0 && t[2].status == 0, "valid table: %d", c.status);
	for (i = 0; i < 3; i++) {
		memset(out[i], 0xee, SLOT);
		memset(tags[i], 0xee, 16);
	}
	memcpy(t, was, sizeof(was));
	W(s.src_len = 0, -EINVAL, "count 0");
	W(s.src_len = BATCH_MAX + 1, -EINVAL, "count 1025");
	W(s.ctx_addr = 0, -EBADF, "handle 0");
	W(s.ctx_addr = 0x123456789abcdefULL, -EBADF, "forged handle");
	W(s.ctx_addr = closed, -EBADF, "closed handle");
	W(s.ctx_addr = hh, -EBADF, "hash session");
	W(p.alg = GCM128, -EINVAL, "alg not the session's");
	W(p.flags = F_INIT, -EINVAL, "INIT");
	W(p.flags = F_FINAL, -EINVAL, "FINAL");
	W(p.flags = 0x10, -EINVAL, "unknown flag");
	W(p.flags = F_NOPAD, -EINVAL, "NOPAD on GCM");
	W(p.tag_len = 0, -EINVAL, "GCM without a tag length");
	W(p.tag_len = 3, -EINVAL, "tag length 3");
	W((p.iv_len = 12, s.param_len = 60), -EINVAL, "IV in the param block");
	W((p.key_len = 32, s.param_len = 80), -EINVAL, "key in the param block");
	W(p.aad_len = 5, -EINVAL, "AAD length without address");
	W(p.aad_addr = (uintptr_t)aad, -EINVAL, "AAD address without length");
	W(p.resv0 = 1, -EINVAL, "param resv0");
	W(p.resv1 = 1, -EINVAL, "param resv1");
	W(s.param_len = 49, -EINVAL, "param_len");
	W(s.dst_addr = (uintptr_t)out[0], -EINVAL, "sqe dst_addr");
	W(s.dst_len = 64, -EINVAL, "sqe dst_len");
	W(s.op_flags = 1, -EINVAL, "sqe op_flags");
	W(s.aux = 1, -EINVAL, "sqe aux");
	W(s.param_addr = (uintptr_t)hole, -EFAULT, "param block unmapped");
	W(s.src_addr = (uintptr_t)hole, -EFAULT, "table unmapped");
	W(s.src_addr = 0, -EFAULT, "table NULL");
	W(s.src_addr = 0xffffffff81000000ULL, -EFAULT, "table in the kernel");
	/* entries 0..19 readable (more than one read), entry 20 in the hole: none may run */
	edge = (struct wdc_batch_entry *)(hole - 20 * sizeof(*edge));
	CHECK(!mprotect(area, pg, PROT_READ | PROT_WRITE), "mprotect");
	memcpy(edge, t, 20 * sizeof(*edge));
	W((s.src_addr = (uintptr_t)edge, s.src_len = 21), -EFAULT, "table running into a hole");
	CHECK(!memcmp(edge, t, 20 * sizeof(*edge)), "entries before the hole ran");
	CHECK(!mprotect(area, pg, PROT_NONE), "mprotect");
	b.handle = hc;
	b.alg = CTR128;
	b.tag_len = 0;
	W(p.tag_len = 16, -EINVAL, "CTR with a tag length");
	W((p.aad_addr = (uintptr_t)aad, p.aad_len = 5), -EINVAL, "CTR with AAD");
	b = (struct creq){ .op = OP_DBATCH, .alg = SHA256 };
	W(s.ctx_addr = h, -EINVAL, "digest batch with a handle");
	W(p.alg = GCM256, -EINVAL, "digest batch of a cipher");
	W(p.alg = 21, -EINVAL, "digest alg 21");
	W(p.flags = F_FINAL, -EINVAL, "digest batch flags");
	W(p.tag_len = 16, -EINVAL, "digest batch tag length");
	W((p.key_len = 4, s.param_len = 52), -EINVAL, "SHA-256 with a key");
	W(s.src_len = 0, -EINVAL, "digest count 0");
	W(s.src_len = BATCH_MAX + 1, -EINVAL, "digest count 1025");
	W(s.src_addr = (uintptr_t)hole, -EFAULT, "digest table unmapped");
#undef W
	CHECK(sclose(&q, h) == 0 && sclose(&q, hh) == 0 && sclose(&q, hc) == 0, "close");
}

/*
 * Faults of one entry fail that entry only: good entries (even) between bad
 * ones (odd) still run. want[k] is bad entry k's status.
 */
static void entry_errors(void)
{
	static const int want[] = {
		-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EFAULT,
		-EFAULT, -ENOSPC, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EINVAL, -EFAULT,
	};
	enum { K = ARRAY_SIZE(want), M = 2 * K + 1 };
	static struct wdc_batch_entry e[M];
	uint64_t h = sopen(&q, GCM128, 0, key, 16);
	struct creq b = { .op = OP_SBATCH, .alg = GCM128, .tag_len = 16, .handle = h };
	struct creq r = { .op = OP_SCIPHER, .alg = GCM128, .flags = F_MSG, .iv = ivs[0],
			  .iv_len = 12, .tag_len = 16, .src = pt, .src_len = 200, .dst = ref[0],
			  .dst_len = 200, .handle = h };
	struct wdc_param p;
	struct wd_cqe c;
	uint32_t i, k;

	CHECK(crun(&q, &p, &r).status == 0, "reference");
	memcpy(rtags[0], p.tag, 16);
	for (i = 0; i < M; i++) {
		memset(out[i], 0xee, SLOT);
		memset(tags[i], 0xee, 16);
		entry(&e[i], pt, 200, out[i], 200, ivs[0], 12, tags[i]);
		if (!(i % 2))
			continue;
		switch (k = i / 2) {
		case 0:
			e[i].resv0 = 1;
			break;
		case 1:
			e[i].resv1 = 1;
			break;
		case 2:
			e[i].resv2 = 1;
			break;
		case 3:
			e[i].iv_len = 0;
			break;
		case 4:
			e[i].iv_len = 129;
			break;
		case 5:
			e[i].iv_addr = 0;
			break;
		case 6:
			e[i].tag_addr = 0;
			break;
		case 7:
			e[i].src_addr = 0;
			break;
		case 8:
			e[i].dst_addr = 0;
			break;
		case 9:
			e[i].dst_len = 199;
			break;
		case 10:
			e[i].src_addr = (uintptr_t)hole;
			break;
		case 11:
			e[i].dst_addr = (uintptr_t)hole;
			break;
		case 12:
			e[i].iv_addr = (uintptr_t)hole;
			break;
		case 13:
			e[i].tag_addr = (uintptr_t)ro;	/* written last: dst wiped */
			break;
		case 14:
			e[i].src_addr = (uintptr_t)out[i] + 8;	/* partial overlap */
			break;
		case 15:
			e[i].dst_addr = 0xffffffff81000000ULL;
			break;
		}
	}
	/* a good entry in place */
	memcpy(out[2], pt, 200);
	e[2].src_addr = (uintptr_t)out[2];
	c = brun(&q, &p, &b, e, M);
	CHECK(c.status == 0 && c.consumed == (K + 1) * 200 && c.aux == K && c.produced == (K + 1) * 200,
	      "entry errors: %d aux %llu produced %u", c.status, (unsigned long long)c.aux,
	      c.produced);
	for (i = 0; i < M; i++) {
		k = i / 2;
		if (!(i % 2)) {
			CHECK(e[i].status == 0 && e[i].produced == 200 && !memcmp(out[i], ref[0], 200) &&
			      !memcmp(tags[i], rtags[0], 16), "good entry %u: %d", i, e[i].status);
			continue;
		}
		CHECK(e[i].status == want[k] && e[i].produced == 0, "bad entry %u: %d, want %d",
		      k, e[i].status, want[k]);
		/* nothing written; the tag fault comes last, its dst is wiped */
		CHECK(k == 13 ? all(out[i], 200, 0) : all(out[i], 200, 0xee),
		      "bad entry %u: output", k);
		CHECK(all(tags[i], 16, 0xee), "bad entry %u: tag written", k);
	}

	/* decrypting: the expected tag must be readable */
	entry(&e[0], ref[0], 200, out[0], 200, ivs[0], 12, hole);
	entry(&e[1], ref[0], 200, out[1], 200, ivs[0], 12, rtags[0]);
	b.flags = F_DEC;
	c = brun(&q, &p, &b, e, 2);
	CHECK(c.status == 0 && c.aux == 1 && e[0].status == -EFAULT && e[1].status == 0 &&
	      !memcmp(out[1], pt, 200), "decrypt, tag unmapped: %d %d", e[0].status, e[1].status);
	CHECK(sclose(&q, h) == 0, "close");

	/* CTR and CBC: IV 16 only, no tag; CBC's whole-block rules */
	h = sopen(&q, CTR256, 0, key, 32);
	b = (struct creq){ .op = OP_SBATCH, .alg = CTR256, .handle = h };
	entry(&e[0], pt, 100, out[0], 100, ivs[0], 12, NULL);
	entry(&e[1], pt, 100, out[1], 100, ivs[0], 16, tags[0]);
	entry(&e[2], pt, 100, out[2], 100, ivs[0], 16, NULL);
	c = brun(&q, &p, &b, e, 3);
	CHECK(c.status == 0 && c.aux == 2 && e[0].status == -EINVAL && e[1].status == -EINVAL &&
	      e[2].status == 0 && e[2].produced == 100, "CTR entries");
	CHECK(sclose(&q, h) == 0, "close");
	h = sopen(&q, CBC128, 0, key, 16);
	b = (struct creq){ .op = OP_SBATCH, .alg = CBC128, .flags = F_NOPAD, .handle = h };
	entry(&e[0], pt, 17, out[0], 32, ivs[0], 16, NULL);
	entry(&e[1], pt, 32, out[1], 32, ivs[0], 16, NULL);
	c = brun(&q, &p, &b, e, 2);
	CHECK(c.status == 0 && c.aux == 1 && e[0].status == -EINVAL && e[1].status == 0,
	      "CBC NOPAD entries: %d %d", e[0].status, e[1].status);
	b.flags = F_DEC;
	entry(&e[0], pt, 17, out[0], 32, ivs[0], 16, NULL);
	entry(&e[1], pt, 32, out[1], 15, ivs[0], 16, NULL);
	c = brun(&q, &p, &b, e, 2);
	CHECK(c.status == 0 && c.aux == 2 && e[0].status == -EINVAL && e[1].status == -ENOSPC,
	      "CBC decrypt entries: %d %d", e[0].status, e[1].status);
	CHECK(sclose(&q, h) == 0, "close");

	/* digests: no IV, no tag; room for the digest */
	b = (struct creq){ .op = OP_DBATCH, .alg = HMAC256, .key = key, .key_len = 32 };
	for (i = 0; i < 8; i++) {
		memset(out[i], 0xee, SLOT);
		entry(&e[i], pt, 50, out[i], 32, NULL, 0, NULL);
	}
	e[0].iv_addr = (uintptr_t)ivs[0];
	e[1].iv_len = 12;
	e[2].tag_addr = (uintptr_t)tags[0];
	e[3].dst_len = 31;
	e[4].src_addr = (uintptr_t)hole;
	e[5].dst_addr = (uintptr_t)ro;
	e[6].resv2 = 7;
	c = brun(&q, &p, &b, e, 8);
	CHECK(c.status == 0 && c.aux == 7 && c.produced == 32, "digest entries: %d", c.status);
	for (i = 0; i < 7; i++)
		CHECK(e[i].status == (i < 3 || i == 6 ? -EINVAL : i == 3 ? -ENOSPC : -EFAULT) &&
		      e[i].produced == 0 && all(out[i], 32, 0xee), "digest entry %u: %d", i,
		      e[i].status);
	CHECK(e[7].status == 0 && e[7].produced == 32, "good digest entry");
}

/* The outcome cannot be written back: the CQE says so. */
static void readonly_table(void)
{
	struct creq b = { .op = OP_DBATCH, .alg = SHA256 };
	struct wdc_batch_entry *t;
	uint8_t *page;
	struct wdc_param p;
	struct wd_cqe c;

	page = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED, "mmap");
	t = (struct wdc_batch_entry *)page;
	entry(&t[0], pt, 10, out[0], 32, NULL, 0, NULL);
	entry(&t[1], pt, 10, out[1], 32, NULL, 0, NULL);
	CHECK(!mprotect(page, pg, PROT_READ), "mprotect");
	c = brun(&q, &p, &b, t, 2);
	CHECK(c.status == -EFAULT, "read-only table: %d", c.status);
	munmap(page, pg);
}

#define BIG (1 << 20)

/* Submit a batch of 1024 x 1 MiB GCM messages on a new queue; wait for entry 0. */
static void start_big_batch(struct wdq *cq, struct wdc_batch_entry *t, uint8_t *src,
			    uint8_t *dst)
{
	static struct wdc_param p;
	struct wd_sqe *s;
	uint64_t h;
	double t0;
	int i;

	CHECK(!wd_queue_open(cq, 0, 4), "open");
	h = sopen(cq, GCM256, 0, key, 32);
	for (i = 0; i < BATCH_MAX; i++)
		entry(&t[i], src, BIG, dst, BIG, ivs[i % N], 12, tags[0]);
	s = wd_get_sqe(cq);
	bsqe(s, &p, &(struct creq){ .op = OP_SBATCH, .alg = GCM256, .tag_len = 16, .handle = h },
	     t, BATCH_MAX);
	CHECK(!wd_submit(cq), "submit");
	t0 = now_sec();
	while (__atomic_load_n(&t[0].status, __ATOMIC_ACQUIRE) == ST0 && now_sec() - t0 < 60)
		usleep(1000);
	CHECK(t[0].status == 0, "first entry: %d", t[0].status);
}

/*
 * A long batch in flight when the queue goes away: PUT_Q is prompt and the
 * CQE is -ECANCELED; close() and the owner's SIGKILL tear down promptly too
 * (the runner checks the console for warnings).
 */
static void cancel_batch(void)
{
	static struct wdc_batch_entry t[BATCH_MAX];
	uint8_t *src = calloc(1, BIG), *dst = malloc(BIG);
	int pipefd[2], st;
	struct wd_cqe c;
	struct wdq cq;
	double t0;
	pid_t pid;
	char b;

	CHECK(src && dst, "alloc");
	start_big_batch(&cq, t, src, dst);
	t0 = now_sec();
	CHECK(!ioctl(cq.fd, UACCE_CMD_PUT_Q), "PUT_Q");
	t0 = now_sec() - t0;
	CHECK(wd_peek_cqe(&cq, &c) && c.status == -ECANCELED, "CQE after PUT_Q: %d", c.status);
	CHECK(t[BATCH_MAX - 1].status == ST0, "the batch ran to its end");
	printf("%s: PUT_Q took %.3f s with a batch of 1024 x 1 MiB in flight\n", wd_test_name, t0);
	CHECK(t0 < 2.0, "PUT_Q took %.3f s", t0);
	wd_queue_close(&cq);

	start_big_batch(&cq, t, src, dst);
	t0 = now_sec();
	wd_queue_close(&cq);
	t0 = now_sec() - t0;
	CHECK(t0 < 2.0, "close() took %.3f s", t0);

	CHECK(!pipe(pipefd), "pipe");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		start_big_batch(&cq, t, src, dst);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(3);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &b, 1) != 1) {
		waitpid(pid, &st, 0);
		CHECK(0, "child exited with %d", WEXITSTATUS(st));
	}
	t0 = now_sec();
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st), "child killed");
	t0 = now_sec() - t0;
	close(pipefd[0]);
	printf("%s: SIGKILL of the owner with the batch in flight: reaped in %.3f s\n",
	       wd_test_name, t0);
	CHECK(t0 < 2.0, "the killed owner took %.3f s to go", t0);
	free(src);
	free(dst);
}

/* No-SVA: table, IVs, tags and data are offsets into the data region. */
static void nosva(void)
{
	struct wd_soft_qp_params qp = { .sq_entries = 8, .features = WD_FEAT_NOSVA,
					.data_bytes = 64 << 10 };
	struct creq r = { .op = OP_CIPHER, .alg = GCM128, .flags = F_MSG, .key = key,
			  .key_len = 16, .iv_len = 12, .tag_len = 16, .src_len = 100,
			  .dst_len = 100 };
	struct wdc_batch_entry *t;
	struct wdc_param p, *np;
	struct wdq nq;
	struct wd_sqe s;
	struct wd_cqe c;
	uint8_t *d;
	uint32_t i;

	for (i = 0; i < 3; i++) {	/* the SVA reference */
		r.iv = ivs[i];
		r.src = pt + i * SLOT;
		r.dst = ref[i];
		CHECK(crun(&q, &p, &r).status == 0, "reference");
		memcpy(rtags[i], p.tag, 16);
	}
	CHECK(!wd_queue_open_params(&nq, 0, &qp) && !wd_queue_start(&nq), "no-SVA open");
	d = nq.data;
	np = (struct wdc_param *)(d + 512);
	r = (struct creq){ .op = OP_OPEN, .alg = GCM128, .key = key, .key_len = 16 };
	memset(&s, 0, sizeof(s));
	s.opcode = OP_OPEN;
	s.param_addr = 512;
	s.param_len = param_fill(np, &r);
	CHECK(!wd_run_one(&nq, &s, &c) && c.status == 0, "no-SVA open session: %d", c.status);
	r = (struct creq){ .op = OP_SBATCH, .alg = GCM128, .tag_len = 16 };
	memset(&s, 0, sizeof(s));
	s.opcode = OP_SBATCH;
	s.ctx_addr = c.aux;
	s.param_addr = 512;
	s.param_len = param_fill(np, &r);
	s.src_addr = 0;		/* offset 0 is a valid table address here */
	s.src_len = 4;
	t = (struct wdc_batch_entry *)d;
	for (i = 0; i < 3; i++) {
		memcpy(d + 2048 + i * 128, pt + i * SLOT, 100);
		memcpy(d + 1536 + i * 16, ivs[i], 12);
		entry(&t[i], (void *)(uintptr_t)(2048 + i * 128), 100,
		      (void *)(uintptr_t)(4096 + i * 128), 100,
		      (void *)(uintptr_t)(1536 + i * 16), 12, (void *)(uintptr_t)(1024 + i * 16));
	}
	entry(&t[3], (void *)(uintptr_t)(nq.data_bytes - 50), 100, (void *)4096, 100,
	      (void *)1536, 12, (void *)1024);
	CHECK(!wd_run_one(&nq, &s, &c) && c.status == 0 && c.aux == 1 && c.produced == 300,
	      "no-SVA batch: %d", c.status);
	for (i = 0; i < 3; i++)
		CHECK(t[i].status == 0 && !memcmp(d + 4096 + i * 128, ref[i], 100) &&
		      !memcmp(d + 1024 + i * 16, rtags[i], 16), "no-SVA entry %u differs", i);
	CHECK(t[3].status == -EFAULT, "no-SVA src past the end: %d", t[3].status);
	s.src_addr = nq.data_bytes - 3 * sizeof(*t);
	CHECK(!wd_run_one(&nq, &s, &c) && c.status == -EFAULT, "no-SVA table past the end");
	wd_queue_close(&nq);
}

int main(void)
{
	static uint8_t hkey[100];
	uint32_t i;

	wd_require_device(0);
	pg = getpagesize();
	/* PROT_NONE rather than unmapped: no later mapping can land there */
	area = mmap(NULL, 3 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(area != MAP_FAILED && ro != MAP_FAILED, "mmap");
	hole = area + pg;
	for (i = 0; i < sizeof(key); i++)
		key[i] = i * 7 + 1;
	for (i = 0; i < sizeof(aad); i++)
		aad[i] = i ^ 0x5c;
	for (i = 0; i < sizeof(pt); i++)
		pt[i] = i * 13 + (i >> 8);
	for (i = 0; i < N * 128; i++)
		ivs[i / 128][i % 128] = i * 31 + 1;
	for (i = 0; i < sizeof(hkey); i++)
		hkey[i] = i + 0x30;
	CHECK(!wd_queue_open(&q, 0, 16), "open");

	cipher_batch(GCM256, 0, 16, true);
	cipher_batch(GCM128, 0, 12, false);
	cipher_batch(GCM192, 0, 4, true);
	cipher_batch(CTR192, 0, 0, false);
	cipher_batch(CBC128, 0, 0, false);
	cipher_batch(CBC256, F_NOPAD, 0, false);
	digest_batch(SHA256, NULL, 0, N);
	digest_batch(HMAC256, key, 32, N);
	digest_batch(HMAC256, hkey, sizeof(hkey), N);	/* longer than a block */
	digest_batch(SHA1, NULL, 0, BATCH_MAX);
	whole_sqe_errors();
	entry_errors();
	readonly_table();
	nosva();
	cancel_batch();
	wd_queue_close(&q);
	return T_PASS;
}
