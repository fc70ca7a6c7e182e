// SPDX-License-Identifier: GPL-2.0
/*
 * Crypto requests reach every address through the owner's mm: an unmapped,
 * read-only or kernel src, dst, param block or AAD pointer (inside the
 * param block) is -EFAULT, a GCM tag written into a read-only param block
 * too, and the queue keeps working. In no-SVA mode the same requests work
 * with offsets into the data region, and offsets past it fault.
 */
#include <sys/mman.h>

#include "t_crypto.h"

const char *wd_test_name = "crypto_efault";

static struct wdq q;

static int run(struct creq *r, struct wdc_param *p)
{
	return crun(&q, p, r).status;
}

int main(void)
{
	void *kern = (void *)0xffffffff81000000UL;
	long pg = getpagesize();
	uint8_t key[32] = { 1 }, iv[16] = { 2 }, buf[256], out[256], want[100], wtag[16];
	uint8_t *hole, *ro;
	struct wdc_param p, *rop;
	struct creq r;
	struct wd_sqe s;
	struct wd_cqe c;

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	hole = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(hole != MAP_FAILED, "mmap");
	munmap(hole, 2 * pg);
	ro = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED, "mmap ro");
	memset(buf, 5, sizeof(buf));

	r = (struct creq){ .op = OP_CIPHER, .alg = GCM256, .flags = F_MSG, .key = key,
			   .key_len = 32, .iv = iv, .iv_len = 12, .tag_len = 16, .aad = buf,
			   .aad_len = 20, .src = buf, .src_len = 100, .dst = out, .dst_len = 100 };
	CHECK(run(&r, &p) == 0, "valid");
	r.aad = hole;		CHECK(run(&r, &p) == -EFAULT, "unmapped AAD");
	r.aad = kern;		CHECK(run(&r, &p) == -EFAULT, "kernel AAD");
	r.aad = buf + 250;	CHECK(run(&r, &p) == 0, "AAD in range");
	r.aad = ro + pg - 10;
	if (ro + pg == hole)
		CHECK(run(&r, &p) == -EFAULT, "AAD running off the end");
	r.aad = buf;
	r.src = hole;		CHECK(run(&r, &p) == -EFAULT, "unmapped src");
	r.src = kern;		CHECK(run(&r, &p) == -EFAULT, "kernel src");
	r.src = buf;
	r.dst = hole;		CHECK(run(&r, &p) == -EFAULT, "unmapped dst");
	r.dst = kern;		CHECK(run(&r, &p) == -EFAULT, "kernel dst");
	r.dst = out;

	/* the param block itself */
	creq_sqe(&s, &p, &r);
	s.param_addr = (uintptr_t)hole;
	CHECK(!wd_run_one(&q, &s, &c) && c.status == -EFAULT, "unmapped param: %d", c.status);
	s.param_addr = (uintptr_t)kern;
	CHECK(!wd_run_one(&q, &s, &c) && c.status == -EFAULT, "kernel param: %d", c.status);
	/* the tag is written into the block: a read-only one faults */
	rop = (struct wdc_param *)ro;
	param_fill(rop, &r);
	CHECK(!mprotect(ro, pg, PROT_READ), "mprotect");
	s.param_addr = (uintptr_t)rop;
	CHECK(!wd_run_one(&q, &s, &c) && c.status == -EFAULT, "read-only param: %d", c.status);

	/* digests and sessions */
	r = (struct creq){ .op = OP_DIGEST, .alg = SHA256, .src = hole, .src_len = 10,
			   .dst = out, .dst_len = 32 };
	CHECK(run(&r, &p) == -EFAULT, "digest of unmapped");
	r.src = buf;
	r.dst = ro;		CHECK(run(&r, &p) == -EFAULT, "digest into read-only");
	r.dst = out;		CHECK(run(&r, &p) == 0, "digest");
	{
		uint64_t h = sopen(&q, HMAC256, 0, key, 32);
		struct creq u = { .op = OP_SHASH, .alg = HMAC256, .handle = h, .src = kern,
				  .src_len = 64 };

		CHECK(run(&u, &p) == -EFAULT, "hash session update from kernel");
		u.src = buf;
		u.flags = F_FINAL;
		u.dst = hole;
		u.dst_len = 32;
		CHECK(run(&u, &p) == -EFAULT, "hash session final into a hole");
		/* the failed final still restarted the digest */
		{
			uint8_t want[32];
			struct creq d = { .op = OP_DIGEST, .alg = HMAC256, .key = key,
					  .key_len = 32, .src = buf, .src_len = 64, .dst = want,
					  .dst_len = 32 };

			CHECK(run(&d, &p) == 0, "one-shot HMAC");
			u.src_len = 64;
			u.dst = out;
			CHECK(run(&u, &p) == 0 && !memcmp(out, want, 32),
			      "session after a failed final");
		}
		CHECK(sclose(&q, h) == 0, "close");
	}
	/* the queue still works; the reference for the no-SVA queue below */
	r = (struct creq){ .op = OP_CIPHER, .alg = GCM128, .flags = F_MSG, .key = key,
			   .key_len = 16, .iv = iv, .iv_len = 12, .tag_len = 16, .aad = buf,
			   .aad_len = 20, .src = buf, .src_len = 100, .dst = want, .dst_len = 100 };
	CHECK(run(&r, &p) == 0, "still works");
	memcpy(wtag, p.tag, 16);
	wd_queue_close(&q);

	/* no-SVA: addresses are offsets into the data region */
	{
		struct wd_soft_qp_params qp = { .sq_entries = 16, .features = WD_FEAT_NOSVA,
						.data_bytes = 64 << 10 };
		uint8_t *d;

		CHECK(!wd_queue_open_params(&q, 0, &qp) && !wd_queue_start(&q), "no-SVA open");
		d = q.data;
		r = (struct creq){ .op = OP_CIPHER, .alg = GCM128, .flags = F_MSG, .key = key,
				   .key_len = 16, .iv = iv, .iv_len = 12, .tag_len = 16,
				   .aad = (void *)1800, .aad_len = 20, .src = (void *)2048,
				   .src_len = 100, .dst = (void *)4096, .dst_len = 100 };
		/* offset 0 would be "no param block": the block lives at 512 */
		param_fill((struct wdc_param *)(d + 512), &r);
		memset(d + 1800, 5, 20);
		memset(d + 2048, 5, 100);
		memset(&s, 0, sizeof(s));
		s.opcode = OP_CIPHER;
		s.param_addr = 512;
		s.param_len = 48 + 12 + 16;
		s.src_addr = 2048;
		s.src_len = 100;
		s.dst_addr = 4096;
		s.dst_len = 100;
		CHECK(!wd_run_one(&q, &s, &c) && c.status == 0, "no-SVA GCM: %d", c.status);
		CHECK(c.produced == 100 && !memcmp(d + 4096, want, 100) &&
		      !memcmp(((struct wdc_param *)(d + 512))->tag, wtag, 16),
		      "no-SVA output differs from SVA");
		((struct wdc_param *)(d + 512))->aad_addr = q.data_bytes - 4;
		CHECK(!wd_run_one(&q, &s, &c) && c.status == -EFAULT, "no-SVA AAD past the end");
		((struct wdc_param *)(d + 512))->aad_addr = 1800;
		s.dst_addr = q.data_bytes - 50;
		CHECK(!wd_run_one(&q, &s, &c) && c.status == -EFAULT, "no-SVA dst past the end");
		s.dst_addr = 4096;
		s.param_addr = q.data_bytes - 20;
		CHECK(!wd_run_one(&q, &s, &c) && c.status == -EFAULT, "no-SVA param past the end");
		wd_queue_close(&q);
	}
	return T_PASS;
}
