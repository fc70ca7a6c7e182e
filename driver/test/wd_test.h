/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wd_test.h - a small liburing-style helper for the wd_soft C tests: open a
 * queue, map its regions, compute ring pointers from wd_ring_info, submit and
 * reap. Each test is one scenario: exit 0 pass, 1 fail, 77 skip.
 */
#ifndef WD_TEST_H
#define WD_TEST_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <misc/wd_soft.h>

#define T_PASS 0
#define T_FAIL 1
#define T_SKIP 77

#define UACCE_CMD_START_Q	_IO('W', 0)
#define UACCE_CMD_PUT_Q		_IO('W', 1)
#define UACCE_QFRT_MMIO		0
#define UACCE_QFRT_DUS		1

struct wdq {
	int fd;
	int kick_fd;			/* eventfd doorbell, or -1 for the ioctl */
	void *mmio, *ring;
	size_t mmio_len, ring_len;
	const struct wd_ring_info *info;
	uint32_t *sq_head, *sq_tail, *sq_flags, *sq_dropped;
	uint32_t *cq_head, *cq_tail, *cq_flags;
	struct wd_sqe *sqes;
	struct wd_cqe *cqes;
	uint32_t sq_mask, cq_mask, sq_entries, cq_entries;
	uint32_t sq_local_tail;		/* SQEs prepared, not yet published */
	uint8_t *data;			/* no-SVA data region, or NULL */
	uint64_t data_bytes;
};

/* Syscalls the helper issued on the hot path (doorbells, polls). */
extern unsigned long wd_syscalls;
extern const char *wd_test_name;

#define DEV_PATH_FMT "/dev/wd_soft-%d"
#define SYS_PATH_FMT "/sys/class/uacce/wd_soft-%d/%s"

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s: check failed: %s: ",	\
			__FILE__, __LINE__, wd_test_name, #cond);	\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		exit(T_FAIL);						\
	}								\
} while (0)

/* Exit 77 if the device is absent (module not loaded); exit 1 if CI is set. */
void wd_require_device(int dev);
long wd_sysfs_long(int dev, const char *attr);
int wd_sysfs_str(int dev, const char *attr, char *buf, size_t len);

/* Open + SET_QP + mmap both regions + START_Q. Returns 0 or -errno. */
int wd_queue_open(struct wdq *q, int dev, uint32_t sq_entries);
int wd_queue_open_nostart(struct wdq *q, int dev, uint32_t sq_entries);
/* Same with explicit SET_QP parameters (e.g. no-SVA), and no START_Q. */
int wd_queue_open_params(struct wdq *q, int dev, struct wd_soft_qp_params *p);
/* The two halves of wd_queue_open_params: open + SET_QP, then both mmaps. */
int wd_queue_open_unmapped(struct wdq *q, int dev, struct wd_soft_qp_params *p);
int wd_queue_map(struct wdq *q, int dev);
int wd_queue_start(struct wdq *q);
int wd_queue_use_kick(struct wdq *q);
void wd_queue_close(struct wdq *q);

/* NULL if the SQ is full. The SQE is zeroed. */
struct wd_sqe *wd_get_sqe(struct wdq *q);
/* Publish prepared SQEs; ring the doorbell only if NEED_WAKEUP is set. */
int wd_submit(struct wdq *q);
/* 0 and a CQE, -ETIMEDOUT after timeout_ms, or -errno from poll(). */
int wd_wait_cqe(struct wdq *q, struct wd_cqe *out, int timeout_ms);
bool wd_peek_cqe(struct wdq *q, struct wd_cqe *out);
uint32_t wd_sq_space(struct wdq *q);

/* Convenience: submit one SQE and wait for its CQE. */
int wd_run_one(struct wdq *q, const struct wd_sqe *sqe, struct wd_cqe *cqe);

void wd_prep_nop(struct wd_sqe *s, uint64_t user_data);
void wd_prep_copy(struct wd_sqe *s, const void *src, uint32_t src_len,
		  void *dst, uint32_t dst_len, uint64_t user_data);
void wd_prep_crc32(struct wd_sqe *s, const void *src, uint32_t len,
		   uint32_t seed, uint64_t user_data);

/* zlib-compatible CRC-32 (reference for the device's result). */
uint32_t ref_crc32(uint32_t crc, const void *buf, size_t len);
double now_sec(void);

#endif /* WD_TEST_H */
