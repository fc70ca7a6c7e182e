// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions: a stream (INIT, updates, FINAL) in random step sizes gives the
 * same bytes and tag as the one-shot request, step outputs follow EVP's
 * rules (CBC holds partial blocks back, and the last whole block when
 * decrypting with padding), a session message equals the one-shot, the
 * stream decrypts back; a hash session's update/final equals the digest and
 * restarts after it. Messages larger than the engine's bounce buffer, GCM
 * IVs of 12, 7 and 60 bytes with AAD, and a CTR counter carrying across 64
 * bits are included.
 */
#include "t_crypto.h"

const char *wd_test_name = "crypto_stream";

static struct wdq q;
static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void fill(uint8_t *b, size_t n)
{
	while (n--)
		*b++ = rnd();
}

static bool is_cbc(uint32_t alg) { return alg >= CBC128 && alg <= CBC256; }
static bool is_gcm(uint32_t alg) { return alg <= GCM256; }
static uint16_t keylen(uint32_t alg) { return 16 + 8 * ((alg - 1) % 3); }

/* Bytes a CBC step outputs, as EVP_CipherUpdate does. */
static uint32_t cbc_out(uint32_t *held, uint32_t n, bool holdback)
{
	uint32_t total = *held + n, out;

	out = holdback ? (total ? (total - 1) / 16 * 16 : 0) : total / 16 * 16;
	*held = total - out;
	return out;
}

/* Run in through session h as a stream of random steps; returns bytes out. */
static uint32_t stream(uint64_t h, uint32_t alg, uint32_t flags, const uint8_t *iv,
		       uint16_t ivl, const uint8_t *aad, uint32_t al, const uint8_t *in,
		       uint32_t n, uint8_t *out, uint8_t *tag)
{
	bool dec = flags & F_DEC, holdback = is_cbc(alg) && dec && !(flags & F_NOPAD);
	uint32_t off = 0, done = 0, held = 0, step, want, i;
	struct wdc_param p;
	struct wd_cqe c;
	bool first = true, last;

	do {
		i = rnd() % 4;
		step = rnd() % (i == 0 ? 17 : i == 1 ? 100 : n / 3 + 1);
		step = step > n - off ? n - off : step;
		last = off + step == n && (rnd() % 3 || step == 0);
		struct creq r = { .op = OP_SCIPHER, .alg = alg, .handle = h,
				  .flags = flags | (first ? F_INIT : 0) | (last ? F_FINAL : 0),
				  .src = in + off, .src_len = step, .dst = out + done,
				  .dst_len = n + 16 - done };
		if (first) {
			r.iv = iv;
			r.iv_len = ivl;
			r.aad = al ? aad : NULL;
			r.aad_len = al;
		}
		if (last && is_gcm(alg)) {
			r.tag_len = 16;
			r.tag = dec ? tag : NULL;
		}
		c = crun(&q, &p, &r);
		CHECK(c.status == 0, "alg %u flags %x step %u at %u: %d", alg, r.flags, step, off,
		      c.status);
		want = is_cbc(alg) ? cbc_out(&held, step, holdback) : step;
		if (is_cbc(alg) && last)
			want = c.produced;	/* final block: checked by the caller */
		CHECK(c.produced == want, "alg %u step %u: produced %u, want %u", alg, step,
		      c.produced, want);
		if (last && is_gcm(alg) && !dec)
			memcpy(tag, p.tag, 16);
		done += c.produced;
		off += step;
		first = false;
	} while (!last);
	return done;
}

static void one_case(uint32_t alg, uint32_t flags, uint32_t n, uint16_t ivl, uint32_t al,
		     const uint8_t *iv_override)
{
	static uint8_t in[(1 << 20) + 64], ct[(1 << 20) + 96], st[(1 << 20) + 96];
	uint8_t key[32], iv[64], aad[64], tag[16], stag[16];
	struct wdc_param p;
	struct wd_cqe c;
	uint32_t m;
	uint64_t h;

	fill(key, sizeof(key));
	fill(iv, sizeof(iv));
	if (iv_override)
		memcpy(iv, iv_override, 16);
	fill(aad, sizeof(aad));
	fill(in, n);
	struct creq r = { .op = OP_CIPHER, .alg = alg, .flags = F_MSG | flags, .key = key,
			  .key_len = keylen(alg), .iv = iv, .iv_len = ivl,
			  .tag_len = is_gcm(alg) ? 16 : 0, .aad = al ? aad : NULL, .aad_len = al,
			  .src = in, .src_len = n, .dst = ct, .dst_len = n + 16 };
	c = crun(&q, &p, &r);
	CHECK(c.status == 0, "one-shot alg %u n %u: %d", alg, n, c.status);
	m = c.produced;
	memcpy(tag, p.tag, 16);

	h = sopen(&q, alg, flags & F_NOPAD, key, keylen(alg));
	/* a session message equals the one-shot */
	r.op = OP_SCIPHER;
	r.key = NULL;
	r.key_len = 0;
	r.handle = h;
	r.dst = st;
	c = crun(&q, &p, &r);
	CHECK(c.status == 0 && c.produced == m && !memcmp(st, ct, m), "message alg %u", alg);
	CHECK(!is_gcm(alg) || !memcmp(p.tag, tag, 16), "message tag alg %u", alg);
	/* the stream, encrypting */
	memset(st, 0, m);
	CHECK(stream(h, alg, flags, iv, ivl, aad, al, in, n, st, stag) == m,
	      "stream length alg %u n %u", alg, n);
	CHECK(!memcmp(st, ct, m), "stream bytes alg %u n %u", alg, n);
	CHECK(!is_gcm(alg) || !memcmp(stag, tag, 16), "stream tag alg %u n %u", alg, n);
	/* and back */
	CHECK(stream(h, alg, flags | F_DEC, iv, ivl, aad, al, ct, m, st, tag) == n,
	      "decrypt stream length alg %u", alg);
	CHECK(!memcmp(st, in, n), "decrypt stream bytes alg %u n %u", alg, n);
	CHECK(sclose(&q, h) == 0, "close");
}

static void hash_case(uint32_t alg, uint32_t n)
{
	static uint8_t in[300000];
	uint8_t key[200], md[64], sd[64];
	uint32_t off, step, kl = alg >= HMAC256 ? rnd() % sizeof(key) : 0;
	struct wdc_param p;
	struct wd_cqe c;
	uint64_t h;
	int round;

	fill(in, n);
	fill(key, kl);
	struct creq r = { .op = OP_DIGEST, .alg = alg, .key = kl ? key : NULL, .key_len = kl,
			  .src = in, .src_len = n, .dst = md, .dst_len = 64 };
	c = crun(&q, &p, &r);
	CHECK(c.status == 0, "digest %u: %d", alg, c.status);
	h = sopen(&q, alg, 0, kl ? key : NULL, kl);
	for (round = 0; round < 2; round++) {	/* FINAL restarts the digest */
		for (off = 0;; off += step) {
			step = rnd() % (n / 4 + 2);
			step = step > n - off ? n - off : step;
			struct creq u = { .op = OP_SHASH, .alg = alg, .handle = h,
					  .flags = off + step == n ? F_FINAL : 0,
					  .src = in + off, .src_len = step, .dst = sd,
					  .dst_len = 64 };
			c = crun(&q, &p, &u);
			CHECK(c.status == 0, "update %u: %d", alg, c.status);
			if (u.flags)
				break;
			CHECK(c.produced == 0, "update output");
		}
		CHECK(!memcmp(sd, md, c.produced) && c.produced >= 20, "hash session %u n %u",
		      alg, n);
	}
	CHECK(sclose(&q, h) == 0, "close");
}

int main(void)
{
	static const uint8_t carry[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
					   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd };
	static const uint32_t sizes[] = { 0, 1, 15, 16, 17, 64, 1000, 4096, 70001 };
	uint32_t alg, i, a;

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	for (alg = GCM128; alg <= CBC256; alg++) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			uint32_t n = sizes[i];

			if (is_gcm(alg)) {
				one_case(alg, 0, n, 12, i % 3 ? 20 : 0, NULL);
				one_case(alg, 0, n, i % 2 ? 7 : 60, 33, NULL);
			} else if (is_cbc(alg)) {
				one_case(alg, 0, n, 16, 0, NULL);
				one_case(alg, F_NOPAD, n / 16 * 16, 16, 0, NULL);
			} else {
				one_case(alg, 0, n, 16, 0, i % 2 ? carry : NULL);
			}
		}
	}
	/* beyond the bounce buffer, in place of nothing: one big message each */
	one_case(GCM256, 0, (1 << 20) + 5, 12, 64, NULL);
	one_case(CTR128, 0, (1 << 20) + 3, 16, 0, carry);
	one_case(CBC192, 0, 1 << 20, 16, 0, NULL);
	for (a = SHA1; a <= HMAC512; a++) {
		if (a > SHA512 && a < HMAC256)
			continue;
		hash_case(a, 0);
		hash_case(a, 3);
		hash_case(a, 200000 + a);
	}
	wd_queue_close(&q);
	return T_PASS;
}
