// SPDX-License-Identifier: GPL-2.0
/*
 * Counter wrap-around against OpenSSL: AES-256-GCM with a 16-byte IV whose
 * J0 puts the 32-bit block counter 16470 blocks before its wrap (GCM wraps
 * the low 32 bits only; ctr(aes) would carry into the rest), and AES-256-CTR
 * with a counter that wraps all 128 bits after 16 blocks, each over
 * 1 MiB + 5 zero bytes, one-shot and as a session stream of odd steps. The
 * expected SHA-256 of each ciphertext and the GCM tag were computed with
 * OpenSSL (node:crypto) when the IV was searched for; the device hashes its
 * own output (SHA-256 is checked by t_crypto_kat).
 */
#include "t_crypto.h"

const char *wd_test_name = "crypto_wrap";

#define N ((1 << 20) + 5)

static struct wdq q;
static uint8_t zero[N], ct[N + 16];

static void sha256(const uint8_t *p, uint32_t n, uint8_t md[32])
{
	struct creq r = { .op = OP_DIGEST, .alg = SHA256, .src = p, .src_len = n, .dst = md,
			  .dst_len = 32 };
	struct wdc_param prm;

	CHECK(crun(&q, &prm, &r).status == 0, "sha256");
}

static void check(uint32_t alg, const char *iv_hex, const char *md_hex, const char *tag_hex)
{
	uint8_t key[32], iv[16], md[32], want[32], tag[16], st[16];
	uint32_t off, step, done = 0;
	struct wdc_param p;
	struct wd_cqe c;
	unsigned int i;
	uint64_t h;

	for (i = 0; i < 32; i++)
		key[i] = i;
	unhex(iv, iv_hex);
	unhex(want, md_hex);
	unhex(tag, tag_hex);
	struct creq r = { .op = OP_CIPHER, .alg = alg, .flags = F_MSG, .key = key, .key_len = 32,
			  .iv = iv, .iv_len = 16, .tag_len = alg == GCM256 ? 16 : 0, .src = zero,
			  .src_len = N, .dst = ct, .dst_len = N };
	c = crun(&q, &p, &r);
	CHECK(c.status == 0 && c.produced == N, "one-shot alg %u: %d", alg, c.status);
	sha256(ct, N, md);
	CHECK(!memcmp(md, want, 32), "alg %u: ciphertext differs from OpenSSL's", alg);
	CHECK(alg != GCM256 || !memcmp(p.tag, tag, 16), "GCM tag differs from OpenSSL's");

	/* the same as a stream of odd steps: the wrap falls inside a step */
	h = sopen(&q, alg, 0, key, 32);
	memset(ct, 0, N);
	for (off = 0; off < N; off += step) {
		step = N - off < 77777 ? N - off : 77777;
		struct creq s = { .op = OP_SCIPHER, .alg = alg, .handle = h,
				  .flags = (off ? 0 : F_INIT) | (off + step == N ? F_FINAL : 0),
				  .src = zero + off, .src_len = step, .dst = ct + done,
				  .dst_len = N - done };
		if (!off) {
			s.iv = iv;
			s.iv_len = 16;
		}
		if (off + step == N && alg == GCM256)
			s.tag_len = 16;
		c = crun(&q, &p, &s);
		CHECK(c.status == 0 && c.produced == step, "step at %u: %d", off, c.status);
		done += c.produced;
		if (s.tag_len)
			memcpy(st, p.tag, 16);
	}
	sha256(ct, N, md);
	CHECK(!memcmp(md, want, 32), "alg %u: streamed ciphertext differs", alg);
	CHECK(alg != GCM256 || !memcmp(st, tag, 16), "streamed GCM tag differs");
	CHECK(sclose(&q, h) == 0, "close");
}

int main(void)
{
	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	check(GCM256, "00015a19000000000000000000000000",
	      "7dc8af26be1bbbf0d41387c4008a4040c271e17fab91c5d2bd39301125868289",
	      "58ff413f0f6f3736be1b7b413c7eb7d0");
	check(CTR256, "fffffffffffffffffffffffffffffff0",
	      "fc34a9357d6eb7a7cb7d2c14b9be6a4ef721492624afe11c839bcd2013665303",
	      "00000000000000000000000000000000");
	wd_queue_close(&q);
	return T_PASS;
}
