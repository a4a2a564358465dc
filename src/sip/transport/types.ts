// Types shared by the SIP transport layer (RFC 3261 §18). Addresses are IP literals; IPv6 is
// written without brackets, and IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are reported as IPv4.
import type { SecureContext } from 'node:tls';

export type TransportProtocol = 'udp' | 'tcp' | 'tls';

export interface Endpoint {
  protocol: TransportProtocol;
  /** IP address; IPv6 without brackets. */
  address: string;
  port: number;
}

/** What a TLS peer presented (RFC 5630 §3, RFC 5922 §7): verification is the caller's job. */
export interface PeerCertificate {
  /** The peer's own certificate, DER. */
  der: Buffer;
  /** The certificates after it, in issuer order, DER (may be empty). */
  chain: Buffer[];
}

export interface InboundMessage {
  /** One complete message: a UDP datagram, or a message framed from a stream. */
  data: Buffer;
  source: Endpoint;
  local: Endpoint;
  /** Set for TCP/TLS: pass it to `send` to answer over the same connection (RFC 3261 §18.2.2). */
  connectionId?: string;
  /** TLS only: the peer's certificate, when it presented one. */
  peer?: PeerCertificate;
  /**
   * Set when a stream could not be framed (bad or oversize Content-Length, …): `data` holds what
   * was read; the layer above may answer 400 on `connectionId`, which is closed shortly after.
   */
  framingError?: { status: number; reason: string };
}

/** Source of the TLS context, swapped in place when an administrator enables a new certificate. */
export interface TlsProvider {
  /** Current context (server and client side); undefined = no certificate yet. */
  secureContext(): SecureContext | undefined;
}

export interface TransportLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** A TCP or TLS connection, as reported by `connect` and `onConnection`. */
export interface ConnectionInfo {
  connectionId: string;
  /** 'inbound': accepted by one of our listeners; 'outbound': opened by us. */
  direction: 'inbound' | 'outbound';
  local: Endpoint;
  remote: Endpoint;
  peer?: PeerCertificate;
}

export interface TransportStats {
  messagesIn: Record<TransportProtocol, number>;
  messagesOut: Record<TransportProtocol, number>;
  /** Datagrams larger than `limits.maxMessageBytes`, dropped. */
  droppedOversize: number;
  /** CRLF / CRLFCRLF datagrams ignored (RFC 5626 §3.5.1 keep-alives on UDP). */
  keepalivesIgnored: number;
  /** Stream framing errors (each closes its connection). */
  framingErrors: number;
  /** CRLFCRLF pings answered with a CRLF pong (RFC 5626 §3.5.1). */
  keepalivesAnswered: number;
  /** Connections refused because the cap on open connections was reached. */
  connectionsRefused: number;
  /** Connections closed because the peer did not read and our write buffer passed its bound. */
  slowReadersClosed: number;
  /** Connections closed for idleness, or for delivering no message in time after opening. */
  idleClosed: number;
  /** Inbound TLS handshakes that failed, by reason class (tls-failure.ts). */
  tlsHandshakeFailures: Record<string, number>;
  /** Inbound connections refused because their source IP had MAX_CONNECTIONS_PER_SOURCE open. */
  refusedPerSource: number;
  /** Connections closed because a message begun was not complete by the message deadline. */
  messageDeadlineClosed: number;
  openConnections: number;
}
