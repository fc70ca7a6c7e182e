// SPDX-License-Identifier: GPL-2.0
/*
 * 100,000 random descriptors (opcodes, flags, addresses, lengths, SGLs;
 * one in eight a crypto request with a mostly valid parameter block) plus
 * garbage written into the ring indices: every sane descriptor gets exactly
 * one CQE with an allowed status, the kernel logs no oops/WARN (the runner
 * checks the console) and the queue still works afterwards.
 */
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wd_test.h"

const char *wd_test_name = "fuzz";

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint8_t *buf, *hole;
static struct wd_sgl_entry *sgl;
#define BUF_LEN (1 << 20)

/* No-SVA phase: addresses are offsets into a data region of this size. */
static uint64_t nosva_bytes;

static uint64_t rnd_offset(void)
{
	switch (rnd() % 6) {
	case 0: return 0;
	case 1: return nosva_bytes - rnd() % 64;
	case 2: return nosva_bytes + rnd() % 64;
	case 3: return rnd();
	default: return rnd() % nosva_bytes;
	}
}

static uint32_t rnd_len(void);

static uint64_t rnd_addr(void)
{
	if (nosva_bytes)
		return rnd_offset();
	switch (rnd() % 8) {
	case 0: return 0;
	case 1: return 0xffffffff81000000ULL + (rnd() % 0x100000);
	case 2: return (uintptr_t)hole + rnd() % 4096;
	case 3: return rnd();
	case 4: return (uintptr_t)sgl;
	default: return (uintptr_t)buf + rnd() % BUF_LEN;
	}
}

/* A destination: invalid, or inside buf with a length that stays inside. */
static void rnd_dst(__u64 *addr, __u32 *len)
{
	uint32_t off = rnd() % BUF_LEN;

	if (nosva_bytes) {	/* the device keeps every write in the region */
		*addr = rnd_offset();
		*len = rnd_len();
		return;
	}
	if (rnd() % 4) {
		*addr = (uintptr_t)buf + off;
		*len = rnd() % (BUF_LEN - off + 1);
		if (rnd() % 2)
			*len %= 8192;
		return;
	}
	do {
		*addr = rnd_addr();
	} while (*addr == (uintptr_t)sgl ||
		 (*addr >= (uintptr_t)buf && *addr < (uintptr_t)buf + BUF_LEN));
	*len = rnd_len();
}

static uint32_t rnd_len(void)
{
	switch (rnd() % 6) {
	case 0: return 0;
	case 1: return rnd();
	case 2: return rnd() % 16;
	default: return rnd() % 8192;
	}
}

/*
 * Crypto engine (0x40-0x47): a parameter block that is mostly well formed
 * (valid algorithm, key/IV/tag lengths, AAD), so requests get past parsing
 * and run; ctx_addr is a small handle that often names a live session.
 */
static struct {
	uint32_t alg, flags;
	uint16_t key_len, iv_len, tag_len, resv0;
	uint64_t aad_addr;
	uint32_t aad_len, resv1;
	uint8_t tag[16], rest[128 + 1024];
} fparam;

static void rnd_crypto(struct wd_sqe *s)
{
	static const uint32_t algs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 18, 19, 20,
					 32, 33, 34 };
	uint32_t alg = rnd() % 4 ? algs[rnd() % 17] : rnd() % 40;

	s->opcode = 0x40 + rnd() % 8;
	fparam.alg = alg;
	fparam.flags = rnd() % 8 ? rnd() % 16 : rnd();
	fparam.key_len = alg >= 1 && alg <= 9 ? 16 + 8 * ((alg - 1) % 3) :
			 alg >= 32 ? rnd() % 200 : 0;
	if (!(rnd() % 8))
		fparam.key_len = rnd() % 1100;
	fparam.iv_len = fparam.flags & 4 ? (alg <= 3 ? (rnd() % 2 ? 12 : rnd() % 130) : 16) : 0;
	if (!(rnd() % 8))
		fparam.iv_len = rnd() % 130;
	fparam.tag_len = rnd() % 2 ? 16 : rnd() % 18;
	fparam.resv0 = rnd() % 64 ? 0 : 1;
	fparam.resv1 = rnd() % 64 ? 0 : 1;
	fparam.aad_addr = rnd() % 4 ? 0 : rnd_addr();
	fparam.aad_len = fparam.aad_addr ? rnd_len() % 4096 : 0;
	memcpy(fparam.rest, buf, sizeof(fparam.rest));	/* some IV and key */
	s->param_addr = nosva_bytes || !(rnd() % 16) ? rnd_addr() : (uintptr_t)&fparam;
	s->param_len = 48 + fparam.iv_len + fparam.key_len;
	if (!(rnd() % 16))
		s->param_len = rnd() % 2000;
	s->src_addr = rnd_addr();
	s->src_len = rnd_len() % 16384;
	rnd_dst(&s->dst_addr, &s->dst_len);
	s->ctx_addr = rnd() % 2 ? ((rnd() % 64) << 32) | (rnd() % 16) : 0;
}

static void rnd_sqe(struct wd_sqe *s, uint64_t ud)
{
	memset(s, 0, sizeof(*s));
	if (!(rnd() % 8)) {
		rnd_crypto(s);
		s->user_data = ud;
		return;
	}
	s->opcode = rnd() % 4 ? rnd() % 3 : rnd();
	s->flags = rnd() % 4 ? rnd() % 4 : rnd();
	if (!(rnd() % 16))
		s->resv0 = rnd();
	if (!(rnd() % 16))
		s->op_flags = rnd();
	s->user_data = ud;
	s->src_addr = rnd_addr();
	s->src_len = (s->flags & WD_SQE_F_SRC_SGL) ? rnd() % 20 : rnd_len();
	if (s->opcode != WD_OP_CRC32 || !(rnd() % 8)) {
		rnd_dst(&s->dst_addr, &s->dst_len);
		if (s->flags & WD_SQE_F_DST_SGL) {
			s->dst_addr = nosva_bytes ? rnd_offset() :
				      rnd() % 4 ? (uintptr_t)sgl :
				      0xffffffff81000000ULL;
			s->dst_len = rnd() % 20;
		}
	}
	if (s->opcode == WD_OP_CRC32)
		s->aux = rnd();
	if (!(rnd() % 32))
		s->ctx_addr = rnd_addr();
	if (!(rnd() % 32))
		s->param_len = rnd();
}

/* Opcode of each descriptor in flight, by user_data. */
static uint8_t opcodes[4096];

static bool allowed(int st, uint8_t opcode)
{
	/* crypto: tag/padding failures, stale handles, a full session table */
	if (opcode >= 0x40 && opcode <= 0x7f &&
	    (st == -EBADMSG || st == -EBADF || st == -ENOMEM))
		return true;
	return st == 0 || st == -EINVAL || st == -EFAULT || st == -ENOSPC ||
	       st == -EOPNOTSUPP;
}

static void corrupt_indices(struct wdq *q)
{
	uint32_t tail = *q->sq_tail, head = *q->cq_head, d0 = *q->sq_dropped;
	uint32_t sq_head = *q->sq_head;
	struct wd_cqe c;
	int i;

	/* a tail far beyond the ring: dropped counts it, nothing consumed */
	__atomic_store_n(q->sq_tail, tail + q->sq_entries + 1 + rnd() % 1000,
			 __ATOMIC_RELEASE);
	ioctl(q->fd, WD_SOFT_IOCTL_DOORBELL);
	for (i = 0; i < 1000 && *q->sq_dropped == d0; i++)
		usleep(1000);
	CHECK(!wd_peek_cqe(q, &c), "consumed past a bogus tail");
	CHECK(*q->sq_dropped > d0, "dropped not counted");
	__atomic_store_n(q->sq_tail, tail, __ATOMIC_RELEASE);
	/* a bogus cq.head: the device waits rather than overwriting */
	__atomic_store_n(q->cq_head, head + 12345, __ATOMIC_RELEASE);
	ioctl(q->fd, WD_SOFT_IOCTL_DOORBELL);
	__atomic_store_n(q->cq_head, head, __ATOMIC_RELEASE);
	/* garbage in the device-owned fields only hurts ourselves */
	*q->sq_flags = rnd();
	*q->sq_head = rnd();
	ioctl(q->fd, WD_SOFT_IOCTL_DOORBELL);
	usleep(1000);
	*q->sq_head = sq_head;
	/*
	 * Not the saved flags: the worker may have gone to sleep (and set
	 * NEED_WAKEUP) since they were read, and writing a stale 0 back would
	 * make the next submit skip its doorbell. Claiming NEED_WAKEUP costs at
	 * most one spare doorbell; the device rewrites the flag itself.
	 */
	*q->sq_flags = WD_SQ_NEED_WAKEUP;
}

static void fuzz(struct wdq *q, uint32_t total)
{
	uint32_t done = 0, sent = 0, i, n;
	unsigned long by_status[5] = { 0 };
	struct wd_sqe *s;
	struct wd_cqe c;

	while (done < total) {
		if (!(rnd() % 500) && sent == done)
			corrupt_indices(q);
		if (!(rnd() % 64)) {
			for (i = 0; i < 20; i++)
				sgl[i] = (struct wd_sgl_entry){ rnd_addr(),
					rnd() % 4096, rnd() % 64 ? 0 : 1 };
			if (nosva_bytes)	/* the list lives in the region */
				memcpy(q->data + nosva_bytes / 2, sgl,
				       20 * sizeof(*sgl));
		}
		n = rnd() % 64 + 1;
		for (i = 0; i < n && sent < total && (s = wd_get_sqe(q)); i++) {
			rnd_sqe(s, sent);
			opcodes[sent++ % 4096] = s->opcode;
		}
		CHECK(!wd_submit(q), "submit");
		while (done < sent) {
			if (done + 64 < sent && !wd_peek_cqe(q, &c))
				break;
			if (done + 64 >= sent)
				CHECK(!wd_wait_cqe(q, &c, 30000), "lost CQE %u",
				      done);
			CHECK(c.user_data == done, "order %llu != %u",
			      (unsigned long long)c.user_data, done);
			CHECK(allowed(c.status, opcodes[done % 4096]),
			      "status %d (opcode 0x%x)", c.status,
			      opcodes[done % 4096]);
			by_status[c.status == 0 ? 0 : c.status == -EINVAL ? 1 :
				  c.status == -EFAULT ? 2 :
				  c.status == -ENOSPC ? 3 : 4]++;
			done++;
		}
	}
	printf("%s: %s %u descriptors: ok %lu einval %lu efault %lu "
	       "enospc %lu eopnotsupp %lu, dropped %u\n", wd_test_name,
	       nosva_bytes ? "no-SVA" : "SVA", done, by_status[0],
	       by_status[1], by_status[2], by_status[3], by_status[4],
	       *q->sq_dropped);
	s = wd_get_sqe(q);
	if (nosva_bytes) {
		memcpy(q->data, "123456789", 9);
		wd_prep_crc32(s, NULL, 9, 0, 7);
	} else {
		wd_prep_crc32(s, "123456789", 9, 0, 7);
	}
	CHECK(!wd_submit(q) && !wd_wait_cqe(q, &c, 20000) &&
	      c.aux == 0xcbf43926, "queue works after fuzzing");
}

int main(void)
{
	struct wd_soft_qp_params p = { .sq_entries = 64,
				       .features = WD_FEAT_NOSVA,
				       .data_bytes = 256 << 10 };
	struct wdq q;

	wd_require_device(0);
	buf = malloc(BUF_LEN + 8192);
	sgl = malloc(8192);
	hole = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf && sgl && hole != MAP_FAILED, "alloc");
	CHECK(!wd_queue_open(&q, 0, 64), "open");
	fuzz(&q, 100000);
	wd_queue_close(&q);

	CHECK(!wd_queue_open_params(&q, 0, &p) && !wd_queue_start(&q),
	      "open no-SVA");
	nosva_bytes = q.data_bytes;
	fuzz(&q, 30000);
	wd_queue_close(&q);
	return T_PASS;
}
