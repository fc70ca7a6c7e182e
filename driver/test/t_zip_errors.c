// SPDX-License-Identifier: GPL-2.0
/*
 * One-shot zip failures: corrupt, truncated, bad-checksum, bad-header and
 * trailing input give -EBADMSG with the soft engine's cqe.detail; a short
 * dst is -ENOSPC with nothing written past dst_len; unmapped or read-only
 * memory is -EFAULT; malformed descriptors are -EINVAL.
 */
#include <sys/mman.h>

#include "wd_zip.h"

const char *wd_test_name = "zip_errors";

static struct wdq q;
#define N 200000
static uint8_t *src, *gz, *out;
static long gz_len;

static void expect(const void *in, uint32_t n, uint32_t flags, int status,
		   unsigned int detail, const char *what)
{
	struct wd_cqe c;

	zrun(&q, ZOP_DECOMPRESS, flags, in, n, out, N + 64, &c);
	CHECK(c.status == status && c.detail == detail,
	      "%s: status %d detail %u", what, c.status, c.detail);
	/* trailing data: consumed says where the valid data ends */
	if (status && detail == ZD_TRAILING)
		CHECK((long)c.consumed == gz_len && !c.produced,
		      "%s: consumed %u", what, c.consumed);
	else if (status)
		CHECK(!c.consumed && !c.produced, "%s: lens on failure", what);
}

static void bad_data(void)
{
	static const uint8_t junk[] = { 0xff, 0xff, 0xff };
	static const uint8_t fdict[] = { 0x78, 0xbb, 0, 0, 0, 1 };
	uint8_t *b = malloc(gz_len + 16);
	uint8_t zl[64];
	long n;

	expect(junk, 3, ZF_DEFLATE, -EBADMSG, ZD_STREAM, "corrupt deflate");
	expect(gz, gz_len / 2, ZF_GZIP, -EBADMSG, ZD_TRUNCATED, "half gzip");
	expect(gz, gz_len - 3, ZF_AUTO, -EBADMSG, ZD_TRUNCATED, "cut trailer");
	expect(gz, 5, ZF_GZIP, -EBADMSG, ZD_TRUNCATED, "cut header");
	expect(gz, 0, ZF_AUTO, -EBADMSG, ZD_TRUNCATED, "empty auto");
	expect(gz, 0, ZF_DEFLATE, -EBADMSG, ZD_TRUNCATED, "empty raw");
	memcpy(b, gz, gz_len);
	b[gz_len - 8] ^= 0xff;
	expect(b, gz_len, ZF_GZIP, -EBADMSG, ZD_CHECKSUM, "bad crc");
	b[gz_len - 8] ^= 0xff;
	b[gz_len - 1] ^= 1;
	expect(b, gz_len, ZF_GZIP, -EBADMSG, ZD_CHECKSUM, "bad isize");
	b[gz_len - 1] ^= 1;
	memcpy(b + gz_len, "garbage", 7);
	expect(b, gz_len + 7, ZF_GZIP, -EBADMSG, ZD_TRAILING, "trailing");
	expect(b, gz_len + 7, ZF_GZIP | ZF_MULTI, -EBADMSG, ZD_TRAILING,
	       "multi trailing");
	b[0] = 0x1e;
	expect(b, gz_len, ZF_GZIP, -EBADMSG, ZD_HEADER, "magic");
	b[0] = 0x1f;
	b[2] = 7;
	expect(b, gz_len, ZF_GZIP, -EBADMSG, ZD_HEADER, "method");
	b[2] = 8;
	b[3] = 0x20;
	expect(b, gz_len, ZF_GZIP, -EBADMSG, ZD_HEADER, "reserved flag");
	b[3] = 0;
	expect(b, gz_len, ZF_ZLIB, -EBADMSG, ZD_HEADER, "gzip as zlib");
	expect(fdict, sizeof(fdict), ZF_ZLIB, -EBADMSG, ZD_HEADER, "FDICT");
	n = ref_deflate(ZF_ZLIB, 6, "abcabc", 6, zl, sizeof(zl));
	zl[n - 1] ^= 1;
	expect(zl, n, ZF_ZLIB, -EBADMSG, ZD_CHECKSUM, "bad adler");
	zl[1] ^= 1;
	expect(zl, n, ZF_ZLIB, -EBADMSG, ZD_HEADER, "bad FCHECK");
	free(b);
}

/* A gzip member with FHCRC, FNAME, FEXTRA from userspace zlib. */
static void header_crc(void)
{
	uint8_t b[256], extra[3] = { 'a', 'b', 'c' };
	gz_header h = { .extra = extra, .extra_len = 3,
			.name = (Bytef *)"name", .hcrc = 1, .time = 7 };
	struct wd_sqe s;
	struct wd_cqe c;
	z_stream z;
	long n;

	memset(&z, 0, sizeof(z));
	CHECK(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) ==
	      Z_OK && deflateSetHeader(&z, &h) == Z_OK, "zlib header");
	z.next_in = (Bytef *)"hcrc";
	z.avail_in = 4;
	z.next_out = b;
	z.avail_out = sizeof(b);
	CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END, "deflate");
	n = z.total_out;
	deflateEnd(&z);
	expect(b, n, ZF_GZIP, 0, ZD_NONE, "FHCRC header");
	/* the header CRC sits after "name\0" (10 + 2 + 3 + 5 bytes) */
	b[20] ^= 1;
	expect(b, n, ZF_GZIP, -EBADMSG, ZD_HEADER, "bad header CRC");
	/* a valid header block as the compress parameter is written as is */
	b[20] ^= 1;
	{
		zprep(&s, ZOP_COMPRESS, ZF_GZIP | ZF_LEVEL(6), "param", 5, out,
		      256);
		s.param_addr = (uintptr_t)b;
		s.param_len = 22;
		CHECK(!wd_run_one(&q, &s, &c) && c.status == 0 &&
		      !memcmp(out, b, 22), "param header: %d", c.status);
		CHECK(ref_inflate(ZF_GZIP, out, c.produced, src, N) == 5 &&
		      !memcmp(src, "param", 5), "param header decodes");
		s.param_len = 21;
		CHECK(!wd_run_one(&q, &s, &c) && c.status == -EINVAL &&
		      c.detail == ZD_BAD_PARAM, "short param");
		s.op_flags = ZF_ZLIB;
		s.param_len = 22;
		CHECK(!wd_run_one(&q, &s, &c) && c.status == -EINVAL &&
		      c.detail == ZD_NONE, "param on zlib");
	}
}

static void no_space(void)
{
	struct wd_cqe c;
	int lvl;

	/* decompress into one byte less: -ENOSPC, the guard stays */
	memset(out, 0xee, N + 64);
	zrun(&q, ZOP_DECOMPRESS, ZF_GZIP, gz, gz_len, out, N - 1, &c);
	CHECK(c.status == -ENOSPC && c.detail == ZD_NONE, "decompress enospc %d",
	      c.status);
	CHECK(out[N - 1] == 0xee && out[N] == 0xee, "wrote past dst_len");
	zrun(&q, ZOP_DECOMPRESS, ZF_GZIP, gz, gz_len, out, 0, &c);
	CHECK(c.status == -ENOSPC, "decompress into nothing");
	for (lvl = 0; lvl <= 9; lvl += 3) {
		memset(out, 0xee, N + 64);
		zrun(&q, ZOP_COMPRESS, ZF_ZLIB | ZF_LEVEL(lvl), src, N, out,
		     1000, &c);
		CHECK(c.status == -ENOSPC && !c.produced, "compress %d enospc %d",
		      lvl, c.status);
		CHECK(out[1000] == 0xee, "compress wrote past dst_len");
	}
	/* level 0 needs the stored bound; one byte less is -ENOSPC */
	zrun(&q, ZOP_COMPRESS, ZF_DEFLATE, src, 100, out, 104, &c);
	CHECK(c.status == -ENOSPC, "stored bound");
	zrun(&q, ZOP_COMPRESS, ZF_DEFLATE, src, 100, out, 105, &c);
	CHECK(c.status == 0 && c.produced == 105, "stored fits");
	zrun(&q, ZOP_COMPRESS, ZF_GZIP, src, 0, out, 17, &c);
	CHECK(c.status == -ENOSPC, "gzip header + trailer");
}

static void faults(void)
{
	uint8_t *hole = mmap(NULL, 8192, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *ro = mmap(NULL, 4096, PROT_READ,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct wd_cqe c;

	CHECK(hole != MAP_FAILED && ro != MAP_FAILED, "mmap");
	zrun(&q, ZOP_COMPRESS, ZF_GZIP | ZF_LEVEL(1), hole, 100, out, 4096, &c);
	CHECK(c.status == -EFAULT, "unmapped src %d", c.status);
	zrun(&q, ZOP_COMPRESS, ZF_GZIP | ZF_LEVEL(1), src, 100, hole, 4096, &c);
	CHECK(c.status == -EFAULT, "unmapped dst %d", c.status);
	zrun(&q, ZOP_DECOMPRESS, ZF_GZIP, gz, gz_len, ro, 4096, &c);
	CHECK(c.status == -EFAULT, "read-only dst %d", c.status);
	zrun(&q, ZOP_DECOMPRESS, ZF_GZIP, (void *)0xffffffff81000000ULL, 64,
	     out, 4096, &c);
	CHECK(c.status == -EFAULT, "kernel src %d", c.status);
	munmap(hole, 8192);
	munmap(ro, 4096);
}

static void einval(struct wd_sqe *s, const char *what)
{
	struct wd_cqe c;

	CHECK(!wd_run_one(&q, s, &c) && c.status == -EINVAL, "%s: %d", what,
	      c.status);
	/* the next case starts from a valid gzip compress again */
	zprep(s, ZOP_COMPRESS, ZF_GZIP, src, 10, out, 100);
}

static void invalid(void)
{
	struct wd_sqe s;
	struct wd_cqe c;

	zprep(&s, ZOP_COMPRESS, ZF_GZIP, src, 10, out, 100);
	CHECK(!wd_run_one(&q, &s, &c) && c.status == 0, "valid base");
	s.flags = WD_SQE_F_SRC_SGL;
	einval(&s, "SGL");
	s.flags = WD_SQE_F_FENCE;
	einval(&s, "fence");
	s.aux = 1;
	einval(&s, "aux");
	s.resv0 = 1;
	einval(&s, "resv0");
	s.ctx_addr = 1;
	einval(&s, "ctx_addr");
	s.op_flags = ZF_GZIP | ZF_LEVEL(10);
	einval(&s, "level 10");
	s.op_flags = ZF_AUTO;
	einval(&s, "auto compress");
	s.op_flags |= 1u << 12;
	einval(&s, "unknown op_flags");
	s.src_addr = 0;
	einval(&s, "NULL src");
	s.param_addr = (uintptr_t)gz;
	einval(&s, "param_addr without length");
	s.opcode = ZOP_DECOMPRESS;
	s.param_addr = (uintptr_t)gz;
	s.param_len = 1;
	einval(&s, "decompress param");
	s.opcode = ZOP_INFO;
	einval(&s, "INFO with buffers");
	zprep(&s, 0x17, 0, NULL, 0, NULL, 0);
	CHECK(!wd_run_one(&q, &s, &c) && c.status == -EOPNOTSUPP, "0x17");
}

int main(void)
{
	wd_require_device(0);
	src = malloc(N);
	gz = malloc(N + 1024);
	out = malloc(N + 64);
	CHECK(src && gz && out, "alloc");
	zfill(src, N, 3, true);
	gz_len = ref_deflate(ZF_GZIP, 6, src, N, gz, N + 1024);
	CHECK(gz_len > 0, "reference gzip");
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	bad_data();
	header_crc();
	no_space();
	faults();
	invalid();
	wd_queue_close(&q);
	return T_PASS;
}
