// SPDX-License-Identifier: GPL-2.0
/*
 * Session handles and lifetime: handle 0, forged, closed (stale) and another
 * queue's handles are -EBADF; INFO counts a queue's live sessions; a queue
 * holds at most 1024 (-ENOMEM past that); a queue that is closed, PUT_Q'd
 * or whose process exits with sessions open frees them all (memory comes
 * back over many rounds: no leak).
 */
#include <string.h>
#include <sys/wait.h>

#include "t_crypto.h"

const char *wd_test_name = "crypto_sessions";

#define MAX_SESSIONS 1024

static long mem_available_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	CHECK(f, "meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static const uint32_t algs[] = { GCM256, CTR128, CBC192, SHA256, HMAC512, GCM128 };

static uint64_t open_nth(struct wdq *q, int i)
{
	static const uint8_t key[32] = { 9, 8, 7 };
	uint32_t alg = algs[i % 6];
	uint16_t kl = alg <= CBC256 ? 16 + 8 * ((alg - 1) % 3) : alg == HMAC512 ? 32 : 0;

	return sopen(q, alg, 0, kl ? key : NULL, kl);
}

/* Open n sessions; then end the queue one of three ways, never closing them. */
static void round_trip(int n, int how)
{
	struct wdq q;
	pid_t pid;
	int i, st;

	if (how == 2) {
		pid = fork();
		CHECK(pid >= 0, "fork");
		if (pid == 0) {
			if (wd_queue_open(&q, 0, 16))
				_exit(2);
			for (i = 0; i < n; i++)
				open_nth(&q, i);
			_exit(0);		/* exit with the fd and sessions open */
		}
		CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
		      "child");
		return;
	}
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	for (i = 0; i < n; i++)
		open_nth(&q, i);
	if (how == 1)
		CHECK(!ioctl(q.fd, UACCE_CMD_PUT_Q), "PUT_Q");
	wd_queue_close(&q);
}

int main(void)
{
	struct wdq q, q2;
	uint64_t h[MAX_SESSIONS], extra, other;
	struct wdc_param p;
	struct wd_cqe c;
	char text[512];
	long before, after;
	int i;

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	CHECK(!wd_queue_open(&q2, 0, 16), "open second");
	CHECK(sinfo(&q, text, sizeof(text)) == 0, "no sessions yet");

	/* handles */
	CHECK(sclose(&q, 0) == -EBADF, "close handle 0");
	CHECK(sclose(&q, 0x123456789abcdefULL) == -EBADF, "close a forged handle");
	h[0] = sopen(&q, SHA1, 0, NULL, 0);
	extra = sopen(&q2, SHA1, 0, NULL, 0);
	other = sopen(&q2, SHA1, 0, NULL, 0);
	CHECK(sclose(&q, other) == -EBADF, "another queue's handle");
	CHECK(sclose(&q2, extra) == 0, "close on its own queue");
	CHECK(sclose(&q, h[0] ^ (1ULL << 32)) == -EBADF, "wrong generation");
	CHECK(sinfo(&q, text, sizeof(text)) == 1, "one live session");
	CHECK(sclose(&q, h[0]) == 0, "close");
	CHECK(sclose(&q, h[0]) == -EBADF, "close twice");
	{
		struct creq r = { .op = OP_SHASH, .alg = SHA1, .handle = h[0], .src = text,
				  .src_len = 3 };

		c = crun(&q, &p, &r);
		CHECK(c.status == -EBADF, "use after close: %d", c.status);
		/* the id is reused with a new generation: the old handle stays stale */
		extra = sopen(&q, SHA1, 0, NULL, 0);
		c = crun(&q, &p, &r);
		CHECK(c.status == -EBADF && extra != h[0], "stale handle after reuse: %d",
		      c.status);
		CHECK(sclose(&q, extra) == 0, "close");
	}
	CHECK(sclose(&q2, other) == 0, "close on its own queue");

	/* the bound */
	for (i = 0; i < MAX_SESSIONS; i++)
		h[i] = open_nth(&q, i);
	CHECK(sinfo(&q, text, sizeof(text)) == MAX_SESSIONS, "live count");
	{
		struct creq r = { .op = OP_OPEN, .alg = SHA256 };

		c = crun(&q, &p, &r);
		CHECK(c.status == -ENOMEM && c.aux == 0, "session %d: %d", MAX_SESSIONS + 1,
		      c.status);
	}
	CHECK(sclose(&q, h[7]) == 0, "close one");
	h[7] = open_nth(&q, 7);
	CHECK(sinfo(&q2, text, sizeof(text)) == 0, "counts are per queue");
	wd_queue_close(&q);		/* 1024 sessions still open */
	wd_queue_close(&q2);

	/* no leak: queues ended with live sessions, many times over */
	round_trip(MAX_SESSIONS, 0);
	before = mem_available_kb();
	for (i = 0; i < 12; i++)
		round_trip(MAX_SESSIONS, i % 3);
	after = mem_available_kb();
	printf("%s: MemAvailable %ld kB before, %ld kB after 12 rounds of %d sessions\n",
	       wd_test_name, before, after, MAX_SESSIONS);
	CHECK(before - after < 16 * 1024, "leaked %ld kB", before - after);
	return T_PASS;
}
