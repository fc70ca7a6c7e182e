// SPDX-License-Identifier: MIT
/*
 * The session table. JS never holds a pointer: a session handle is
 * (generation << 32) | (index + 1), checked against the table on every use,
 * so a stale, forged or closed handle is -EBADF, never a dereference.
 * A use holds a reference; close unlinks the handle at once and the state
 * is zeroized and freed when its last in-flight use ends.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "crypto_engine.h"

#define MAX_SESSIONS 65536

enum kind { KIND_CIPHER = 1, KIND_HASH };

struct slot {
	__u32 gen;
	int kind;
	int refs;
	int closed;
	atomic_int busy;	/* hash sessions: one step at a time */
	void *state;
};

static struct slot table[MAX_SESSIONS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static __u32 next_index;
static __u32 live;		/* sessions whose state is allocated */

static void state_free(int kind, void *state)
{
	if (kind == KIND_CIPHER)
		wdc_cipher_state_free(state);
	else
		wdc_hash_state_free(state);
}

int wdc_session_open(const struct wdc_req *r, __u64 *handle)
{
	const struct wdc_param *p = r->p;
	int kind;
	void *state;

	if ((p->flags & ~WDC_F_NOPAD) || p->iv_len || p->tag_len || p->aad_len || p->aad_addr)
		return -EINVAL;
	if (wdc_alg_is_cipher(p->alg)) {
		kind = KIND_CIPHER;
		state = wdc_cipher_state_new(p->alg, r->key, p->key_len);
		if (!state)
			return -EINVAL;	/* wrong key length (or out of memory) */
	} else if (wdc_alg_is_hash(p->alg) || wdc_alg_is_hmac(p->alg)) {
		if (wdc_alg_is_hash(p->alg) && p->key_len)
			return -EINVAL;
		kind = KIND_HASH;
		state = wdc_hash_state_new(p->alg, r->key, p->key_len);
		if (!state)
			return -ENOMEM;
	} else {
		return -EINVAL;
	}
	pthread_mutex_lock(&table_lock);
	for (__u32 n = 0; n < MAX_SESSIONS; n++) {
		__u32 i = (next_index + n) % MAX_SESSIONS;
		struct slot *s = &table[i];

		if (s->state)
			continue;
		s->gen = s->gen + 1 ? s->gen + 1 : 1;	/* never 0: handle 0 is "no session" */
		s->kind = kind;
		s->refs = 0;
		s->closed = 0;
		atomic_store(&s->busy, 0);
		s->state = state;
		next_index = i + 1;
		live++;
		*handle = ((__u64)s->gen << 32) | (i + 1);
		pthread_mutex_unlock(&table_lock);
		return 0;
	}
	pthread_mutex_unlock(&table_lock);
	state_free(kind, state);
	return -ENOMEM;
}

/* Caller holds table_lock. */
static struct slot *lookup(__u64 handle)
{
	__u32 idx = (__u32)handle, gen = (__u32)(handle >> 32);
	struct slot *s;

	if (idx == 0 || idx > MAX_SESSIONS)
		return NULL;
	s = &table[idx - 1];
	if (!s->state || s->closed || s->gen != gen)
		return NULL;
	return s;
}

static void unref_locked(struct slot *s, void **to_free, int *kind)
{
	if (--s->refs == 0 && s->closed) {
		*to_free = s->state;
		*kind = s->kind;
		s->state = NULL;
		live--;
	}
}

int wdc_session_close(__u64 handle)
{
	void *to_free = NULL;
	int kind = 0;
	struct slot *s;

	pthread_mutex_lock(&table_lock);
	s = lookup(handle);
	if (!s) {
		pthread_mutex_unlock(&table_lock);
		return -EBADF;
	}
	s->closed = 1;
	s->refs++;
	unref_locked(s, &to_free, &kind);
	pthread_mutex_unlock(&table_lock);
	if (to_free)
		state_free(kind, to_free);
	return 0;
}

/* Take a reference on the live session `handle`, or NULL (-EBADF). */
static struct slot *acquire(__u64 handle)
{
	struct slot *s;

	pthread_mutex_lock(&table_lock);
	s = lookup(handle);
	if (s)
		s->refs++;
	pthread_mutex_unlock(&table_lock);
	return s;
}

/* Drop it; the last use of a closed session frees (zeroizes) its state. */
static void release(struct slot *s)
{
	void *to_free = NULL;
	int kind = 0;

	pthread_mutex_lock(&table_lock);
	unref_locked(s, &to_free, &kind);
	pthread_mutex_unlock(&table_lock);
	if (to_free)
		state_free(kind, to_free);
}

int wdc_session_run(__u64 handle, __u8 opcode, const struct wdc_req *r, __u32 *produced)
{
	struct slot *s = acquire(handle);
	int ret;

	if (!s)
		return -EBADF;
	if (opcode == WDC_OP_SESSION_CIPHER && s->kind == KIND_CIPHER) {
		ret = wdc_cipher_session(s->state, r, produced);
	} else if (opcode == WDC_OP_SESSION_HASH && s->kind == KIND_HASH) {
		if (atomic_exchange(&s->busy, 1)) {
			ret = -EBUSY;
		} else {
			ret = wdc_hash_session(s->state, r, produced);
			atomic_store(&s->busy, 0);
		}
	} else {
		ret = -EINVAL;
	}
	release(s);
	return ret;
}

/* Whole messages of a cipher session: the handle is checked once per batch. */
int wdc_session_batch(__u64 handle, const struct wdc_param *p, struct wdc_batch_entry *e, __u32 n,
		      struct wd_cqe *cqe)
{
	struct slot *s = acquire(handle);
	int ret;

	if (!s)
		return -EBADF;
	ret = s->kind == KIND_CIPHER ? wdc_cipher_batch(s->state, p, e, n, cqe) : -EBADF;
	release(s);
	return ret;
}

__u32 wdc_session_live(void)
{
	__u32 n;

	pthread_mutex_lock(&table_lock);
	n = live;
	pthread_mutex_unlock(&table_lock);
	return n;
}

/* The library is never unloaded while the process runs; at exit, zeroize. */
__attribute__((destructor)) static void free_all(void)
{
	for (__u32 i = 0; i < MAX_SESSIONS; i++)
		if (table[i].state && table[i].refs == 0)
			state_free(table[i].kind, table[i].state), table[i].state = NULL;
}
