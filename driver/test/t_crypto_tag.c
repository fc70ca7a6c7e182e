// SPDX-License-Identifier: GPL-2.0
/*
 * Authentication and padding failures: GCM decryption with a wrong tag (any
 * accepted tag length) is -EBADMSG and every byte the request wrote is zero,
 * nothing beyond it touched; in a stream only the failing step's output is
 * wiped. CBC with bad PKCS#7 padding (or nothing to unpad) is -EBADMSG,
 * output zeroed too.
 */
#include "t_crypto.h"

const char *wd_test_name = "crypto_tag";

static struct wdq q;

static bool all(const uint8_t *b, size_t n, uint8_t v)
{
	while (n--)
		if (*b++ != v)
			return false;
	return true;
}

int main(void)
{
	static const uint16_t tls[] = { 4, 8, 12, 13, 14, 15, 16 };
	uint8_t key[32], iv[16], pt[300], ct[320], out[340], tag[16], bad[16];
	struct wdc_param p;
	struct wd_cqe c;
	unsigned int i;
	uint64_t h;

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	for (i = 0; i < sizeof(key); i++)
		key[i] = i * 7;
	memset(iv, 3, sizeof(iv));
	for (i = 0; i < sizeof(pt); i++)
		pt[i] = i;

	for (i = 0; i < ARRAY_SIZE(tls); i++) {
		uint16_t tl = tls[i];
		struct creq r = { .op = OP_CIPHER, .alg = GCM256, .flags = F_MSG, .key = key,
				  .key_len = 32, .iv = iv, .iv_len = 12, .tag_len = tl,
				  .src = pt, .src_len = 300, .dst = ct, .dst_len = 300 };

		c = crun(&q, &p, &r);
		CHECK(c.status == 0, "encrypt tl %u", tl);
		memcpy(tag, p.tag, tl);
		CHECK(all(p.tag + tl, 16 - tl, 0), "tag beyond tag_len written (tl %u)", tl);
		memcpy(bad, tag, tl);
		bad[tl - 1] ^= 0x80;
		memset(out, 0xaa, sizeof(out));
		r.flags |= F_DEC;
		r.src = ct;
		r.dst = out;
		r.tag = bad;
		c = crun(&q, &p, &r);
		CHECK(c.status == -EBADMSG, "bad tag tl %u: %d", tl, c.status);
		CHECK(all(out, 300, 0) && all(out + 300, 40, 0xaa), "output not wiped (tl %u)",
		      tl);
		r.tag = tag;
		c = crun(&q, &p, &r);
		CHECK(c.status == 0 && !memcmp(out, pt, 300), "good tag tl %u: %d", tl, c.status);
	}

	/* stream: the first step's plaintext stays, the final step's is wiped */
	h = sopen(&q, GCM256, 0, key, 32);
	{
		struct creq s1 = { .op = OP_SCIPHER, .alg = GCM256, .handle = h,
				   .flags = F_DEC | F_INIT, .iv = iv, .iv_len = 12,
				   .src = ct, .src_len = 100, .dst = out, .dst_len = 100 };
		struct creq s2 = { .op = OP_SCIPHER, .alg = GCM256, .handle = h,
				   .flags = F_DEC | F_FINAL, .tag_len = 16, .tag = bad,
				   .src = ct + 100, .src_len = 200, .dst = out + 100,
				   .dst_len = 240 };

		memset(bad, 0, 16);
		memset(out, 0xaa, sizeof(out));
		c = crun(&q, &p, &s1);
		CHECK(c.status == 0 && c.produced == 100, "stream step: %d", c.status);
		c = crun(&q, &p, &s2);
		CHECK(c.status == -EBADMSG, "stream bad tag: %d", c.status);
		CHECK(!memcmp(out, pt, 100) && all(out + 100, 200, 0) &&
		      all(out + 300, 40, 0xaa), "stream wipe");
		/* the stream ended: another update is refused */
		s2.flags = F_DEC;
		s2.tag_len = 0;
		s2.tag = NULL;
		c = crun(&q, &p, &s2);
		CHECK(c.status == -EINVAL, "update after a failed final: %d", c.status);
	}
	CHECK(sclose(&q, h) == 0, "close");

	/* CBC: bad padding, and an empty message, both -EBADMSG */
	{
		struct creq r = { .op = OP_CIPHER, .alg = CBC128, .flags = F_MSG | F_NOPAD,
				  .key = key, .key_len = 16, .iv = iv, .iv_len = 16,
				  .src = pt, .src_len = 64, .dst = ct, .dst_len = 64 };

		memcpy(pt + 48, "0123456789abcdef", 16);	/* not a valid pad */
		c = crun(&q, &p, &r);
		CHECK(c.status == 0, "cbc nopad encrypt");
		r.flags = F_MSG | F_DEC;
		r.src = ct;
		r.dst = out;
		r.dst_len = 80;
		memset(out, 0xaa, sizeof(out));
		c = crun(&q, &p, &r);
		CHECK(c.status == -EBADMSG, "bad padding: %d", c.status);
		/* EVP held the last block back: 48 bytes were out, and are wiped */
		CHECK(all(out, 48, 0) && all(out + 48, 56, 0xaa), "padding failure wipe");
		r.src = NULL;
		r.src_len = 0;
		c = crun(&q, &p, &r);
		CHECK(c.status == -EBADMSG, "empty CBC decrypt: %d", c.status);
		r.flags |= F_NOPAD;
		c = crun(&q, &p, &r);
		CHECK(c.status == 0 && c.produced == 0, "empty CBC nopad decrypt: %d", c.status);
	}
	wd_queue_close(&q);
	return T_PASS;
}
