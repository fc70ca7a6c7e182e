// SPDX-License-Identifier: MIT
/*
 * scratch.c - per-thread engine state. Several device workers (and the JS
 * thread on the inline path) run requests at once; libdeflate compressors
 * and ISA-L level buffers are not shareable, so each thread keeps its own,
 * created on first use and freed by a pthread key destructor at thread exit.
 */
#include <pthread.h>
#include <stdlib.h>
#include <libdeflate.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>
#include "zip_engine.h"

#define LDC_LEVELS 13

struct scratch {
	struct libdeflate_compressor *ldc[LDC_LEVELS];
	struct libdeflate_decompressor *ldd;
	uint8_t *isal_buf;
	uint32_t isal_size;
	struct isal_zstream *isal_stream;	/* 82 KB: too big for a worker's stack */
	z_stream *inflater;	/* raw inflate, reset per use */
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static __thread struct scratch *tls;

static void scratch_free(void *p)
{
	struct scratch *s = p;
	int i;

	for (i = 0; i < LDC_LEVELS; i++)
		if (s->ldc[i])
			libdeflate_free_compressor(s->ldc[i]);
	if (s->ldd)
		libdeflate_free_decompressor(s->ldd);
	free(s->isal_buf);
	free(s->isal_stream);
	if (s->inflater) {
		inflateEnd(s->inflater);
		free(s->inflater);
	}
	free(s);
}

static void scratch_key_init(void)
{
	pthread_key_create(&scratch_key, scratch_free);
}

static struct scratch *scratch(void)
{
	if (tls)
		return tls;
	pthread_once(&scratch_once, scratch_key_init);
	tls = calloc(1, sizeof(*tls));
	if (tls)
		pthread_setspecific(scratch_key, tls);
	return tls;
}

struct libdeflate_compressor *zip_ldc(int level)
{
	struct scratch *s = scratch();

	if (!s || level < 0 || level >= LDC_LEVELS)
		return NULL;
	if (!s->ldc[level])
		s->ldc[level] = libdeflate_alloc_compressor(level);
	return s->ldc[level];
}

struct libdeflate_decompressor *zip_ldd(void)
{
	struct scratch *s = scratch();

	if (!s)
		return NULL;
	if (!s->ldd)
		s->ldd = libdeflate_alloc_decompressor();
	return s->ldd;
}

/* One buffer big enough for every ISA-L level (the level-3 default is the largest). */
uint8_t *zip_isal_buf(unsigned level, uint32_t *size)
{
	static const uint32_t sizes[] = { ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT,
					  ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT };
	struct scratch *s = scratch();

	if (!s || level > 3)
		return NULL;
	if (!s->isal_buf) {
		uint32_t max = 0;
		unsigned i;

		for (i = 0; i < 4; i++)
			if (sizes[i] > max)
				max = sizes[i];
		s->isal_buf = malloc(max);
		if (!s->isal_buf)
			return NULL;
		s->isal_size = max;
	}
	*size = sizes[level];
	return s->isal_buf;
}

struct isal_zstream *zip_isal_stream(void)
{
	struct scratch *s = scratch();

	if (!s)
		return NULL;
	if (!s->isal_stream)
		s->isal_stream = malloc(sizeof(*s->isal_stream));
	return s->isal_stream;
}

/* A raw-deflate zlib inflater, reset for a new stream. */
z_stream *zip_inflater(void)
{
	struct scratch *s = scratch();

	if (!s)
		return NULL;
	if (!s->inflater) {
		z_stream *z = calloc(1, sizeof(*z));

		if (!z)
			return NULL;
		if (inflateInit2(z, -15) != Z_OK) {
			free(z);
			return NULL;
		}
		s->inflater = z;
		return z;
	}
	return inflateReset(s->inflater) == Z_OK ? s->inflater : NULL;
}
