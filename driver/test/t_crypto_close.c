// SPDX-License-Identifier: GPL-2.0
/*
 * Crypto work in flight when the queue goes away: PUT_Q with 512 KiB GCM
 * messages, stream steps and digests queued completes every SQE (0 or
 * -ECANCELED), frees the queue's sessions (INFO counts 0 after START_Q, the
 * old handle is -EBADF); close() and SIGKILL with the same work in flight
 * tear down cleanly (the runner checks the console for warnings).
 */
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "t_crypto.h"

const char *wd_test_name = "crypto_close";

#define LEN (512 << 10)

static uint8_t *src, *dst;
static struct wdc_param params[16];
static const uint8_t key[32] = { 1, 2, 3 }, iv[12] = { 4, 5, 6 };

/* Fill the SQ with big crypto requests; returns how many. */
static int fill(struct wdq *q, uint64_t h)
{
	struct wd_sqe *s;
	int n;

	for (n = 0; n < 16 && (s = wd_get_sqe(q)); n++) {
		struct creq r = { .op = OP_SCIPHER, .alg = GCM256, .flags = F_MSG, .iv = iv,
				  .iv_len = 12, .tag_len = 16, .src = src, .src_len = LEN,
				  .dst = dst, .dst_len = LEN, .handle = h };

		switch (n % 4) {
		case 1:
			r.op = OP_CIPHER;
			r.handle = 0;
			r.key = key;
			r.key_len = 32;
			break;
		case 2:
			r.flags = n == 2 ? F_INIT : 0;	/* a stream left open */
			r.tag_len = 0;
			if (n != 2)
				r.iv_len = 0;
			break;
		case 3:
			r = (struct creq){ .op = OP_DIGEST, .alg = SHA512, .src = src,
					   .src_len = LEN, .dst = dst, .dst_len = 64 };
			break;
		}
		creq_sqe(s, &params[n], &r);
		s->user_data = n;
	}
	CHECK(!wd_submit(q), "submit");
	return n;
}

int main(void)
{
	int round, i, n, ok = 0, canceled = 0, st, pipefd[2];
	struct wd_cqe c;
	struct wdq q;
	char text[512], b;
	uint64_t h;
	pid_t pid;

	wd_require_device(0);
	src = calloc(1, LEN);
	dst = malloc(LEN);
	CHECK(src && dst, "alloc");
	for (round = 0; round < 12; round++) {
		switch (round % 3) {
		case 0:		/* PUT_Q, then START_Q on the same rings */
			CHECK(!wd_queue_open(&q, 0, 16), "open");
			h = sopen(&q, GCM256, 0, key, 32);
			n = fill(&q, h);
			usleep(round * 40000);	/* from before the first to mid-queue */
			CHECK(!ioctl(q.fd, UACCE_CMD_PUT_Q), "PUT_Q");
			for (i = 0; i < n; i++) {
				CHECK(wd_peek_cqe(&q, &c), "CQE %d missing after PUT_Q", i);
				CHECK(c.status == 0 || c.status == -ECANCELED, "status %d",
				      c.status);
				ok += !c.status;
				canceled += c.status == -ECANCELED;
			}
			CHECK(!wd_queue_start(&q), "START_Q again");
			CHECK(sinfo(&q, text, sizeof(text)) == 0, "sessions survived PUT_Q");
			CHECK(sclose(&q, h) == -EBADF, "handle valid after PUT_Q");
			wd_queue_close(&q);
			break;
		case 1:		/* close() with the work in flight */
			CHECK(!wd_queue_open(&q, 0, 16), "open");
			h = sopen(&q, GCM256, 0, key, 32);
			fill(&q, h);
			usleep(round * 40000);
			wd_queue_close(&q);
			break;
		default:	/* the owner is killed with the work in flight */
			CHECK(!pipe(pipefd), "pipe");
			pid = fork();
			CHECK(pid >= 0, "fork");
			if (pid == 0) {
				if (wd_queue_open(&q, 0, 16))
					_exit(2);
				fill(&q, sopen(&q, GCM128, 0, key, 16));
				if (write(pipefd[1], "x", 1) != 1)
					_exit(3);
				pause();
				_exit(0);
			}
			close(pipefd[1]);
			if (read(pipefd[0], &b, 1) != 1) {	/* the child failed */
				waitpid(pid, &st, 0);
				CHECK(0, "child exited with %d", WEXITSTATUS(st));
			}
			kill(pid, SIGKILL);
			CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st), "child killed");
			close(pipefd[0]);
		}
	}
	printf("%s: PUT_Q rounds: %d done, %d canceled\n", wd_test_name, ok, canceled);
	/* the device still works */
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	CHECK(sinfo(&q, text, sizeof(text)) == 0, "info");
	wd_queue_close(&q);
	return T_PASS;
}
