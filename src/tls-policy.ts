// The TLS settings every server of ours offers (SIP over TLS and the admin HTTPS API), in one place
// so that they cannot drift apart. TLS 1.2 offers only forward-secret AEAD suites: ECDHE key
// exchange with AES-GCM or ChaCha20-Poly1305 (RFC 7525 §4.2, BSI TR-02102-2). Static-RSA key
// exchange (no forward secrecy), CBC with SHA-1 MACs, CCM_8 (short tag) and ARIA are left out.
// TLS 1.3's suites are all AEAD with (EC)DHE: naming none of them here keeps OpenSSL's default set.

export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** Options for tls.createSecureContext / https.createServer: TLS 1.2 and later, our suites first. */
export const TLS_SERVER_OPTIONS = { minVersion: 'TLSv1.2', ciphers: TLS12_CIPHERS, honorCipherOrder: true } as const;
