// SPDX-License-Identifier: GPL-2.0
/*
 * Every malformed crypto request is refused with the in-process engine's
 * status and writes nothing: bad lengths (param_len, key, IV, tag), reserved
 * fields, flags, AAD where none belongs, unknown algorithms, a dst too small
 * (-ENOSPC), opcodes past DIGEST_BATCH (-EOPNOTSUPP).
 */
#include "t_crypto.h"

const char *wd_test_name = "crypto_badparam";

static struct wdq q;
static uint8_t key[1100], iv[200], src[64], dst[96];

static void expect_sqe(struct wd_sqe *s, int status, const char *what)
{
	struct wd_cqe c;
	unsigned int i;

	memset(dst, 0xaa, sizeof(dst));
	CHECK(!wd_run_one(&q, s, &c), "%s: no CQE", what);
	CHECK(c.status == status, "%s: status %d, want %d", what, c.status, status);
	if (status)
		for (i = 0; i < sizeof(dst); i++)
			CHECK(dst[i] == 0xaa, "%s: dst written", what);
}

/* A valid AES-256-GCM encryption of 64 bytes, to be broken one field at a time. */
static struct creq gcm(void)
{
	return (struct creq){ .op = OP_CIPHER, .alg = GCM256, .flags = F_MSG, .key = key,
			      .key_len = 32, .iv = iv, .iv_len = 12, .tag_len = 16,
			      .src = src, .src_len = 64, .dst = dst, .dst_len = 64 };
}

static void expect(struct creq r, int status, const char *what)
{
	struct wdc_param p;
	struct wd_sqe s;

	creq_sqe(&s, &p, &r);
	expect_sqe(&s, status, what);
}

int main(void)
{
	struct wdc_param p;
	struct creq r;
	struct wd_sqe s;
	uint64_t h;

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	expect(gcm(), 0, "the valid request");

	/* SQE fields */
	r = gcm();
	creq_sqe(&s, &p, &r);
	s.param_len++;
	expect_sqe(&s, -EINVAL, "param_len one more");
	creq_sqe(&s, &p, &r);
	s.param_len = 40;
	expect_sqe(&s, -EINVAL, "param_len short");
	creq_sqe(&s, &p, &r);
	s.param_addr = 0;
	expect_sqe(&s, -EINVAL, "no param block");
	creq_sqe(&s, &p, &r);
	s.flags = WD_SQE_F_SRC_SGL;
	expect_sqe(&s, -EINVAL, "SGL");
	creq_sqe(&s, &p, &r);
	s.op_flags = 1;
	expect_sqe(&s, -EINVAL, "op_flags");
	creq_sqe(&s, &p, &r);
	s.aux = 1;
	expect_sqe(&s, -EINVAL, "aux");
	creq_sqe(&s, &p, &r);
	s.ctx_addr = 1;
	expect_sqe(&s, -EINVAL, "ctx_addr on one-shot");
	creq_sqe(&s, &p, &r);
	p.resv0 = 1;
	expect_sqe(&s, -EINVAL, "resv0");
	creq_sqe(&s, &p, &r);
	p.resv1 = 1;
	expect_sqe(&s, -EINVAL, "resv1");

	/* param fields */
	r = gcm(); r.key_len = 16;		expect(r, -EINVAL, "AES-256 with a 16-byte key");
	r = gcm(); r.key_len = 0;		expect(r, -EINVAL, "no key");
	r = gcm(); r.iv_len = 0;		expect(r, -EINVAL, "GCM IV of 0");
	r = gcm(); r.iv_len = 129;		expect(r, -EINVAL, "GCM IV of 129");
	r = gcm(); r.tag_len = 10;		expect(r, -EINVAL, "tag_len 10");
	r = gcm(); r.tag_len = 17;		expect(r, -EINVAL, "tag_len 17");
	r = gcm(); r.tag_len = 0;		expect(r, -EINVAL, "tag_len 0");
	r = gcm(); r.flags |= F_NOPAD;		expect(r, -EINVAL, "NOPAD on GCM");
	r = gcm(); r.flags |= 0x10;		expect(r, -EINVAL, "unknown flag");
	r = gcm(); r.flags = F_INIT;		expect(r, -EINVAL, "one-shot without FINAL");
	r = gcm(); r.alg = 10;			expect(r, -EINVAL, "alg 10");
	r = gcm(); r.alg = SHA256;		expect(r, -EINVAL, "a hash as cipher");
	r = gcm(); r.aad_len = 5;		expect(r, -EINVAL, "aad_len without address");
	r = gcm(); r.aad = src;			expect(r, -EINVAL, "AAD address without length");
	r = gcm(); r.dst_len = 63;		expect(r, -ENOSPC, "dst one byte short");
	r = gcm(); r.alg = CTR256; r.iv_len = 16; r.tag_len = 0; r.aad = src; r.aad_len = 4;
	expect(r, -EINVAL, "AAD on CTR");
	r = gcm(); r.alg = CTR256; r.iv_len = 16;
	expect(r, -EINVAL, "tag_len on CTR");
	r = gcm(); r.alg = CBC256; r.iv_len = 12; r.tag_len = 0; r.dst_len = 80;
	expect(r, -EINVAL, "CBC IV of 12");
	r = gcm(); r.alg = CBC256; r.iv_len = 16; r.tag_len = 0;
	expect(r, -ENOSPC, "CBC padding needs a block more");
	r.dst_len = 80;				expect(r, 0, "CBC with room for the pad");
	r.flags |= F_DEC; r.src_len = 33;	expect(r, -EINVAL, "CBC ciphertext of 33");
	r.flags = F_MSG | F_NOPAD; r.src_len = 17;
	expect(r, -EINVAL, "CBC NOPAD partial block");

	/* digests */
	r = (struct creq){ .op = OP_DIGEST, .alg = SHA512, .src = src, .src_len = 64,
			   .dst = dst, .dst_len = 63 };
	expect(r, -ENOSPC, "digest dst 63 for SHA-512");
	r.dst_len = 64;				expect(r, 0, "digest");
	r.key = key; r.key_len = 16;		expect(r, -EINVAL, "SHA-512 with a key");
	r.alg = HMAC512;			expect(r, 0, "HMAC");
	r.key_len = 1025;			expect(r, -EINVAL, "HMAC key of 1025");
	r.key_len = 1024;			expect(r, 0, "HMAC key of 1024");
	r.flags = F_FINAL;			expect(r, -EINVAL, "digest flags");
	r.flags = 0; r.iv = iv; r.iv_len = 16;	expect(r, -EINVAL, "digest IV");
	r.iv_len = 0; r.alg = 21;		expect(r, -EINVAL, "alg 21");
	r.alg = 35;				expect(r, -EINVAL, "alg 35");

	/* opcodes past DIGEST_BATCH, INFO's own fields */
	memset(&s, 0, sizeof(s));
	s.opcode = 0x49;
	expect_sqe(&s, -EOPNOTSUPP, "opcode 0x49");
	s.opcode = 0x7f;
	expect_sqe(&s, -EOPNOTSUPP, "opcode 0x7f");
	s.opcode = OP_INFO;
	s.dst_addr = (uintptr_t)dst;
	s.dst_len = 8;
	expect_sqe(&s, -ENOSPC, "INFO into 8 bytes");
	s.src_addr = (uintptr_t)src;
	s.src_len = 4;
	expect_sqe(&s, -EINVAL, "INFO with src");

	/* sessions */
	r = (struct creq){ .op = OP_OPEN, .alg = GCM128, .key = key, .key_len = 16 };
	expect(r, 0, "open");
	r.flags = F_INIT;			expect(r, -EINVAL, "open with INIT");
	r.flags = 0; r.key_len = 24;		expect(r, -EINVAL, "open GCM-128 with 24 bytes");
	r.key_len = 16; r.src = src; r.src_len = 4;
	expect(r, -EINVAL, "open with src");
	r.src = NULL; r.src_len = 0; r.alg = 12;
	expect(r, -EINVAL, "open alg 12");
	r.alg = SHA1;				expect(r, -EINVAL, "open SHA-1 with a key");
	h = sopen(&q, CTR128, 0, key, 16);
	r = (struct creq){ .op = OP_CLOSE, .alg = CTR128, .handle = h };
	expect(r, -EINVAL, "close with alg");
	r = (struct creq){ .op = OP_SCIPHER, .alg = CTR128, .flags = F_MSG, .key = key,
			   .key_len = 16, .iv = iv, .iv_len = 16, .src = src, .src_len = 16,
			   .dst = dst, .dst_len = 16, .handle = h };
	expect(r, -EINVAL, "session cipher with a key");
	r.key = NULL; r.key_len = 0;		expect(r, 0, "session message");
	r.alg = CTR256;				expect(r, -EINVAL, "session of another alg");
	r.alg = CTR128; r.op = OP_SHASH; r.iv_len = 0; r.flags = F_FINAL;
	expect(r, -EINVAL, "hash step on a cipher session");
	r.op = OP_SCIPHER; r.flags = F_INIT; r.iv_len = 16; r.dst_len = 15;
	expect(r, -ENOSPC, "stream step into a short dst");
	CHECK(sclose(&q, h) == 0, "close");

	/* INFO still works: nothing leaked from the above */
	{
		char text[512];

		CHECK(sinfo(&q, text, sizeof(text)) == 1, "the open session is live");
		CHECK(strstr(text, "Linux") && strstr(text, "ghash"), "info text: %s", text);
		printf("%s: %s", wd_test_name, text);
	}
	wd_queue_close(&q);
	return T_PASS;
}
