// The two cryptographic primitives of SRTP/SRTCP (RFC 3711) for one session key set, for
// src/media/srtp/native-crypto.ts: AES-CM encryption (§4.1.1) and the HMAC-SHA1 tag (§4.2.1).
// The protocol (index estimation, replay list, bounds, counters) stays in srtp-session.ts; this
// only replaces node:crypto's per-packet objects with keyed state made once per call:
//  - AES-128 in counter mode (EVP aes-128-ctr), keyed once; each packet sets only its IV. OpenSSL
//    increments the whole 128-bit block and SRTP the low 16 bits, which is the same below 2^16
//    blocks, and a packet is at most MAX_PAYLOAD (checked below).
//  - HMAC-SHA1 (RFC 2104) as two SHA-1 states that have absorbed k_a XOR ipad and k_a XOR opad:
//    a packet copies them (no allocation) and hashes its bytes, then the inner digest.
// OpenSSL is the one inside the node binary (its symbols are exported for addons; its headers
// ship with Node's), so nothing beyond a C compiler is needed to build this.
//
// Keys(encryptionKey[16], salt[14], authKey[20]) then, per packet (all offsets into Buffers):
//   seal(src, dst, cipherStart, cipherEnd, authEnd, ssrc, index, roc, tagLength)
//     dst[0, cipherStart) = src's; dst[cipherStart, cipherEnd) = src's XOR keystream(ssrc,
//     index); dst[cipherEnd, authEnd) is left as the caller wrote it (SRTCP's E || index); then
//     the tag of dst[0, authEnd) || ROC (roc >= 0; SRTP) or of dst[0, authEnd) (roc < 0; SRTCP)
//     goes to dst[authEnd, authEnd + tagLength).
//   open(src, dst, ...same) → true when src[authEnd, authEnd + tagLength) is the tag of
//     src[0, authEnd) (|| ROC), compared in constant time; only then is dst written, as seal's
//     dst[0, cipherEnd). false: nothing written.
//   close(): wipes the keys; later calls throw.
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAYLOAD (0xffff * 16) // 2^16 blocks would carry into the IV's upper bits
#define SHA1_BLOCK 64

typedef struct {
  EVP_CIPHER_CTX *ctr;
  SHA_CTX inner, outer;
  uint8_t salt[14];
} keys_t;

#define CALL(env, expr)                                                  \
  do {                                                                   \
    if ((expr) != napi_ok) {                                             \
      napi_throw_error((env), "OPENUM_SRTP_CRYPTO_NAPI", #expr " failed"); \
      return NULL;                                                       \
    }                                                                    \
  } while (0)

static void release(keys_t *k) {
  if (k->ctr) EVP_CIPHER_CTX_free(k->ctr);
  k->ctr = NULL;
  OPENSSL_cleanse(&k->inner, sizeof k->inner);
  OPENSSL_cleanse(&k->outer, sizeof k->outer);
  OPENSSL_cleanse(k->salt, sizeof k->salt);
}

static void finalize(napi_env env, void *data, void *hint) {
  release(data);
  free(data);
}

static int buffer_of(napi_env env, napi_value v, uint8_t **data, size_t *length) {
  return napi_get_buffer_info(env, v, (void **)data, length) == napi_ok;
}

// new Keys(encryptionKey: Buffer(16), salt: Buffer(14), authKey: Buffer(20))
static napi_value keys_new(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], self;
  uint8_t *ke, *ks, *ka;
  size_t le, ls, la;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  if (argc < 3 || !buffer_of(env, argv[0], &ke, &le) || !buffer_of(env, argv[1], &ks, &ls) ||
      !buffer_of(env, argv[2], &ka, &la) || le != 16 || ls != 14 || la != 20) {
    napi_throw_type_error(env, "OPENUM_SRTP_CRYPTO_ARGS", "Keys(encryptionKey[16], salt[14], authKey[20])");
    return NULL;
  }
  keys_t *k = calloc(1, sizeof *k);
  if (!k) {
    napi_throw_error(env, "OPENUM_SRTP_CRYPTO_ALLOC", "out of memory");
    return NULL;
  }
  k->ctr = EVP_CIPHER_CTX_new();
  uint8_t zero_iv[16] = {0};
  if (!k->ctr || EVP_EncryptInit_ex(k->ctr, EVP_aes_128_ctr(), NULL, ke, zero_iv) != 1) {
    finalize(env, k, NULL);
    napi_throw_error(env, "OPENUM_SRTP_CRYPTO_INIT", "AES-128-CTR is not available from OpenSSL");
    return NULL;
  }
  memcpy(k->salt, ks, 14);
  uint8_t pad[SHA1_BLOCK];
  memset(pad, 0x36, sizeof pad);
  for (size_t i = 0; i < la; i++) pad[i] ^= ka[i];
  SHA1_Init(&k->inner);
  SHA1_Update(&k->inner, pad, sizeof pad);
  memset(pad, 0x5c, sizeof pad);
  for (size_t i = 0; i < la; i++) pad[i] ^= ka[i];
  SHA1_Init(&k->outer);
  SHA1_Update(&k->outer, pad, sizeof pad);
  OPENSSL_cleanse(pad, sizeof pad);
  if (napi_wrap(env, self, k, finalize, NULL, NULL) != napi_ok) {
    finalize(env, k, NULL);
    napi_throw_error(env, "OPENUM_SRTP_CRYPTO_NAPI", "napi_wrap failed");
    return NULL;
  }
  return self;
}

// HMAC-SHA1 of data[0, length) || ROC (when roc >= 0), truncated by the caller.
static void tag_of(const keys_t *k, const uint8_t *data, size_t length, int64_t roc, uint8_t digest[20]) {
  SHA_CTX c = k->inner;
  SHA1_Update(&c, data, length);
  if (roc >= 0) {
    uint8_t r[4] = {(uint8_t)(roc >> 24), (uint8_t)(roc >> 16), (uint8_t)(roc >> 8), (uint8_t)roc};
    SHA1_Update(&c, r, 4);
  }
  SHA1_Final(digest, &c);
  c = k->outer;
  SHA1_Update(&c, digest, 20);
  SHA1_Final(digest, &c);
  OPENSSL_cleanse(&c, sizeof c);
}

// IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), RFC 3711 §4.1.1; the low 16 bits count blocks.
static int crypt_range(const keys_t *k, const uint8_t *in, uint8_t *out, size_t length, uint32_t ssrc, uint64_t index) {
  uint8_t iv[16] = {0};
  memcpy(iv, k->salt, 14);
  iv[4] ^= (uint8_t)(ssrc >> 24); iv[5] ^= (uint8_t)(ssrc >> 16); iv[6] ^= (uint8_t)(ssrc >> 8); iv[7] ^= (uint8_t)ssrc;
  for (int b = 0; b < 6; b++) iv[8 + b] ^= (uint8_t)(index >> (40 - 8 * b));
  int n = 0;
  if (EVP_EncryptInit_ex(k->ctr, NULL, NULL, NULL, iv) != 1) return 0;
  return length == 0 || EVP_EncryptUpdate(k->ctr, out, &n, in, (int)length) == 1;
}

typedef struct {
  keys_t *k;
  uint8_t *src, *dst;
  size_t src_length, dst_length;
  uint32_t cipher_start, cipher_end, auth_end, ssrc, tag_length;
  int64_t index, roc;
} op_t;

// Reads and checks the nine arguments; 0 (with an exception pending) when one is wrong. The
// TypeScript side computes them; this never trusts them with memory.
static int read_op(napi_env env, napi_callback_info info, int sealing, op_t *op) {
  size_t argc = 9;
  napi_value argv[9], self;
  double index, roc;
  if (napi_get_cb_info(env, info, &argc, argv, &self, NULL) != napi_ok || napi_unwrap(env, self, (void **)&op->k) != napi_ok) {
    napi_throw_error(env, "OPENUM_SRTP_CRYPTO_NAPI", "not a Keys object");
    return 0;
  }
  if (argc < 9 || !buffer_of(env, argv[0], &op->src, &op->src_length) || !buffer_of(env, argv[1], &op->dst, &op->dst_length) ||
      napi_get_value_uint32(env, argv[2], &op->cipher_start) != napi_ok || napi_get_value_uint32(env, argv[3], &op->cipher_end) != napi_ok ||
      napi_get_value_uint32(env, argv[4], &op->auth_end) != napi_ok || napi_get_value_uint32(env, argv[5], &op->ssrc) != napi_ok ||
      napi_get_value_double(env, argv[6], &index) != napi_ok || napi_get_value_double(env, argv[7], &roc) != napi_ok ||
      napi_get_value_uint32(env, argv[8], &op->tag_length) != napi_ok) {
    napi_throw_type_error(env, "OPENUM_SRTP_CRYPTO_ARGS", "expected (src, dst, cipherStart, cipherEnd, authEnd, ssrc, index, roc, tagLength)");
    return 0;
  }
  if (!op->k->ctr) {
    napi_throw_error(env, "OPENUM_SRTP_CRYPTO_CLOSED", "SRTP keys closed");
    return 0;
  }
  size_t tagged_end = (size_t)op->auth_end + op->tag_length;
  int ok = op->cipher_start <= op->cipher_end && op->cipher_end <= op->auth_end && op->cipher_end - op->cipher_start <= MAX_PAYLOAD &&
           op->tag_length >= 1 && op->tag_length <= 20 && index >= 0 && index < 281474976710656.0 && index == (double)(int64_t)index &&
           roc < 4294967296.0 && roc == (double)(int64_t)roc &&
           (sealing ? op->src_length >= op->cipher_end && op->dst_length >= tagged_end
                    : op->src_length >= tagged_end && op->dst_length >= op->cipher_end);
  if (!ok) {
    napi_throw_range_error(env, "OPENUM_SRTP_CRYPTO_RANGE", "SRTP ranges outside the buffers, or a bad index or tag length");
    return 0;
  }
  op->index = (int64_t)index;
  op->roc = roc < 0 ? -1 : (int64_t)roc;
  return 1;
}

static napi_value seal(napi_env env, napi_callback_info info) {
  op_t op;
  if (!read_op(env, info, 1, &op)) return NULL;
  if (op.dst != op.src) memmove(op.dst, op.src, op.cipher_start);
  if (!crypt_range(op.k, op.src + op.cipher_start, op.dst + op.cipher_start, op.cipher_end - op.cipher_start, op.ssrc, (uint64_t)op.index)) {
    napi_throw_error(env, "OPENUM_SRTP_CRYPTO_FAILED", "AES-CM failed");
    return NULL;
  }
  uint8_t digest[20];
  tag_of(op.k, op.dst, op.auth_end, op.roc, digest);
  memcpy(op.dst + op.auth_end, digest, op.tag_length);
  return NULL;
}

static napi_value open_packet(napi_env env, napi_callback_info info) {
  op_t op;
  napi_value result;
  if (!read_op(env, info, 0, &op)) return NULL;
  uint8_t digest[20];
  tag_of(op.k, op.src, op.auth_end, op.roc, digest);
  int authentic = CRYPTO_memcmp(digest, op.src + op.auth_end, op.tag_length) == 0;
  if (authentic) {
    if (op.dst != op.src) memmove(op.dst, op.src, op.cipher_start);
    authentic = crypt_range(op.k, op.src + op.cipher_start, op.dst + op.cipher_start, op.cipher_end - op.cipher_start, op.ssrc, (uint64_t)op.index);
  }
  CALL(env, napi_get_boolean(env, authentic, &result));
  return result;
}

static napi_value close_keys(napi_env env, napi_callback_info info) {
  napi_value self;
  keys_t *k;
  CALL(env, napi_get_cb_info(env, info, NULL, NULL, &self, NULL));
  CALL(env, napi_unwrap(env, self, (void **)&k));
  release(k);
  return NULL;
}

static napi_value version(napi_env env, napi_callback_info info) {
  napi_value out;
  CALL(env, napi_create_string_utf8(env, OpenSSL_version(OPENSSL_VERSION), NAPI_AUTO_LENGTH, &out));
  return out;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor methods[] = {
      {"seal", NULL, seal, NULL, NULL, NULL, napi_default, NULL},
      {"open", NULL, open_packet, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_keys, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value cls, fn;
  CALL(env, napi_define_class(env, "Keys", NAPI_AUTO_LENGTH, keys_new, NULL, 3, methods, &cls));
  CALL(env, napi_set_named_property(env, exports, "Keys", cls));
  CALL(env, napi_create_function(env, "version", NAPI_AUTO_LENGTH, version, NULL, &fn));
  CALL(env, napi_set_named_property(env, exports, "version", fn));
  return exports;
}
