// SPDX-License-Identifier: GPL-2.0
/*
 * Known answers: AES-CBC/CTR (NIST SP 800-38A F.2, F.5), AES-GCM (the
 * McGrew-Viega test cases of the GCM spec / SP 800-38D: empty, one block,
 * AAD, 8- and 60-byte IVs) for every key size, SHA-1/2 of "abc" (FIPS 180)
 * and HMAC-SHA-2 test case 2 of RFC 4231; each encryption is decrypted back.
 */
#include "t_crypto.h"

const char *wd_test_name = "crypto_kat";

static struct wdq q;

#define P38A "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51;" \
	     "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710"

static const struct {
	uint32_t alg;
	const char *key, *iv, *ct;
} sp800_38a[] = {
	{ CBC128, "2b7e151628aed2a6abf7158809cf4f3c", "000102030405060708090a0b0c0d0e0f",
	  "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2;"
	  "73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7" },
	{ CBC192, "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
	  "000102030405060708090a0b0c0d0e0f",
	  "4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a;"
	  "571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd" },
	{ CBC256, "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "000102030405060708090a0b0c0d0e0f",
	  "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d;"
	  "39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b" },
	{ CTR128, "2b7e151628aed2a6abf7158809cf4f3c", "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff;"
	  "5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee" },
	{ CTR192, "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "1abc932417521ca24f2b0459fe7e6e0b 090339ec0aa6faefd5ccc2c6f4ce8e94;"
	  "1e36b26bd1ebc670d1bd1d665620abf7 4f78a7f6d29809585a97daec58c6b050" },
	{ CTR256, "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5;"
	  "2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6" },
};

#define K3 "feffe9928665731c6d6a8f9467308308"
#define P3 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72;" \
	   "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define P4 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72;" \
	   "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define A4 "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define Z16 "00000000000000000000000000000000"

static const struct {
	uint32_t alg;
	const char *key, *iv, *aad, *pt, *ct, *tag;
} gcm[] = {
	{ GCM128, Z16, "000000000000000000000000", "", "", "",
	  "58e2fccefa7e3061367f1d57a4e7455a" },
	{ GCM128, Z16, "000000000000000000000000", "", Z16, "0388dace60b6a392f328c2b971b2fe78",
	  "ab6e47d42cec13bdf53a67b21257bddf" },
	{ GCM128, K3, "cafebabefacedbaddecaf888", "", P3,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e;"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	{ GCM128, K3, "cafebabefacedbaddecaf888", A4, P4,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e;"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ GCM128, K3, "cafebabefacedbad", A4, P4,
	  "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423;"
	  "73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598",
	  "3612d2e79e3b0785561be14aaca2fccb" },
	{ GCM128, K3, "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728;"
	  "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b", A4, P4,
	  "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca7;"
	  "01e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5",
	  "619cc5aefffe0bfa462af43c1699d050" },
	{ GCM192, Z16 "0000000000000000", "000000000000000000000000", "", "", "",
	  "cd33b28ac773f74ba00ed1f312572435" },
	{ GCM192, Z16 "0000000000000000", "000000000000000000000000", "", Z16,
	  "98e7247c07f0fe411c267e4384b0f600", "2ff58d80033927ab8ef4d4587514f0fb" },
	{ GCM256, Z16 Z16, "000000000000000000000000", "", "", "",
	  "530f8afbc74536b9a963b4f1c4cb738b" },
	{ GCM256, Z16 Z16, "000000000000000000000000", "", Z16,
	  "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919" },
	{ GCM256, K3 K3, "cafebabefacedbaddecaf888", "", P3,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa;"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
	  "b094dac5d93471bdec1a502270e3cc6c" },
	{ GCM256, K3 K3, "cafebabefacedbaddecaf888", A4, P4,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa;"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
};

static const struct {
	uint32_t alg;
	const char *key, *msg, *md;
} hashes[] = {
	{ SHA1, NULL, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ SHA224, NULL, "abc", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7" },
	{ SHA256, NULL, "abc",
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ SHA384, NULL, "abc",
	  "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed;"
	  "8086072ba1e7cc2358baeca134c825a7" },
	{ SHA512, NULL, "abc",
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a;"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
	{ HMAC256, "Jefe", "what do ya want for nothing?",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ HMAC384, "Jefe", "what do ya want for nothing?",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e;"
	  "8e2240ca5e69e2c78b3239ecfab21649" },
	{ HMAC512, "Jefe", "what do ya want for nothing?",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554;"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
};

/* Encrypt pt, expect ct (and tag); decrypt ct back to pt. */
static void cipher_kat(const char *name, uint32_t alg, uint32_t flags, const uint8_t *key,
		       size_t klen, const uint8_t *iv, size_t ivlen, const uint8_t *aad,
		       size_t alen, const uint8_t *pt, size_t n, const uint8_t *ct,
		       const uint8_t *tag, size_t tlen)
{
	struct creq r = { .op = OP_CIPHER, .alg = alg, .flags = F_MSG | flags, .key = key,
			  .key_len = klen, .iv = iv, .iv_len = ivlen, .tag_len = tlen,
			  .aad = alen ? aad : NULL, .aad_len = alen, .src = pt, .src_len = n };
	uint8_t out[128];
	struct wdc_param p;
	struct wd_cqe c;

	memset(out, 0xee, sizeof(out));
	r.dst = n ? out : NULL;
	r.dst_len = n;
	c = crun(&q, &p, &r);
	CHECK(c.status == 0 && c.produced == n && c.consumed == n, "%s enc: %d %u", name,
	      c.status, c.produced);
	CHECK(!memcmp(out, ct, n) && out[n] == 0xee, "%s: ciphertext", name);
	CHECK(!tlen || !memcmp(p.tag, tag, tlen), "%s: tag", name);
	memset(out, 0xee, sizeof(out));
	r.flags |= F_DEC;
	r.src = ct;
	r.tag = tag;
	c = crun(&q, &p, &r);
	CHECK(c.status == 0 && c.produced == n, "%s dec: %d", name, c.status);
	CHECK(!memcmp(out, pt, n), "%s: plaintext", name);
}

int main(void)
{
	uint8_t key[64], iv[64], aad[32], pt[64], ct[64], tag[16], md[64], out[80];
	size_t kl, il, al, n, i;
	struct wdc_param p;
	struct wd_cqe c;

	wd_require_device(0);
	CHECK(!wd_queue_open(&q, 0, 16), "open");
	for (i = 0; i < ARRAY_SIZE(sp800_38a); i++) {
		kl = unhex(key, sp800_38a[i].key);
		unhex(iv, sp800_38a[i].iv);
		n = unhex(pt, P38A);
		unhex(ct, sp800_38a[i].ct);
		cipher_kat("SP 800-38A", sp800_38a[i].alg,
			   sp800_38a[i].alg >= CBC128 ? F_NOPAD : 0, key, kl, iv, 16, NULL, 0,
			   pt, n, ct, NULL, 0);
	}
	for (i = 0; i < ARRAY_SIZE(gcm); i++) {
		char name[32];

		snprintf(name, sizeof(name), "GCM vector %zu", i);
		kl = unhex(key, gcm[i].key);
		il = unhex(iv, gcm[i].iv);
		al = unhex(aad, gcm[i].aad);
		n = unhex(pt, gcm[i].pt);
		CHECK(unhex(ct, gcm[i].ct) == n, "vector %zu", i);
		unhex(tag, gcm[i].tag);
		cipher_kat(name, gcm[i].alg, 0, key, kl, iv, il, aad, al, pt, n, ct, tag, 16);
		/* truncated tags are a prefix of the full one */
		cipher_kat(name, gcm[i].alg, 0, key, kl, iv, il, aad, al, pt, n, ct, tag, 12);
		cipher_kat(name, gcm[i].alg, 0, key, kl, iv, il, aad, al, pt, n, ct, tag, 4);
	}
	for (i = 0; i < ARRAY_SIZE(hashes); i++) {
		struct creq r = { .op = OP_DIGEST, .alg = hashes[i].alg, .src = hashes[i].msg,
				  .src_len = strlen(hashes[i].msg), .dst = out,
				  .dst_len = sizeof(out) };

		if (hashes[i].key) {
			r.key = hashes[i].key;
			r.key_len = strlen(hashes[i].key);
		}
		n = unhex(md, hashes[i].md);
		c = crun(&q, &p, &r);
		CHECK(c.status == 0 && c.produced == n && !memcmp(out, md, n),
		      "digest alg %u: %d %u", hashes[i].alg, c.status, c.produced);
	}
	/* CBC with PKCS#7: 64 bytes of plaintext gain a whole pad block */
	{
		uint8_t big[80];
		struct creq r = { .op = OP_CIPHER, .alg = CBC128, .flags = F_MSG,
				  .key = key, .key_len = 16, .iv = iv, .iv_len = 16,
				  .src = pt, .src_len = 64, .dst = big, .dst_len = 80 };

		kl = unhex(key, sp800_38a[0].key);
		unhex(iv, sp800_38a[0].iv);
		unhex(pt, P38A);
		unhex(ct, sp800_38a[0].ct);
		c = crun(&q, &p, &r);
		CHECK(c.status == 0 && c.produced == 80 && !memcmp(big, ct, 64),
		      "cbc pkcs7: %d %u", c.status, c.produced);
		r.flags |= F_DEC;
		r.src = big;
		r.src_len = 80;
		r.dst = out;
		r.dst_len = 80;
		c = crun(&q, &p, &r);
		CHECK(c.status == 0 && c.produced == 64 && !memcmp(out, pt, 64),
		      "cbc pkcs7 dec: %d %u", c.status, c.produced);
	}
	wd_queue_close(&q);
	return T_PASS;
}
