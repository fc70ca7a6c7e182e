/* SPDX-License-Identifier: MIT */
/*
 * crypto_engine.h - opcodes, algorithm ids and the parameter block of the
 * crypto engine (opcode range 0x40-0x7f of wd_soft.h). The TypeScript mirror
 * is packages/plugins-crypto/src/abi.ts; README "Descriptor layout" documents
 * both.
 */
#ifndef WD_CRYPTO_ENGINE_H
#define WD_CRYPTO_ENGINE_H

#include <stddef.h>
#include <warpdrive/engine.h>

enum wdc_op {
	WDC_OP_CIPHER		= 0x40,	/* one-shot AES, key in the param block */
	WDC_OP_DIGEST		= 0x41,	/* one-shot SHA / HMAC; digest to dst */
	WDC_OP_SESSION_OPEN	= 0x42,	/* param: alg + key; cqe.aux = handle */
	WDC_OP_SESSION_CLOSE	= 0x43,	/* ctx_addr = handle; key zeroized */
	WDC_OP_SESSION_CIPHER	= 0x44,	/* ctx_addr = handle; message or stream step */
	WDC_OP_SESSION_HASH	= 0x45,	/* ctx_addr = handle; update [+ final] */
	WDC_OP_INFO		= 0x46,	/* dst = text: OpenSSL version and origin; aux = live sessions */
	WDC_OP_SESSION_BATCH	= 0x47,	/* ctx_addr = cipher handle; src = entry table: whole messages */
	WDC_OP_DIGEST_BATCH	= 0x48,	/* src = entry table: one-shot SHA / HMAC of each entry */
	WDC_OP_LAST		= 0x48,
};

enum wdc_alg {
	WDC_ALG_AES_128_GCM = 1, WDC_ALG_AES_192_GCM, WDC_ALG_AES_256_GCM,
	WDC_ALG_AES_128_CTR, WDC_ALG_AES_192_CTR, WDC_ALG_AES_256_CTR,
	WDC_ALG_AES_128_CBC, WDC_ALG_AES_192_CBC, WDC_ALG_AES_256_CBC,
	WDC_ALG_CIPHER_LAST = WDC_ALG_AES_256_CBC,
	WDC_ALG_SHA1 = 16, WDC_ALG_SHA224, WDC_ALG_SHA256, WDC_ALG_SHA384, WDC_ALG_SHA512,
	WDC_ALG_HMAC_SHA256 = 32, WDC_ALG_HMAC_SHA384, WDC_ALG_HMAC_SHA512,
};

/* wdc_param.flags */
#define WDC_F_DECRYPT	(1U << 0)	/* cipher: decrypt (else encrypt) */
#define WDC_F_NOPAD	(1U << 1)	/* CBC: no PKCS#7 padding */
#define WDC_F_INIT	(1U << 2)	/* session cipher: start a message (IV, AAD) */
#define WDC_F_FINAL	(1U << 3)	/* session cipher/hash: finish (tag / digest) */
#define WDC_F_VALID	(WDC_F_DECRYPT | WDC_F_NOPAD | WDC_F_INIT | WDC_F_FINAL)

#define WDC_TAG_MAX	16
#define WDC_IV_MAX	128	/* GCM IVs up to 1024 bits (CAVP's longest) */
#define WDC_KEY_MAX	1024	/* HMAC keys; AES keys are 16/24/32 */

/*
 * Parameter block, little-endian, referenced by sqe.param_addr; param_len
 * must be exactly sizeof(struct wdc_param) + iv_len + key_len. The IV follows
 * the header, the key follows the IV. tag[] is read on GCM decrypt and
 * written on GCM encrypt (first tag_len bytes).
 */
struct wdc_param {
	__u32 alg;		/* enum wdc_alg */
	__u32 flags;		/* WDC_F_* */
	__u16 key_len;
	__u16 iv_len;
	__u16 tag_len;
	__u16 resv0;		/* must be zero */
	__u64 aad_addr;		/* GCM additional data (process VA) */
	__u32 aad_len;
	__u32 resv1;		/* must be zero */
	__u8  tag[WDC_TAG_MAX];
	/* __u8 iv[iv_len]; __u8 key[key_len]; */
};

_Static_assert(sizeof(struct wdc_param) == 48, "param header is 48 bytes");
_Static_assert(offsetof(struct wdc_param, aad_addr) == 16, "aad_addr at 16");
_Static_assert(offsetof(struct wdc_param, tag) == 32, "tag at 32");

/*
 * Batches (WDC_OP_SESSION_BATCH, WDC_OP_DIGEST_BATCH): one SQE carries many
 * independent whole messages, so the per-descriptor cost (ring slot, session
 * lookup, doorbell, completion, JS encode/decode) is paid once per batch.
 *
 *   sqe.src_addr  -> struct wdc_batch_entry[sqe.src_len], 1..WDC_BATCH_MAX
 *   sqe.dst_addr, dst_len, op_flags, flags, aux: 0
 *   sqe.ctx_addr  SESSION_BATCH: the cipher session; DIGEST_BATCH: 0
 *   param block   alg; flags DECRYPT/NOPAD only (INIT|FINAL are implied);
 *                 iv_len 0 (IVs are per entry); GCM: tag_len and the AAD,
 *                 shared by every message; DIGEST_BATCH: the HMAC key.
 *
 * Whole-SQE faults (bad fields, bad handle, unreadable table) fail the CQE
 * and no entry is touched. Otherwise every entry runs, in order, each with
 * the checks of its single-message opcode; its outcome is written back into
 * the entry (status, produced). cqe.status = 0, cqe.aux = entries that
 * failed, cqe.consumed/produced = bytes read/written by the entries that
 * succeeded (each sum saturates at 2^32 - 1).
 */
#define WDC_BATCH_MAX	1024

struct wdc_batch_entry {
	__u64 src_addr;
	__u64 dst_addr;
	__u64 iv_addr;		/* SESSION_BATCH: iv_len bytes; DIGEST_BATCH: 0 */
	__u64 tag_addr;		/* GCM: tag_len bytes, read to decrypt, written by encrypt; else 0 */
	__u32 src_len;
	__u32 dst_len;
	__u16 iv_len;
	__u16 resv0;		/* must be zero */
	__s32 status;		/* out: 0 or -errno of this message (any value in) */
	__u32 produced;		/* out: bytes written to dst */
	__u32 resv1;		/* must be zero */
	__u64 resv2;		/* must be zero */
};

_Static_assert(sizeof(struct wdc_batch_entry) == 64, "batch entry is 64 bytes");
_Static_assert(offsetof(struct wdc_batch_entry, status) == 44, "status at 44");

/* The parsed request, pointers into the param block. */
struct wdc_req {
	const struct wdc_param *p;
	const unsigned char *iv;
	const unsigned char *key;
	const unsigned char *aad;
	const unsigned char *src;
	unsigned char *dst;
	__u32 src_len;
	__u32 dst_len;
};

/* cipher.c */
int wdc_alg_is_cipher(__u32 alg);
int wdc_alg_is_gcm(__u32 alg);
int wdc_alg_is_cbc(__u32 alg);
int wdc_cipher_check(const struct wdc_req *r, int need_key);
__u64 wdc_cipher_out_bound(__u32 alg, __u32 flags, __u64 total);
int wdc_cipher_oneshot(const struct wdc_req *r, __u32 *produced);
struct wdc_cipher_state;
struct wdc_cipher_state *wdc_cipher_state_new(__u32 alg, const unsigned char *key, __u32 key_len);
void wdc_cipher_state_free(struct wdc_cipher_state *s);
int wdc_cipher_session(struct wdc_cipher_state *s, const struct wdc_req *r, __u32 *produced);
/* A prepared context of a session, held for several whole messages. */
struct wdc_cipher_lease {
	struct wdc_cipher_state *s;
	void *ctx;		/* EVP_CIPHER_CTX, keyed */
	__u16 ivlen;
	int enc;
};
int wdc_cipher_lease(struct wdc_cipher_state *s, __u32 alg, int enc, struct wdc_cipher_lease *l);
int wdc_cipher_leased_message(struct wdc_cipher_lease *l, const struct wdc_req *r, __u32 *produced);
void wdc_cipher_unlease(struct wdc_cipher_lease *l);

/* hash.c */
int wdc_alg_is_hash(__u32 alg);
int wdc_alg_is_hmac(__u32 alg);
__u32 wdc_digest_len(__u32 alg);
int wdc_digest_oneshot(const struct wdc_req *r, __u32 *produced);
struct wdc_hash_state;
struct wdc_hash_state *wdc_hash_state_new(__u32 alg, const unsigned char *key, __u32 key_len);
void wdc_hash_state_free(struct wdc_hash_state *s);
int wdc_hash_session(struct wdc_hash_state *s, const struct wdc_req *r, __u32 *produced);

/* session.c */
int wdc_session_open(const struct wdc_req *r, __u64 *handle);
int wdc_session_close(__u64 handle);
int wdc_session_run(__u64 handle, __u8 opcode, const struct wdc_req *r, __u32 *produced);
__u32 wdc_session_live(void);
int wdc_session_batch(__u64 handle, const struct wdc_param *p, struct wdc_batch_entry *e, __u32 n,
		      struct wd_cqe *cqe);

/* engine.c: the checks of one whole message, shared with batch entries */
int wdc_check_message(const struct wdc_req *r, int need_key);
int wdc_check_digest(const struct wdc_req *r);

/* batch.c */
int wdc_cipher_batch(struct wdc_cipher_state *s, const struct wdc_param *p, struct wdc_batch_entry *e,
		     __u32 n, struct wd_cqe *cqe);
int wdc_digest_batch(const struct wdc_req *r, struct wdc_batch_entry *e, __u32 n, struct wd_cqe *cqe);

#endif /* WD_CRYPTO_ENGINE_H */
