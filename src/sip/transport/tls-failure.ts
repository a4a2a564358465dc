// Why an inbound TLS handshake failed, as one of a few classes: what an operator can act on
// (an old peer's protocol version, no shared cipher, a certificate problem, a peer that hung up
// or never finished) without the free text of OpenSSL's messages, so a metric label stays bounded.
export type TlsFailureReason = 'no_certificate' | 'timeout' | 'protocol_version' | 'no_shared_cipher' | 'certificate' | 'connection_reset' | 'not_tls' | 'other';

export function tlsFailureReason(err: Error & { code?: string }): TlsFailureReason {
  const text = `${err.code ?? ''} ${err.message}`.toUpperCase();
  // A plain-text request or garbage reads as a record with a wrong version number: test it first.
  if (/WRONG_VERSION_NUMBER|HTTP_REQUEST|UNKNOWN_PROTOCOL|RECORD/.test(text)) return 'not_tls';
  if (/VERSION|PROTOCOL_IS_SHUTDOWN/.test(text)) return 'protocol_version';
  if (/CIPHER|SIGALG|GROUP/.test(text)) return 'no_shared_cipher';
  if (/CERT/.test(text)) return 'certificate';
  if (/ECONNRESET|EPIPE|SOCKET HANG UP/.test(text)) return 'connection_reset';
  return 'other';
}
