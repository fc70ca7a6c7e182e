// SPDX-License-Identifier: GPL-2.0
/*
 * 100,000 random descriptors (opcodes, flags, addresses, lengths, SGLs;
 * one in 16 a zip opcode, stream ops on live or stale handles; one in
 * eight a crypto request, mostly well formed for its opcode, batches with
 * random entry tables included) plus
 * garbage written into the ring indices: every sane descriptor gets exactly
 * one CQE with an allowed status, the kernel logs no oops/WARN (the runner
 * checks the console) and the queue still works afterwards.
 */
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "t_crypto.h"
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

/* Zip opcodes 0x10-0x16: mostly well-formed, so the engines run. */
static uint8_t zip_op[4096];		/* opcode by user_data, for handles */
static uint64_t zip_handles[8];		/* from STREAM_INIT CQEs */

static void rnd_zip_sqe(struct wd_sqe *s, uint64_t ud)
{
	s->opcode = 0x10 + rnd() % 7;
	s->flags = rnd() % 8 ? 0 : rnd();
	s->op_flags = rnd() % 4 ? rnd() % 0x400 : rnd();
	s->user_data = ud;
	s->src_addr = rnd() % 4 ? (nosva_bytes ? rnd_offset() :
			(uintptr_t)buf + rnd() % BUF_LEN) : rnd_addr();
	s->src_len = rnd() % 4 ? rnd() % 4096 : rnd_len();
	rnd_dst(&s->dst_addr, &s->dst_len);
	s->dst_len %= rnd() % 2 ? 65536 : 512;
	if (s->opcode >= 0x13 && s->opcode <= 0x15)
		s->ctx_addr = rnd() % 8 ? zip_handles[rnd() % 8] : rnd();
	if (!(rnd() % 8)) {
		s->param_addr = rnd_addr();
		s->param_len = rnd() % 64;
	}
	if (!(rnd() % 32))
		s->aux = rnd();
}

/*
 * Crypto engine (0x40-0x48): mostly a request that is well formed for its
 * opcode (algorithm of the right kind, flags, key/IV/tag lengths, AAD,
 * room in dst, a handle a SESSION_OPEN returned), so the engine runs; one
 * field in eight is random instead. Batches (0x47, 0x48) get a table of
 * entries shaped the same way.
 */
static struct {
	uint32_t alg, flags;
	uint16_t key_len, iv_len, tag_len, resv0;
	uint64_t aad_addr;
	uint32_t aad_len, resv1;
	uint8_t tag[16], rest[128 + 1024];
} fparams[64];
static unsigned int fnext;
static uint64_t handles[16];	/* from successful SESSION_OPENs */
static uint32_t handle_algs[16];
static uint32_t open_algs[4096];	/* alg of each SESSION_OPEN in flight */

/*
 * One table per fparams slot, each as long as the longest valid batch: the
 * engine writes outcomes into every entry it reads, and must never write
 * into the fuzzer's own state.
 */
#define FT_ENTRIES	1024
static struct wdc_batch_entry *ftables;

static uint32_t rnd_crypto_alg(uint8_t op)
{
	static const uint32_t ciphers[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint32_t hashes[] = { 16, 17, 18, 19, 20, 32, 33, 34 };

	if (!(rnd() % 8))
		return rnd() % 40;
	if (op == 0x40 || op == 0x44 || op == 0x47 || (op == 0x42 && rnd() % 2))
		return ciphers[rnd() % 9];
	return hashes[rnd() % 8];
}

static uint32_t rnd_crypto_flags(uint8_t op, uint32_t alg)
{
	uint32_t f = 0;

	if (!(rnd() % 8))
		return rnd() % 4 ? rnd() % 16 : rnd();
	if (op == 0x40 || op == 0x44) {
		f = op == 0x40 ? 4 | 8 : rnd() % 4 * 4;		/* INIT, FINAL */
		f |= rnd() % 2;					/* DECRYPT */
		if (alg >= 7 && alg <= 9 && rnd() % 2)
			f |= 2;					/* NOPAD */
	} else if (op == 0x47) {
		f = rnd() % 2;					/* DECRYPT */
		if (alg >= 7 && alg <= 9 && rnd() % 2)
			f |= 2;					/* NOPAD */
	} else if (op == 0x45) {
		f = rnd() % 2 * 8;
	} else if (op == 0x42 && alg >= 7 && alg <= 9) {
		f = rnd() % 2 * 2;
	}
	return f;
}

/* An address nothing may be read from or written to (SVA). */
static uint64_t rnd_bad_addr(void)
{
	switch (rnd() % 4) {
	case 0: return 0;
	case 1: return 0xffffffff81000000ULL + (rnd() % 0x100000);
	case 2: return (uintptr_t)hole + rnd() % 4096;
	default: return rnd();
	}
}

/* A batch entry: a whole message of op's kind, one field in 16 wrong. */
static void rnd_entry(struct wdc_batch_entry *e, uint8_t op, uint32_t alg)
{
	bool gcm = alg >= 1 && alg <= 3;
	__u64 a;
	__u32 l;

	memset(e, 0, sizeof(*e));
	e->src_addr = rnd() % 4 ? (uintptr_t)buf + rnd() % (BUF_LEN / 2) : rnd_addr();
	e->src_len = rnd_len() % 16384;
	if (rnd() % 2)
		e->src_len &= ~15u;
	rnd_dst(&a, &l);
	e->dst_addr = a;
	e->dst_len = l;
	if (rnd() % 2) {	/* room for the whole result */
		e->dst_addr = (uintptr_t)buf + BUF_LEN / 2 + rnd() % (BUF_LEN / 4);
		e->dst_len = e->src_len + 64;
	}
	if (op == 0x47) {
		e->iv_len = gcm ? (rnd() % 2 ? 12 : 1 + rnd() % 128) : 16;
		e->iv_addr = rnd() % 8 ? (uintptr_t)buf + rnd() % BUF_LEN : rnd_addr();
		if (gcm)	/* GCM encrypt writes 16 bytes at most: buf has slack */
			e->tag_addr = rnd() % 8 ? (uintptr_t)buf + rnd() % BUF_LEN : rnd_bad_addr();
	}
	e->status = rnd();
	e->produced = rnd();
	switch (rnd() % 16) {
	case 0:
		e->resv0 = 1;
		break;
	case 1:
		e->resv1 = rnd();
		break;
	case 2:
		e->resv2 = rnd();
		break;
	case 3:
		e->iv_len = rnd();
		break;
	case 4:
		e->iv_addr = rnd_bad_addr();
		break;
	case 5:
		e->tag_addr = rnd_bad_addr();
		break;
	}
}

/*
 * SESSION_BATCH: mostly a live cipher session (if one is open) and its alg,
 * so the entries run; rnd_crypto_handle() sometimes forges the handle.
 */
static uint32_t rnd_batch_session(struct wd_sqe *s)
{
	uint32_t i, k;

	for (k = 0; k < 4 && rnd() % 8; k++) {
		i = rnd() % 16;
		if (handle_algs[i] >= 1 && handle_algs[i] <= 9) {
			s->ctx_addr = handles[i];
			return handle_algs[i];
		}
	}
	return rnd_crypto_alg(0x47);
}

/* SESSION_BATCH / DIGEST_BATCH: src is the table (its own slot), count random. */
static void rnd_batch(struct wd_sqe *s, uint8_t op, uint32_t alg, struct wdc_batch_entry *t)
{
	uint32_t n, i;

	n = rnd() % 8 ? 1 + rnd() % 24 : rnd() % 2 ? rnd() % (FT_ENTRIES + 2) : rnd();
	s->src_len = n;
	if (!(rnd() % 16)) {
		s->dst_addr = rnd_addr();
		s->dst_len = rnd_len();
	}
	if (nosva_bytes) {	/* offsets: the region's bytes are the table */
		s->src_addr = rnd_offset();
		return;
	}
	s->src_addr = rnd() % 16 ? (uintptr_t)t : rnd_bad_addr();
	for (i = 0; i < n && i < 32; i++)
		rnd_entry(&t[i], op, alg);
}

static void rnd_crypto(struct wd_sqe *s)
{
	static const uint16_t tags[] = { 4, 8, 12, 13, 14, 15, 16 };
	typeof(&fparams[0]) p = &fparams[fnext++ % 64];	/* not reused while in flight */
	uint8_t op = 0x40 + rnd() % 9;
	uint32_t alg = op == 0x47 ? rnd_batch_session(s) : rnd_crypto_alg(op);
	uint32_t f = rnd_crypto_flags(op, alg);
	bool cipher = alg >= 1 && alg <= 9, gcm = alg >= 1 && alg <= 3;

	s->opcode = op;
	if (op == 0x46) {	/* INFO: no param block, a text dst */
		rnd_dst(&s->dst_addr, &s->dst_len);
		return;
	}
	memset(p, 0, 48);
	p->alg = op == 0x43 && rnd() % 8 ? 0 : alg;
	p->flags = op == 0x43 && rnd() % 8 ? 0 : f;
	if ((op == 0x40 || op == 0x42) && cipher)
		p->key_len = 16 + 8 * ((alg - 1) % 3);
	else if ((op == 0x41 || op == 0x42 || op == 0x48) && alg >= 32)
		p->key_len = rnd() % 200;
	if (cipher && (op == 0x40 || op == 0x44) && (f & 4))
		p->iv_len = gcm ? (rnd() % 2 ? 12 : 1 + rnd() % 128) : 16;
	if (gcm && (((f & 8) && (op == 0x40 || op == 0x44)) || op == 0x47))
		p->tag_len = tags[rnd() % 7];
	if (gcm && ((f & 4) || op == 0x47) && !(rnd() % 4)) {
		p->aad_addr = rnd() % 4 ? (uintptr_t)buf + rnd() % BUF_LEN : rnd_addr();
		p->aad_len = rnd() % 4096;
	}
	if (!(rnd() % 8)) {	/* one field wrong */
		uint32_t k = rnd() % 5;

		if (k == 0)
			p->key_len = rnd() % 1100;
		else if (k == 1)
			p->iv_len = rnd() % 130;
		else if (k == 2)
			p->tag_len = rnd() % 18;
		else if (k == 3)
			p->resv0 = 1;
		else
			p->resv1 = 1;
	}
	memcpy(p->tag, buf, 16);
	memcpy(p->rest, buf + 16, sizeof(p->rest));	/* some IV and key */
	s->param_addr = nosva_bytes || !(rnd() % 16) ? rnd_addr() : (uintptr_t)p;
	s->param_len = 48 + p->iv_len + p->key_len;
	if (!(rnd() % 16))
		s->param_len = rnd() % 2000;
	if (op == 0x42 || op == 0x43)
		return;
	if (op == 0x47 || op == 0x48) {
		rnd_batch(s, op, alg, ftables + (size_t)((fnext - 1) % 64) * FT_ENTRIES);
		return;
	}
	s->src_addr = rnd() % 4 ? (uintptr_t)buf + rnd() % (BUF_LEN / 2) : rnd_addr();
	s->src_len = rnd_len() % 16384;
	if (rnd() % 2)
		s->src_len &= ~15u;
	rnd_dst(&s->dst_addr, &s->dst_len);
	if (!nosva_bytes && rnd() % 2) {	/* room for the whole result */
		s->dst_addr = (uintptr_t)buf + BUF_LEN / 2 + rnd() % (BUF_LEN / 4);
		s->dst_len = s->src_len + 64;
	}
}

/* Session steps and closes name a live handle (of the same alg) mostly. */
static void rnd_crypto_handle(struct wd_sqe *s)
{
	uint32_t i = rnd() % 16;

	if (s->opcode < 0x43 || s->opcode > 0x45) {
		if (!(rnd() % 16))
			s->ctx_addr = rnd();
		return;
	}
	s->ctx_addr = rnd() % 8 ? handles[i] : rnd();
	if (s->param_addr == (uintptr_t)&fparams[(fnext - 1) % 64] && s->opcode != 0x43 &&
	    rnd() % 4)
		fparams[(fnext - 1) % 64].alg = handle_algs[i];
}

static void rnd_sqe(struct wd_sqe *s, uint64_t ud)
{
	memset(s, 0, sizeof(*s));
	zip_op[ud % 4096] = 0;
	if (!(rnd() % 16)) {
		rnd_zip_sqe(s, ud);
		zip_op[ud % 4096] = s->opcode;
		return;
	}
	if (!(rnd() % 8)) {
		rnd_crypto(s);
		rnd_crypto_handle(s);
		if (s->opcode == 0x42)
			open_algs[ud % 4096] = fparams[(fnext - 1) % 64].alg;
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
	       st == -EOPNOTSUPP || st == -EBADMSG || st == -ENOMEM;
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
	unsigned long by_status[5] = { 0 }, batches_ok = 0;
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
			if (zip_op[done % 4096] == 0x12 && !c.status)
				zip_handles[rnd() % 8] = c.aux;
			if (opcodes[done % 4096] == 0x42 && !c.status) {
				i = rnd() % 16;
				handles[i] = c.aux;
				handle_algs[i] = open_algs[done % 4096];
			}
			batches_ok += !c.status && (opcodes[done % 4096] == 0x47 ||
						    opcodes[done % 4096] == 0x48);
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
	       "enospc %lu other %lu, dropped %u; batches run %lu\n", wd_test_name,
	       nosva_bytes ? "no-SVA" : "SVA", done, by_status[0],
	       by_status[1], by_status[2], by_status[3], by_status[4],
	       *q->sq_dropped, batches_ok);
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
	ftables = mmap(NULL, 64 * FT_ENTRIES * sizeof(*ftables), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf && sgl && hole != MAP_FAILED && ftables != MAP_FAILED, "alloc");
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
