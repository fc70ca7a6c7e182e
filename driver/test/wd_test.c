// SPDX-License-Identifier: GPL-2.0
/* wd_test.c - the helper behind every wd_soft C test (see wd_test.h). */
#include "wd_test.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

unsigned long wd_syscalls;

void wd_require_device(int dev)
{
	char path[64];

	snprintf(path, sizeof(path), DEV_PATH_FMT, dev);
	if (!access(path, F_OK))
		return;
	/* Under CI the guest always loads the module: absence is a failure. */
	if (getenv("CI") && *getenv("CI")) {
		printf("%s: %s absent (CI is set: failing, not skipping)\n",
		       wd_test_name, path);
		exit(T_FAIL);
	}
	printf("%s: %s absent, skipping\n", wd_test_name, path);
	exit(T_SKIP);
}

int wd_sysfs_str(int dev, const char *attr, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYS_PATH_FMT, dev, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

long wd_sysfs_long(int dev, const char *attr)
{
	char buf[64];

	if (wd_sysfs_str(dev, attr, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 0);
}

#define RING_PTR(q, off) ((void *)((char *)(q)->ring + (off)))

static void wd_ring_setup(struct wdq *q)
{
	const struct wd_ring_info *ri = q->ring;

	q->info = ri;
	q->sq_head = RING_PTR(q, ri->sq_off.head);
	q->sq_tail = RING_PTR(q, ri->sq_off.tail);
	q->sq_flags = RING_PTR(q, ri->sq_off.flags);
	q->sq_dropped = RING_PTR(q, ri->sq_off.dropped);
	q->cq_head = RING_PTR(q, ri->cq_off.head);
	q->cq_tail = RING_PTR(q, ri->cq_off.tail);
	q->cq_flags = RING_PTR(q, ri->cq_off.flags);
	q->sqes = RING_PTR(q, ri->sq_off.sqes);
	q->cqes = RING_PTR(q, ri->cq_off.cqes);
	q->sq_mask = *(uint32_t *)RING_PTR(q, ri->sq_off.ring_mask);
	q->cq_mask = *(uint32_t *)RING_PTR(q, ri->cq_off.ring_mask);
	q->sq_entries = ri->sq_entries;
	q->cq_entries = ri->cq_entries;
	q->sq_local_tail = *q->sq_tail;
	if (ri->data_bytes) {
		q->data = RING_PTR(q, ri->data_offset);
		q->data_bytes = ri->data_bytes;
	}
}

int wd_queue_open_nostart(struct wdq *q, int dev, uint32_t sq_entries)
{
	struct wd_soft_qp_params p = { .sq_entries = sq_entries,
				       .features = WD_FEAT_SVA };

	return wd_queue_open_params(q, dev, &p);
}

int wd_queue_open_unmapped(struct wdq *q, int dev, struct wd_soft_qp_params *p)
{
	char path[64];
	int e;

	memset(q, 0, sizeof(*q));
	q->kick_fd = -1;
	snprintf(path, sizeof(path), DEV_PATH_FMT, dev);
	q->fd = open(path, O_RDWR | O_CLOEXEC);
	if (q->fd < 0)
		return -errno;
	if (!ioctl(q->fd, WD_SOFT_IOCTL_SET_QP, p))
		return 0;
	e = errno;
	close(q->fd);
	return -e;
}

int wd_queue_map(struct wdq *q, int dev)
{
	long page = sysconf(_SC_PAGESIZE);

	q->mmio_len = page;
	q->mmio = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, q->fd,
		       UACCE_QFRT_MMIO * page);
	if (q->mmio == MAP_FAILED)
		return -errno;
	/* The ring size is only known once mapped: map the whole region. */
	q->ring_len = wd_sysfs_long(dev, "region_dus_size");
	q->ring = mmap(NULL, q->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       q->fd, UACCE_QFRT_DUS * page);
	if (q->ring == MAP_FAILED)
		return -errno;
	if (((struct wd_ring_info *)q->ring)->magic != WD_RING_MAGIC)
		return -EPROTO;
	wd_ring_setup(q);
	return 0;
}

int wd_queue_open_params(struct wdq *q, int dev, struct wd_soft_qp_params *p)
{
	int ret = wd_queue_open_unmapped(q, dev, p);

	if (ret)
		return ret;
	ret = wd_queue_map(q, dev);
	if (ret)
		close(q->fd);
	return ret;
}

int wd_queue_start(struct wdq *q)
{
	return ioctl(q->fd, UACCE_CMD_START_Q) ? -errno : 0;
}

int wd_queue_open(struct wdq *q, int dev, uint32_t sq_entries)
{
	int ret = wd_queue_open_nostart(q, dev, sq_entries);

	if (!ret)
		ret = wd_queue_start(q);
	return ret;
}

int wd_queue_use_kick(struct wdq *q)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (ioctl(q->fd, WD_SOFT_IOCTL_SET_KICK, &fd)) {
		close(fd);
		return -errno;
	}
	q->kick_fd = fd;
	return 0;
}

void wd_queue_close(struct wdq *q)
{
	if (q->ring && q->ring != MAP_FAILED)
		munmap(q->ring, q->ring_len);
	if (q->mmio && q->mmio != MAP_FAILED)
		munmap(q->mmio, q->mmio_len);
	if (q->kick_fd >= 0)
		close(q->kick_fd);
	close(q->fd);
	memset(q, 0, sizeof(*q));
	q->fd = -1;
}

uint32_t wd_sq_space(struct wdq *q)
{
	/* Pairs with the device's release store of sq.head. */
	uint32_t head = __atomic_load_n(q->sq_head, __ATOMIC_ACQUIRE);

	return q->sq_entries - (q->sq_local_tail - head);
}

struct wd_sqe *wd_get_sqe(struct wdq *q)
{
	struct wd_sqe *s;

	if (!wd_sq_space(q))
		return NULL;
	s = &q->sqes[q->sq_local_tail++ & q->sq_mask];
	memset(s, 0, sizeof(*s));
	return s;
}

int wd_submit(struct wdq *q)
{
	uint64_t one = 1;

	/* Pairs with the device's acquire load of sq.tail. */
	__atomic_store_n(q->sq_tail, q->sq_local_tail, __ATOMIC_RELEASE);
	/* Pairs with the device's smp_mb() after setting NEED_WAKEUP. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(q->sq_flags, __ATOMIC_RELAXED) & WD_SQ_NEED_WAKEUP))
		return 0;
	wd_syscalls++;
	if (q->kick_fd >= 0)
		return write(q->kick_fd, &one, 8) == 8 ? 0 : -errno;
	return ioctl(q->fd, WD_SOFT_IOCTL_DOORBELL) ? -errno : 0;
}

bool wd_peek_cqe(struct wdq *q, struct wd_cqe *out)
{
	uint32_t head = *q->cq_head;
	/* Pairs with the device's release store of cq.tail. */
	uint32_t tail = __atomic_load_n(q->cq_tail, __ATOMIC_ACQUIRE);

	if (head == tail)
		return false;
	*out = q->cqes[head & q->cq_mask];
	/* The CQE is copied out: hand the slot back. */
	__atomic_store_n(q->cq_head, head + 1, __ATOMIC_RELEASE);
	return true;
}

int wd_wait_cqe(struct wdq *q, struct wd_cqe *out, int timeout_ms)
{
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
	int n;

	while (!wd_peek_cqe(q, out)) {
		wd_syscalls++;
		n = poll(&pfd, 1, timeout_ms);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
	}
	return 0;
}

int wd_run_one(struct wdq *q, const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	struct wd_sqe *s = wd_get_sqe(q);
	int ret;

	if (!s)
		return -EBUSY;
	*s = *sqe;
	ret = wd_submit(q);
	if (ret)
		return ret;
	return wd_wait_cqe(q, cqe, 20000);
}

void wd_prep_nop(struct wd_sqe *s, uint64_t user_data)
{
	memset(s, 0, sizeof(*s));
	s->opcode = WD_OP_NOP;
	s->user_data = user_data;
}

void wd_prep_copy(struct wd_sqe *s, const void *src, uint32_t src_len,
		  void *dst, uint32_t dst_len, uint64_t user_data)
{
	memset(s, 0, sizeof(*s));
	s->opcode = WD_OP_COPY;
	s->src_addr = (uintptr_t)src;
	s->src_len = src_len;
	s->dst_addr = (uintptr_t)dst;
	s->dst_len = dst_len;
	s->user_data = user_data;
}

void wd_prep_crc32(struct wd_sqe *s, const void *src, uint32_t len,
		   uint32_t seed, uint64_t user_data)
{
	memset(s, 0, sizeof(*s));
	s->opcode = WD_OP_CRC32;
	s->src_addr = (uintptr_t)src;
	s->src_len = len;
	s->aux = seed;
	s->user_data = user_data;
}

uint32_t ref_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int k;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
