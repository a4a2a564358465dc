// Typed errors of the transport layer. The codes are local to sip/transport (the layer may not
// import the application registry in src/errors.ts for codes it does not define); the layer above
// maps them: a failed send to a next hop is a 503 (RFC 3261 §18.4, §8.1.3.1).
import { CodedError } from '../../errors.js';

export type TransportErrorCode =
  /** listen(): the address/port is taken, not local, or not allowed. */
  | 'LISTEN_FAILED'
  /** send()/connect(): no connection could be opened (refused, unreachable, handshake failed, timeout). */
  | 'CONNECT_FAILED'
  /** send(): the connection was closed or its write buffer passed the bound. */
  | 'CONNECTION_CLOSED'
  /** send(): no listening socket or usable context for that protocol/family. */
  | 'NO_TRANSPORT'
  /** send(): the datagram could not be sent (EMSGSIZE, …). */
  | 'SEND_FAILED'
  /** The layer is closed. */
  | 'CLOSED';

export class TransportError extends CodedError<TransportErrorCode> {
  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super('TransportError', code, message, options);
  }
}

/** "udp 127.0.0.1:5060", "tls [::1]:5061" — how endpoints appear in messages and logs. */
export function describeEndpoint(e: { protocol: string; address: string; port: number }): string {
  const host = e.address.includes(':') ? `[${e.address}]` : e.address;
  return `${e.protocol} ${host}:${e.port}`;
}

/** Adds the errno text (EADDRINUSE → "address already in use") to a message. */
export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EADDRINUSE': return 'address already in use';
    case 'EADDRNOTAVAIL': return 'address not available on this machine';
    case 'EACCES': return 'permission denied (a port below 1024 needs privileges)';
    case 'ECONNREFUSED': return 'connection refused';
    case 'ETIMEDOUT': return 'timed out';
    case 'EHOSTUNREACH': return 'host unreachable';
    case 'ENETUNREACH': return 'network unreachable';
    default: return err instanceof Error ? err.message : String(err);
  }
}
