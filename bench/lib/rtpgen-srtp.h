/* rtpgen's SRTP keys (included once by rtpgen.c, after its types): SDES inline keys (RFC 4568)
 * decoded and one libsrtp2 session each way; without HAVE_SRTP, a refusal. */

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

/* An SRTP session each way, AES_CM_128_HMAC_SHA1_80 for SRTP and SRTCP (RFC 4568 §6.2.1) */
static const char *srtp_setup(call_t *c, const char *txkey, const char *rxkey) {
#ifdef HAVE_SRTP
  unsigned char tx[30], rx[30];
  if (unbase64_30(txkey, tx) || unbase64_30(rxkey, rx)) return "bad SRTP key (40 base64 digits each)";
  srtp_policy_t p;
  memset(&p, 0, sizeof p);
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
  p.window_size = 128;
  p.ssrc.type = ssrc_any_outbound;
  p.key = tx;
  if (srtp_create(&c->tx_srtp, &p) != srtp_err_status_ok) return "srtp_create (outbound) failed";
  p.ssrc.type = ssrc_any_inbound;
  p.key = rx;
  if (srtp_create(&c->rx_srtp, &p) != srtp_err_status_ok) return "srtp_create (inbound) failed";
  return NULL;
#else
  (void)c; (void)txkey; (void)rxkey;
  return "SRTP not built in (no libsrtp2 when rtpgen was compiled)";
#endif
}
