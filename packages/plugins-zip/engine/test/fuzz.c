// SPDX-License-Identifier: MIT
/*
 * fuzz.c - the engine under ASan/UBSan, called directly (no addon): valid
 * round trips at every format/level, then mutated and truncated compressed
 * data, random SQE fields and forged stream handles, from several threads.
 * Exit 0 when every request completed with an allowed status and every
 * round trip matched; 1 otherwise. Build/run: scripts/test-engine.mjs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../zip_engine.h"

const struct wd_engine *zip_engine_get(void);

#define THREADS 4
#define ITERS 1000

static const struct wd_engine *eng;
static int failures;

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int run(struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	memset(cqe, 0, sizeof(*cqe));
	eng->run(sqe, cqe);
	return cqe->status;
}

static void fail(const char *what, int status)
{
	fprintf(stderr, "FAIL: %s (status %d)\n", what, status);
	__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

static int allowed(int status)
{
	return status == 0 || status == -EINVAL || status == -ENOSPC || status == -EBADMSG ||
	       status == -EBUSY || status == -EOPNOTSUPP;
}

static void *worker(void *arg)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull * (uintptr_t)(arg + 1);
	size_t cap = 1 << 17;
	uint8_t *text = malloc(cap), *comp = malloc(cap * 2), *out = malloc(cap + 64);
	struct wd_sqe sqe;
	struct wd_cqe cqe;
	int i;

	for (i = 0; i < ITERS; i++) {
		uint32_t n = (uint32_t)(rng(&seed) % cap), fmt = (uint32_t)(rng(&seed) % 3), lvl = (uint32_t)(rng(&seed) % 10);
		uint32_t k, clen, mode = (uint32_t)(rng(&seed) % 4);
		int st;

		for (k = 0; k < n; k++)	/* compressible-ish text */
			text[k] = (uint8_t)("abcdefgh  \n"[rng(&seed) % 11] + (k % 97 == 0 ? rng(&seed) % 50 : 0));
		memset(&sqe, 0, sizeof(sqe));
		sqe.opcode = ZIP_OP_COMPRESS;
		sqe.op_flags = fmt | lvl << ZIP_LEVEL_SHIFT;
		sqe.src_addr = (uintptr_t)text;
		sqe.src_len = n;
		sqe.dst_addr = (uintptr_t)comp;
		sqe.dst_len = (uint32_t)(cap * 2);
		if ((st = run(&sqe, &cqe)) != 0) {
			fail("compress", st);
			continue;
		}
		clen = cqe.produced;
		if (mode == 1)		/* mutate */
			for (k = 0; k < 1 + rng(&seed) % 4 && clen; k++)
				comp[rng(&seed) % clen] = (uint8_t)rng(&seed);
		if (mode == 2 && clen)	/* truncate */
			clen = (uint32_t)(rng(&seed) % clen);
		memset(&sqe, 0, sizeof(sqe));
		sqe.opcode = ZIP_OP_DECOMPRESS;
		sqe.op_flags = fmt | ZIP_F_MULTI_MEMBER;
		sqe.src_addr = (uintptr_t)comp;
		sqe.src_len = clen;
		sqe.dst_addr = (uintptr_t)out;
		sqe.dst_len = mode == 3 ? n / 2 : (uint32_t)cap + 64;
		st = run(&sqe, &cqe);
		if (mode == 0 && (st != 0 || cqe.produced != n || memcmp(out, text, n)))
			fail("round trip", st);
		else if (!allowed(st))
			fail("decompress status", st);
		/* Random SQE: any field may be anything except addresses. */
		memset(&sqe, 0, sizeof(sqe));
		sqe.opcode = (uint8_t)(ZIP_OP_FIRST + rng(&seed) % 8);
		sqe.op_flags = (uint32_t)rng(&seed) & (rng(&seed) % 2 ? 0x3ff : 0xffffffff);
		sqe.flags = rng(&seed) % 8 == 0;
		sqe.aux = rng(&seed) % 8 == 0;
		sqe.ctx_addr = rng(&seed) % 2 ? rng(&seed) : rng(&seed) % 70;
		sqe.src_addr = (uintptr_t)comp;
		sqe.src_len = (uint32_t)(rng(&seed) % (clen + 1));
		sqe.dst_addr = (uintptr_t)out;
		sqe.dst_len = (uint32_t)(rng(&seed) % (cap + 64));
		st = run(&sqe, &cqe);
		if (!allowed(st))
			fail("random sqe", st);
		if (sqe.opcode == ZIP_OP_STREAM_INIT && st == 0) {
			uint64_t h = cqe.aux;
			int inflating = (sqe.op_flags & ZIP_F_DECOMPRESS) != 0;

			/* Drive the new stream with random data and flush modes. */
			for (k = 0; k < 4; k++) {
				memset(&sqe, 0, sizeof(sqe));
				sqe.opcode = inflating ? ZIP_OP_STREAM_INFLATE : ZIP_OP_STREAM_DEFLATE;
				sqe.op_flags = (uint32_t)(rng(&seed) % (inflating ? 2 : 4));
				sqe.ctx_addr = h;
				sqe.src_addr = (uintptr_t)(inflating ? comp : text);
				sqe.src_len = (uint32_t)(rng(&seed) % ((inflating ? clen : n) + 1));
				sqe.dst_addr = (uintptr_t)out;
				sqe.dst_len = (uint32_t)(rng(&seed) % 4096);
				st = run(&sqe, &cqe);
				if (!allowed(st) || cqe.produced > sqe.dst_len || cqe.consumed > sqe.src_len)
					fail("stream step", st);
			}
			cqe.aux = h;
			memset(&sqe, 0, sizeof(sqe));
			sqe.opcode = ZIP_OP_STREAM_END;
			sqe.ctx_addr = cqe.aux;
			if ((st = run(&sqe, &cqe)) != 0)
				fail("stream end", st);
		}
	}
	free(text);
	free(comp);
	free(out);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	struct wd_sqe sqe = { .opcode = ZIP_OP_INFO };
	struct wd_cqe cqe;
	uintptr_t i;

	eng = zip_engine_get();
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	run(&sqe, &cqe);
	if (cqe.aux != 0)
		fail("streams left alive", (int)cqe.aux);
	printf("%s: %d failures\n", failures ? "FAIL" : "ok", failures);
	return failures ? 1 : 0;
}
