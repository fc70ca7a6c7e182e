/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The crypto engine of wd_soft (opcodes 0x40-0x48): the same protocol as the
 * in-process engine of packages/plugins-crypto (engine/crypto_engine.h is its
 * definition; this is the kernel's copy of the numbers), run through the
 * kernel crypto API.
 */
#ifndef _WD_SOFT_CRYPTO_H
#define _WD_SOFT_CRYPTO_H

#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "wd_soft_drv.h"

enum wdc_op {
	WDC_OP_CIPHER		= 0x40,
	WDC_OP_DIGEST		= 0x41,
	WDC_OP_SESSION_OPEN	= 0x42,
	WDC_OP_SESSION_CLOSE	= 0x43,
	WDC_OP_SESSION_CIPHER	= 0x44,
	WDC_OP_SESSION_HASH	= 0x45,
	WDC_OP_INFO		= 0x46,
	WDC_OP_SESSION_BATCH	= 0x47,
	WDC_OP_DIGEST_BATCH	= 0x48,
	WDC_OP_LAST		= WDC_OP_DIGEST_BATCH,
};

enum wdc_alg {
	WDC_ALG_AES_128_GCM = 1, WDC_ALG_AES_192_GCM, WDC_ALG_AES_256_GCM,
	WDC_ALG_AES_128_CTR, WDC_ALG_AES_192_CTR, WDC_ALG_AES_256_CTR,
	WDC_ALG_AES_128_CBC, WDC_ALG_AES_192_CBC, WDC_ALG_AES_256_CBC,
	WDC_ALG_CIPHER_LAST = WDC_ALG_AES_256_CBC,
	WDC_ALG_SHA1 = 16, WDC_ALG_SHA224, WDC_ALG_SHA256, WDC_ALG_SHA384,
	WDC_ALG_SHA512,
	WDC_ALG_HMAC_SHA256 = 32, WDC_ALG_HMAC_SHA384, WDC_ALG_HMAC_SHA512,
};

#define WDC_F_DECRYPT	(1U << 0)
#define WDC_F_NOPAD	(1U << 1)
#define WDC_F_INIT	(1U << 2)
#define WDC_F_FINAL	(1U << 3)
#define WDC_F_VALID	(WDC_F_DECRYPT | WDC_F_NOPAD | WDC_F_INIT | WDC_F_FINAL)

#define WDC_TAG_MAX	16
#define WDC_IV_MAX	128
#define WDC_KEY_MAX	1024

/* Bounce buffer of the crypto engine: kmalloc memory, so it can be an SG. */
#define WDC_CHUNK	(32 * 1024)
/* Sessions one queue may hold at once (each owns tfms: bounded memory). */
#define WDC_MAX_SESSIONS	1024

/* Little-endian parameter block header; IV then key follow it. */
struct wdc_param {
	u32 alg;
	u32 flags;
	u16 key_len;
	u16 iv_len;
	u16 tag_len;
	u16 resv0;
	u64 aad_addr;
	u32 aad_len;
	u32 resv1;
	u8 tag[WDC_TAG_MAX];
};

#define WDC_PARAM_TAG_OFF	32

/* Batches: entries per SQE, and entries read from the table at a time. */
#define WDC_BATCH_MAX	1024
#define WDC_BATCH_CHUNK	16

/* One whole message of a batch, little-endian, in the caller's table. */
struct wdc_batch_entry {
	u64 src_addr;
	u64 dst_addr;
	u64 iv_addr;
	u64 tag_addr;
	u32 src_len;
	u32 dst_len;
	u16 iv_len;
	u16 resv0;
	s32 status;		/* written back with produced, 8 bytes */
	u32 produced;
	u32 resv1;
	u64 resv2;
};

static_assert(sizeof(struct wdc_batch_entry) == 64);
static_assert(offsetof(struct wdc_batch_entry, status) == 44);
static_assert(offsetof(struct wdc_batch_entry, produced) == 48);

/* A request after parsing: the param block is copied into the kernel. */
struct wdc_req {
	struct wdc_param p;
	const u8 *iv;
	const u8 *key;
	u64 tag_addr;		/* GCM encrypt: where the tag goes */
	u64 src, dst;
	u32 src_len, dst_len;
};

/* Cipher stream state: one message, one-shot or a session stream. */
struct wdc_cstate {
	u32 alg;
	u32 flags;		/* WDC_F_DECRYPT | WDC_F_NOPAD of the message */
	bool active;
	struct crypto_sync_skcipher *tfm;	/* ctr(aes) or cbc(aes), keyed */
	struct crypto_shash *ghash;		/* GCM: keyed with H */
	struct shash_desc *gdesc;		/* GCM: the running GHASH */
	u8 ctr[16];		/* next counter block; CBC: chaining value */
	u8 ekj0[16];		/* GCM: E(K, J0) */
	u8 ks[16];		/* keystream of a partly used block */
	u32 ks_used;		/* 16: no keystream left */
	u8 buf[16];		/* CBC: bytes held back */
	u32 buf_len;
	u32 gfed;		/* GCM: bytes fed to GHASH since last pad */
	u64 aad_len, msg_len;
};

struct wdc_session;

/* Per-queue state, created on the first crypto SQE, used by the worker only. */
struct wd_crypto {
	struct xarray sessions;		/* id -> struct wdc_session */
	u32 next_id;
	u32 gen;
	u32 live;
	u8 *buf;			/* WDC_CHUNK bytes */
	u8 param[sizeof(struct wdc_param) + WDC_IV_MAX + WDC_KEY_MAX];
	/* one-shot requests: tfms per mode/hash, keyed per request */
	struct crypto_sync_skcipher *ctr, *cbc;
	struct crypto_shash *ghash;
	struct shash_desc *gdesc;
	struct crypto_shash *hash[WDC_ALG_HMAC_SHA512 + 1];
	struct wdc_cstate one;		/* state of the one-shot message */
	struct wdc_batch_entry batch[WDC_BATCH_CHUNK];	/* entries being run */
};

/* wd_soft_crypto_cipher.c */
bool wdc_alg_is_cipher(u32 alg);
bool wdc_alg_is_gcm(u32 alg);
bool wdc_alg_is_cbc(u32 alg);
u32 wdc_key_len(u32 alg);
bool wdc_tag_len_ok(u32 n);
u64 wdc_cipher_out_bound(u32 alg, u32 flags, u64 total);
int wdc_cipher_check(const struct wdc_req *r, bool need_key);
int wdc_cipher_setkey(struct wdc_cstate *s, const u8 *key, u32 key_len);
int wdc_cipher_start(struct wd_queue *q, struct wdc_cstate *s, const struct wdc_req *r);
int wdc_cipher_step(struct wd_queue *q, struct wdc_cstate *s, const struct wdc_req *r,
		    u32 *produced);
struct crypto_sync_skcipher *wdc_alloc_skcipher(u32 alg);
struct crypto_shash *wdc_alloc_ghash(void);

/* wd_soft_crypto_hash.c */
bool wdc_alg_is_hash(u32 alg);
bool wdc_alg_is_hmac(u32 alg);
u32 wdc_digest_len(u32 alg);
struct crypto_shash *wdc_alloc_shash(u32 alg);
int wdc_hash_update(struct wd_queue *q, struct shash_desc *d, u64 src, u32 len);

/* wd_soft_crypto_session.c */
int wdc_session_open(struct wd_queue *q, const struct wdc_req *r, u64 *handle);
int wdc_session_close(struct wd_queue *q, u64 handle);
int wdc_session_run(struct wd_queue *q, u64 handle, u8 opcode, const struct wdc_req *r,
		    u32 *produced);
int wdc_session_cipher_check(struct wd_queue *q, u64 handle, u32 alg);
void wdc_sessions_free(struct wd_crypto *c);

/* wd_soft_crypto.c */
int wdc_wipe(struct wd_queue *q, u64 dst, u64 n);
int wdc_parse_param(struct wd_queue *q, const struct wd_sqe *sqe, struct wdc_req *r);
int wdc_check_buffers(struct wd_queue *q, const struct wdc_req *r);
bool wdc_partial_overlap(const struct wdc_req *r);
int wdc_check_message(const struct wdc_req *r, bool need_key);
int wdc_check_digest_param(const struct wdc_param *p);
struct shash_desc *wdc_digest_desc(struct wd_queue *q, const struct wdc_req *r);
int wdc_digest_run(struct wd_queue *q, struct shash_desc *d, const struct wdc_req *r,
		   u32 *produced);

/* wd_soft_crypto_batch.c */
int wdc_batch(struct wd_queue *q, const struct wd_sqe *sqe, struct wd_cqe *cqe);

#endif /* _WD_SOFT_CRYPTO_H */
