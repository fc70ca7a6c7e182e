// SPDX-License-Identifier: GPL-2.0
/*
 * Zip state dies with its queue: queues closed, PUT_Q'd or abandoned by an
 * exiting process with 64 live streams each give back their instance and
 * their memory (VmallocUsed does not grow over rounds); streams do not
 * survive PUT_Q + START_Q; PUT_Q and SIGKILL cancel a long compression
 * promptly.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "wd_zip.h"

const char *wd_test_name = "zip_close";

#define GZ_N 100000
static uint8_t *src, *gz, *out;
static long gz_len, vm_idle;

static long vmalloc_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	CHECK(f, "meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmallocUsed: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* 64 streams, half of them mid-way through some data. */
static void fill_streams(struct wdq *q, uint64_t *h)
{
	struct wd_cqe c;
	int i;

	for (i = 0; i < 64; i++) {
		CHECK(zrun(q, ZOP_INIT, i % 2 ? ZF_GZIP | ZF_DECOMPRESS :
			   ZF_GZIP | ZF_LEVEL(i % 10), NULL, 0, NULL, 0, &c) == 0,
		      "init %d: %d", i, c.status);
		h[i] = c.aux;
		if (i % 4 > 1)
			continue;
		if (i % 2)
			zstream_op(q, ZOP_INFLATE, h[i], 0, gz, gz_len / 2, out,
				   GZ_N, &c);
		else
			zstream_op(q, ZOP_DEFLATE, h[i], 0, src, GZ_N, out,
				   GZ_N, &c);
		CHECK(c.status == 0, "feed %d: %d", i, c.status);
	}
}

static void round_trip_close(int round)
{
	uint64_t h[64];
	struct wd_cqe c;
	struct wdq q;
	pid_t pid;
	int st;

	if (round % 4 == 3) {		/* a process exits holding streams */
		pid = fork();
		CHECK(pid >= 0, "fork");
		if (!pid) {
			if (wd_queue_open(&q, 0, 16))
				_exit(2);
			fill_streams(&q, h);
			_exit(0);
		}
		CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		      !WEXITSTATUS(st), "child");
		return;
	}
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	fill_streams(&q, h);
	/* the measure sees the streams' workspaces, so it would see a leak */
	if (round == 0)
		CHECK(vmalloc_kb() - vm_idle > 8192,
		      "VmallocUsed %ld kB with 64 streams, %ld kB idle",
		      vmalloc_kb(), vm_idle);
	if (round % 4 == 1) {		/* PUT_Q ends them; restart is clean */
		CHECK(!ioctl(q.fd, UACCE_CMD_PUT_Q), "PUT_Q");
		CHECK(!wd_queue_start(&q), "START_Q");
		zstream_op(&q, ZOP_DEFLATE, h[0], 0, NULL, 0, out, 10, &c);
		CHECK(c.status == -EINVAL && c.detail == ZD_BAD_HANDLE,
		      "stream survived PUT_Q");
		CHECK(zrun(&q, ZOP_INFO, 0, NULL, 0, NULL, 0, &c) == 0 && !c.aux,
		      "live after PUT_Q: %llu", (unsigned long long)c.aux);
	}
	wd_queue_close(&q);
}

#define BIG (64 << 20)
static uint8_t *big, *big_dst;

/* Queue a 64 MiB level-9 compress behind a NOP that has completed. */
static void start_long(struct wdq *q)
{
	struct wd_sqe *s;
	struct wd_cqe c;

	wd_prep_nop(wd_get_sqe(q), 4);
	CHECK(!wd_submit(q) && !wd_wait_cqe(q, &c, 20000), "nop");
	s = wd_get_sqe(q);
	zprep(s, ZOP_COMPRESS, ZF_GZIP | ZF_LEVEL(9), big, BIG, big_dst,
	      BIG + (BIG >> 4));
	s->user_data = 5;
	CHECK(!wd_submit(q), "submit");
	usleep(300 * 1000);	/* the worker is well inside it by now */
}

/* SIGKILL of a process inside a long request frees its queue promptly. */
static void kill_long(long avail)
{
	struct wdq q;
	double t;
	pid_t pid;
	int st, i;

	pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid) {
		if (wd_queue_open(&q, 0, 16))
			_exit(2);
		start_long(&q);
		pause();
		_exit(0);
	}
	usleep(600 * 1000);
	t = now_sec();
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st), "child killed");
	for (i = 0; i < 500; i++) {
		if (wd_sysfs_long(0, "available_instances") == avail)
			break;
		usleep(10000);
	}
	t = now_sec() - t;
	CHECK(wd_sysfs_long(0, "available_instances") == avail,
	      "queue of a killed process not released");
	CHECK(t < 5, "release took %.2f s", t);
	printf("%s: SIGKILL inside a 64 MiB compress: released in %.3f s\n",
	       wd_test_name, t);
}

static void cancel_long(void)
{
	struct wd_cqe c;
	struct wdq q;
	double t;

	CHECK(!wd_queue_open(&q, 0, 16), "open");
	start_long(&q);
	t = now_sec();
	CHECK(!ioctl(q.fd, UACCE_CMD_PUT_Q), "PUT_Q");
	t = now_sec() - t;
	CHECK(wd_peek_cqe(&q, &c) && c.user_data == 5, "CQE after PUT_Q");
	CHECK(c.status == -ECANCELED, "long compress: %d", c.status);
	CHECK(t < 5, "PUT_Q took %.2f s", t);
	printf("%s: PUT_Q cancelled a 64 MiB level-9 compress in %.3f s\n",
	       wd_test_name, t);
	wd_queue_close(&q);
}

int main(void)
{
	long avail, vm_base = 0, vm;
	int round, i;

	wd_require_device(0);
	src = malloc(GZ_N);
	gz = malloc(GZ_N + 1024);
	out = malloc(GZ_N);
	CHECK(src && gz && out, "alloc");
	zfill(src, GZ_N, 4, true);
	gz_len = ref_deflate(ZF_GZIP, 6, src, GZ_N, gz, GZ_N + 1024);
	avail = wd_sysfs_long(0, "available_instances");
	vm_idle = vmalloc_kb();
	for (round = 0; round < 16; round++) {
		round_trip_close(round);
		/* an exited process's files may be released a little later */
		for (i = 0; i < 500; i++) {
			if (wd_sysfs_long(0, "available_instances") == avail)
				break;
			usleep(10000);
		}
		CHECK(wd_sysfs_long(0, "available_instances") == avail,
		      "round %d: instances %ld", round,
		      wd_sysfs_long(0, "available_instances"));
		if (round == 3)
			vm_base = vmalloc_kb();
	}
	vm = vmalloc_kb();
	printf("%s: VmallocUsed %ld kB after round 4, %ld kB after 16\n",
	       wd_test_name, vm_base, vm);
	/* one round holds ~64 workspaces (over 10 MiB); a leak shows at once */
	CHECK(vm - vm_base < 4096, "vmalloc grew by %ld kB", vm - vm_base);
	big = malloc(BIG);
	big_dst = malloc(BIG + (BIG >> 4));
	CHECK(big && big_dst, "alloc");
	zfill(big, BIG, 9, false);
	cancel_long();
	kill_long(avail);
	return T_PASS;
}
