// What a TLS peer presented, read once per connection after the handshake. The transport does
// not judge it: RFC 5922 §7 name checks and chain verification belong to the layer above, which
// is why servers run with requestCert: true and rejectUnauthorized: false.
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { PeerCertificate } from './types.js';

/** Longest chain we walk; a real chain is 2–4 certificates. */
const MAX_CHAIN = 10;

export function peerCertificateOf(socket: TLSSocket): PeerCertificate | undefined {
  // Node answers {} when the peer sent no certificate.
  const leaf = socket.getPeerCertificate(true) as Partial<DetailedPeerCertificate> | null;
  if (!leaf?.raw) return undefined;
  const chain: Buffer[] = [];
  let cert = leaf as DetailedPeerCertificate;
  // issuerCertificate points at itself for a self-signed root; stop there or at MAX_CHAIN.
  while (chain.length < MAX_CHAIN) {
    const next = cert.issuerCertificate as DetailedPeerCertificate | undefined;
    if (!next || !next.raw || next === cert || next.fingerprint256 === cert.fingerprint256) break;
    chain.push(next.raw);
    cert = next;
  }
  return { der: leaf.raw, chain };
}
