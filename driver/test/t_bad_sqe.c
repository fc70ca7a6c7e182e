// SPDX-License-Identifier: GPL-2.0
/* Every malformed SQE field ends in an error CQE, never in a hung queue. */
#include <string.h>

#include "wd_test.h"

const char *wd_test_name = "bad_sqe";

static struct wdq q;
static uint8_t buf[4096];

static void expect(const struct wd_sqe *s, int status, const char *what)
{
	struct wd_cqe c;

	CHECK(!wd_run_one(&q, s, &c), "%s: no CQE", what);
	CHECK(c.user_data == s->user_data, "%s: user_data", what);
	CHECK(c.status == status, "%s: status %d, want %d", what, c.status,
	      status);
}

int main(void)
{
	struct wd_sgl_entry e[2] = { { (uintptr_t)buf, 16, 0 },
				     { (uintptr_t)buf, 16, 0 } };
	struct wd_sqe s;
	unsigned int op;

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 4), "open");

	wd_prep_nop(&s, 1); s.resv0 = 1;	expect(&s, -EINVAL, "resv0");
	wd_prep_nop(&s, 2); s.flags = 0x8;	expect(&s, -EINVAL, "flag 0x8");
	wd_prep_nop(&s, 3); s.flags = 0x80;	expect(&s, -EINVAL, "flag 0x80");
	wd_prep_nop(&s, 4); s.flags = WD_SQE_F_FENCE; expect(&s, 0, "fence");
	for (op = 3; op < 256; op++) {
		if (op >= 0x10 && op <= 0x16)
			continue;	/* the zip opcodes: t_zip_* */
		if (op >= 0x40 && op <= 0x48)	/* the crypto engine's: t_crypto_* */
			continue;
		wd_prep_nop(&s, 1000 + op);
		s.opcode = op;
		expect(&s, -EOPNOTSUPP, "unknown opcode");
	}
	/* NOP touches nothing: any operand is malformed */
	wd_prep_nop(&s, 5); s.src_addr = 1;	expect(&s, -EINVAL, "nop src");
	wd_prep_nop(&s, 6); s.dst_len = 1;	expect(&s, -EINVAL, "nop dst_len");
	wd_prep_nop(&s, 7); s.aux = 1;		expect(&s, -EINVAL, "nop aux");
	wd_prep_nop(&s, 8); s.op_flags = 1;	expect(&s, -EINVAL, "nop op_flags");
	wd_prep_nop(&s, 9); s.ctx_addr = 8;	expect(&s, -EINVAL, "nop ctx");
	wd_prep_nop(&s, 10); s.param_len = 8;	expect(&s, -EINVAL, "nop param");
	wd_prep_nop(&s, 11); s.flags = WD_SQE_F_SRC_SGL;
	expect(&s, -EINVAL, "nop sgl");

	wd_prep_copy(&s, buf, 16, buf + 64, 16, 20); s.aux = 1;
	expect(&s, -EINVAL, "copy aux");
	wd_prep_copy(&s, buf, 16, buf + 64, 16, 21); s.param_addr = 1;
	expect(&s, -EINVAL, "copy param");
	wd_prep_copy(&s, buf, 16, buf + 64, 16, 22); s.op_flags = 1;
	expect(&s, -EINVAL, "copy op_flags");
	wd_prep_copy(&s, e, 65537, buf, 16, 23); s.flags = WD_SQE_F_SRC_SGL;
	expect(&s, -EINVAL, "too many sgl entries");
	e[1].resv = 1;
	wd_prep_copy(&s, e, 2, buf + 64, 64, 24); s.flags = WD_SQE_F_SRC_SGL;
	expect(&s, -EINVAL, "sgl resv");
	e[1].resv = 0;
	e[0].len = 0xffffffff;
	e[1].len = 2;
	wd_prep_copy(&s, e, 2, buf, 16, 25); s.flags = WD_SQE_F_SRC_SGL;
	expect(&s, -EINVAL, "sgl total > 4 GiB");
	e[0].addr = 0;
	e[0].len = 1;
	wd_prep_copy(&s, e, 2, buf, 16, 26); s.flags = WD_SQE_F_SRC_SGL;
	expect(&s, -EFAULT, "sgl NULL entry");
	wd_prep_copy(&s, NULL, 16, buf, 16, 27);
	expect(&s, -EFAULT, "NULL src");
	wd_prep_copy(&s, (void *)-8L, 16, buf, 16, 28);
	expect(&s, -EFAULT, "wrapping src");

	wd_prep_crc32(&s, buf, 16, 0, 30); s.dst_addr = (uintptr_t)buf;
	expect(&s, -EINVAL, "crc dst");
	wd_prep_crc32(&s, buf, 16, 0, 31); s.flags = WD_SQE_F_DST_SGL;
	expect(&s, -EINVAL, "crc dst sgl");
	wd_prep_crc32(&s, buf, 16, 0, 32); s.ctx_addr = 1;
	expect(&s, -EINVAL, "crc ctx");

	/* a fresh queue after all those errors */
	wd_queue_close(&q);
	CHECK(!wd_queue_open(&q, 0, 4), "queue still usable");
	wd_prep_nop(&s, 99);
	expect(&s, 0, "final nop");
	wd_queue_close(&q);
	return T_PASS;
}
