/* SPDX-License-Identifier: MIT */
/*
 * zip-raw-engine.c - the raw C engine ceiling for `pnpm bench zip`.
 *
 * Loads the zip plugin's soft-device engine (build/zip-engine.so) with
 * dlopen, exactly as the addon does, and calls its run() directly on this
 * one thread: no ring, no queue, no N-API, no JS. Compiled at bench time,
 * linked with libz: the engine resolves zlib symbols from its host process
 * (under node, node's own zlib), and libz stands in for them here.
 *
 * usage: zip-raw-engine ENGINE.so SYMBOL REQUESTS OPCODE OP_FLAGS DST_LEN MIN_MS
 *   REQUESTS: [u32 little-endian length][bytes]... ; each is one request.
 * prints: {"passes":N,"bytesIn":N,"bytesOut":N,"wallNs":N,"cpuNs":N}
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <warpdrive/engine.h>

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(*len ? *len : 1);
	if (buf && fread(buf, 1, *len, f) != *len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: %s ENGINE.so SYMBOL REQUESTS OPCODE OP_FLAGS DST_LEN MIN_MS\n", argv[0]);
		return 2;
	}
	void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	wd_engine_get_fn get = (wd_engine_get_fn)dlsym(lib, argv[2]);
	const struct wd_engine *engine = get ? get() : NULL;
	if (!engine || engine->abi_version != WD_ENGINE_ABI_VERSION) {
		fprintf(stderr, "no usable engine %s in %s\n", argv[2], argv[1]);
		return 1;
	}
	size_t len;
	uint8_t *reqs = read_file(argv[3], &len);
	if (!reqs) {
		perror(argv[3]);
		return 1;
	}
	unsigned opcode = (unsigned)strtoul(argv[4], NULL, 0);
	unsigned op_flags = (unsigned)strtoul(argv[5], NULL, 0);
	uint32_t dst_len = (uint32_t)strtoul(argv[6], NULL, 0);
	uint64_t min_ns = strtoull(argv[7], NULL, 0) * 1000000u;
	uint8_t *dst = malloc(dst_len);
	uint64_t passes = 0, bytes_in = 0, bytes_out = 0;
	uint64_t t0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), t1;

	do {
		for (size_t off = 0; off + 4 <= len;) {
			uint32_t n;
			struct wd_sqe sqe;
			struct wd_cqe cqe;

			memcpy(&n, reqs + off, 4);
			memset(&sqe, 0, sizeof(sqe));
			memset(&cqe, 0, sizeof(cqe));
			sqe.opcode = (__u8)opcode;
			sqe.op_flags = op_flags;
			sqe.src_addr = (uintptr_t)(reqs + off + 4);
			sqe.src_len = n;
			sqe.dst_addr = (uintptr_t)dst;
			sqe.dst_len = dst_len;
			engine->run(&sqe, &cqe);
			if (cqe.status != 0) {
				fprintf(stderr, "engine status %d detail %u\n", cqe.status, cqe.detail);
				return 1;
			}
			bytes_in += n;
			bytes_out += cqe.produced;
			off += 4 + n;
		}
		passes++;
		t1 = now_ns(CLOCK_MONOTONIC);
	} while (t1 - t0 < min_ns);
	printf("{\"passes\":%llu,\"bytesIn\":%llu,\"bytesOut\":%llu,\"wallNs\":%llu,\"cpuNs\":%llu}\n",
	       (unsigned long long)passes, (unsigned long long)bytes_in, (unsigned long long)bytes_out,
	       (unsigned long long)(t1 - t0), (unsigned long long)(now_ns(CLOCK_PROCESS_CPUTIME_ID) - c0));
	return 0;
}
