/* rtpgen's SRTP (included once by rtpgen.c, after its types): SDES inline keys (RFC 4568)
 * decoded, and AES_CM_128_HMAC_SHA1_80 for SRTP each way (RFC 3711) with one of two backends,
 * chosen when rtpgen starts:
 *  - OpenSSL's libcrypto (built with -DHAVE_OPENSSL_SRTP -lcrypto): AES-128-CTR keyed once per
 *    call and direction, HMAC-SHA1 as two pre-keyed SHA-1 states; the default, as it costs a
 *    fraction of libsrtp2 on NSS per packet, so the generator stays small beside the server
 *    (bench/README.md, "SRTP through Node's OpenSSL");
 *  - libsrtp2 (built with -DHAVE_SRTP -lsrtp2; RTPGEN_SRTP=libsrtp2 picks it when both are in):
 *    an implementation nobody here wrote, to check the first one against (same server, same
 *    step: both must show srtp_fail=0 and the server no authentication failure).
 * Without either, "start" with keys is refused. */
#ifdef HAVE_OPENSSL_SRTP
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#endif

/* base64 (RFC 4648 §4) of exactly 30 bytes: 40 digits, no padding (RFC 4568 §6.1's inline key) */
__attribute__((unused)) static int unbase64_30(const char *in, unsigned char out[30]) {
  static const char *A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (strlen(in) != 40) return -1;
  for (int i = 0, o = 0; i < 40; i += 4) {
    uint32_t v = 0;
    for (int j = 0; j < 4; j++) {
      const char *p = strchr(A, in[i + j]);
      if (!p || !*p) return -1;
      v = v << 6 | (uint32_t)(p - A);
    }
    out[o++] = (unsigned char)(v >> 16); out[o++] = (unsigned char)(v >> 8); out[o++] = (unsigned char)v;
  }
  return 0;
}

static int use_libsrtp; /* set once at start: RTPGEN_SRTP=libsrtp2, or libsrtp2 is the only one */

#ifdef HAVE_OPENSSL_SRTP
#define TAG 10 /* HMAC_SHA1_80 */

typedef struct {
  EVP_CIPHER_CTX *ctr;
  SHA_CTX inner, outer;
  unsigned char salt[14];
  long long highest; /* -1: nothing yet; the highest index sent or authenticated (§3.3.1) */
} ossl_srtp_t;

/* AES-CM keystream from iv XORed over data[0, n) in place (§4.1.1) */
static int ossl_ctr(EVP_CIPHER_CTX *x, const unsigned char iv[16], unsigned char *data, int n) {
  int out = 0;
  return EVP_EncryptInit_ex(x, NULL, NULL, NULL, iv) == 1 && EVP_EncryptUpdate(x, data, &out, data, n) == 1;
}

/* §4.3.1-4.3.3 with key_derivation_rate 0: session key `label` of n bytes from master key||salt */
static int ossl_prf(const unsigned char master[30], int label, unsigned char *out, int n) {
  unsigned char iv[16] = {0};
  memcpy(iv, master + 16, 14);
  iv[7] ^= (unsigned char)label;
  memset(out, 0, (size_t)n);
  EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
  int ok = x && EVP_EncryptInit_ex(x, EVP_aes_128_ctr(), NULL, master, iv) == 1 && ossl_ctr(x, iv, out, n);
  EVP_CIPHER_CTX_free(x);
  return ok;
}

static ossl_srtp_t *ossl_make(const unsigned char master[30]) {
  unsigned char ke[16], ka[20], pad[64];
  ossl_srtp_t *s = calloc(1, sizeof *s);
  if (!s || !ossl_prf(master, 0, ke, 16) || !ossl_prf(master, 1, ka, 20) || !ossl_prf(master, 2, s->salt, 14)) { free(s); return NULL; }
  s->ctr = EVP_CIPHER_CTX_new();
  if (!s->ctr || EVP_EncryptInit_ex(s->ctr, EVP_aes_128_ctr(), NULL, ke, s->salt) != 1) { EVP_CIPHER_CTX_free(s->ctr); free(s); return NULL; }
  for (int p = 0; p < 2; p++) { /* HMAC (RFC 2104): the states after k_a XOR ipad / opad */
    memset(pad, p ? 0x5c : 0x36, sizeof pad);
    for (int i = 0; i < 20; i++) pad[i] ^= ka[i];
    SHA_CTX *h = p ? &s->outer : &s->inner;
    SHA1_Init(h);
    SHA1_Update(h, pad, sizeof pad);
  }
  s->highest = -1;
  return s;
}

/* HMAC-SHA1 of pkt[0, n) || ROC (§4.2) */
static void ossl_tag(const ossl_srtp_t *s, const unsigned char *pkt, int n, uint32_t roc, unsigned char d[20]) {
  unsigned char r[4] = {(unsigned char)(roc >> 24), (unsigned char)(roc >> 16), (unsigned char)(roc >> 8), (unsigned char)roc};
  SHA_CTX h = s->inner;
  SHA1_Update(&h, pkt, (size_t)n);
  SHA1_Update(&h, r, 4);
  SHA1_Final(d, &h);
  h = s->outer;
  SHA1_Update(&h, d, 20);
  SHA1_Final(d, &h);
}

/* §3.3.1: the index of SEQ against the highest so far */
static long long ossl_index(long long highest, unsigned seq) {
  if (highest < 0) return seq;
  long long roc = highest >> 16, sl = highest & 0xffff, v = roc;
  if (sl < 0x8000) { if ((long long)seq - sl > 0x8000) v = roc - 1; }
  else if (sl - 0x8000 > (long long)seq) v = roc + 1;
  return v * 0x10000 + seq;
}

/* Encrypts the payload of a 12-byte-header RTP packet (what rtpgen sends) in place */
static int ossl_crypt(const ossl_srtp_t *s, unsigned char *pkt, int len, long long index) {
  unsigned char iv[16] = {0};
  memcpy(iv, s->salt, 14);
  for (int i = 0; i < 4; i++) iv[4 + i] ^= pkt[8 + i];
  for (int b = 0; b < 6; b++) iv[8 + b] ^= (unsigned char)(index >> (40 - 8 * b));
  return ossl_ctr(s->ctr, iv, pkt + 12, len - 12);
}

static int ossl_protect(ossl_srtp_t *s, unsigned char *pkt, int *len) {
  long long index = ossl_index(s->highest, (unsigned)(pkt[2] << 8 | pkt[3]));
  if (index < 0 || !ossl_crypt(s, pkt, *len, index)) return -1;
  if (index > s->highest) s->highest = index;
  unsigned char d[20];
  ossl_tag(s, pkt, *len, (uint32_t)(index >> 16), d);
  memcpy(pkt + *len, d, TAG);
  *len += TAG;
  return 0;
}

/* Authenticates, then decrypts; no replay list (the generator only measures what arrives) */
static int ossl_unprotect(ossl_srtp_t *s, unsigned char *pkt, int *len) {
  int n = *len - TAG;
  if (n < 12 || (pkt[0] & 0x3f) != 0) return -1; /* version 2, no padding, extension or CSRC: what the server sends */
  long long index = ossl_index(s->highest, (unsigned)(pkt[2] << 8 | pkt[3]));
  if (index < 0) return -1;
  unsigned char d[20];
  ossl_tag(s, pkt, n, (uint32_t)(index >> 16), d);
  if (CRYPTO_memcmp(d, pkt + n, TAG) != 0 || !ossl_crypt(s, pkt, n, index)) return -1;
  if (index > s->highest) s->highest = index;
  *len = n;
  return 0;
}

static void ossl_free(ossl_srtp_t *s) {
  if (!s) return;
  EVP_CIPHER_CTX_free(s->ctr);
  OPENSSL_cleanse(s, sizeof *s);
  free(s);
}
#endif

/* An SRTP session each way, AES_CM_128_HMAC_SHA1_80 for SRTP and SRTCP (RFC 4568 §6.2.1) */
static const char *srtp_setup(call_t *c, const char *txkey, const char *rxkey) {
  unsigned char tx[30], rx[30];
  if (unbase64_30(txkey, tx) || unbase64_30(rxkey, rx)) return "bad SRTP key (40 base64 digits each)";
#ifdef HAVE_SRTP
  if (use_libsrtp) {
    srtp_policy_t p;
    memset(&p, 0, sizeof p);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
    p.window_size = 128;
    p.ssrc.type = ssrc_any_outbound;
    p.key = tx;
    srtp_t t = NULL, r = NULL;
    if (srtp_create(&t, &p) != srtp_err_status_ok) return "srtp_create (outbound) failed";
    p.ssrc.type = ssrc_any_inbound;
    p.key = rx;
    if (srtp_create(&r, &p) != srtp_err_status_ok) { srtp_dealloc(t); return "srtp_create (inbound) failed"; }
    c->tx_srtp = t;
    c->rx_srtp = r;
    return NULL;
  }
#endif
#ifdef HAVE_OPENSSL_SRTP
  c->tx_srtp = ossl_make(tx);
  c->rx_srtp = ossl_make(rx);
  if (c->tx_srtp && c->rx_srtp) return NULL;
  ossl_free(c->tx_srtp);
  ossl_free(c->rx_srtp);
  c->tx_srtp = c->rx_srtp = NULL;
  return "OpenSSL AES-128-CTR failed";
#else
  (void)c;
  return use_libsrtp ? "unreachable" : "SRTP not built in (neither libcrypto nor libsrtp2 when rtpgen was compiled)";
#endif
}

/* Protects (outbound) or authenticates and decrypts (inbound) in place; 0: done, else the packet
 * is to be dropped and counted */
static int srtp_apply(call_t *c, int outbound, unsigned char *pkt, int *len) {
#ifdef HAVE_SRTP
  if (use_libsrtp) return (outbound ? srtp_protect(c->tx_srtp, pkt, len) : srtp_unprotect(c->rx_srtp, pkt, len)) == srtp_err_status_ok ? 0 : -1;
#endif
#ifdef HAVE_OPENSSL_SRTP
  return outbound ? ossl_protect(c->tx_srtp, pkt, len) : ossl_unprotect(c->rx_srtp, pkt, len);
#else
  (void)c; (void)outbound; (void)pkt; (void)len;
  return -1;
#endif
}

static void srtp_release(call_t *c) {
#ifdef HAVE_SRTP
  if (use_libsrtp) {
    if (c->tx_srtp) srtp_dealloc(c->tx_srtp);
    if (c->rx_srtp) srtp_dealloc(c->rx_srtp);
    return;
  }
#endif
#ifdef HAVE_OPENSSL_SRTP
  ossl_free(c->tx_srtp);
  ossl_free(c->rx_srtp);
#endif
}

/* Which backend, once at start; "" when SRTP is not built in */
static const char *srtp_choose(void) {
#if defined(HAVE_SRTP) && defined(HAVE_OPENSSL_SRTP)
  const char *want = getenv("RTPGEN_SRTP");
  use_libsrtp = want && strcmp(want, "libsrtp2") == 0;
#elif defined(HAVE_SRTP)
  use_libsrtp = 1;
#endif
#ifdef HAVE_SRTP
  if (use_libsrtp) return srtp_init() == srtp_err_status_ok ? "libsrtp2" : NULL;
#endif
#ifdef HAVE_OPENSSL_SRTP
  return "openssl";
#else
  return "";
#endif
}
