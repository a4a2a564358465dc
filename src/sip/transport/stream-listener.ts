// A TCP or TLS listening socket (RFC 3261 §18.2.1). TLS is set up per accepted socket with the
// provider's context of that moment, so an enabled certificate applies to the next connection at
// once while open connections keep theirs (ARCHITECTURE.md: swap in place, drop no call). A
// tls.Server would only consult SNICallback when the client sends SNI, which clients connecting
// to an IP address do not, and its setSecureContext takes key material rather than a context.
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { endpoint, familyOf } from './addresses.js';
import { describeEndpoint, errnoText, TransportError } from './errors.js';
import { tlsFailureReason, type TlsFailureReason } from './tls-failure.js';
import { peerCertificateOf } from './tls-peer.js';
import type { Endpoint, PeerCertificate, TlsProvider, TransportLog } from './types.js';

/** A TLS handshake that has not finished by then is dropped (slow-loris guard). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface StreamListenerSettings {
  /** false: bound through node:cluster so worker processes share it. */
  exclusive: boolean;
  tls?: TlsProvider;
  log: TransportLog;
  /** False when a cap on open connections (all, or from the socket's source) is reached: the socket is dropped at once. */
  admit(socket: Socket): boolean;
  /** Handshake (if any) done: the connection is ready. */
  accepted(socket: Socket, listener: StreamListener, peer: PeerCertificate | undefined): void;
  /** Counts a TLS handshake in progress (towards the cap) while it runs. */
  handshaking(delta: 1 | -1): void;
  /** A TLS handshake failed, with its reason class (tls-failure.ts). */
  tlsFailed?(reason: TlsFailureReason): void;
}

export class StreamListener {
  /** Accepted sockets whose TLS handshake is still running. */
  readonly handshakes = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: Endpoint,
  ) {}

  static open(protocol: 'tcp' | 'tls', address: string, port: number, settings: StreamListenerSettings): Promise<StreamListener> {
    const where = describeEndpoint({ protocol, address, port });
    if (familyOf(address) === 0) {
      return Promise.reject(new TransportError('LISTEN_FAILED', `cannot listen on ${where}: not an IP address`));
    }
    if (protocol === 'tls' && !settings.tls) {
      return Promise.reject(new TransportError('LISTEN_FAILED', `cannot listen on ${where}: no TLS provider was given`));
    }
    const server = createServer({ noDelay: true });
    let listener: StreamListener | undefined;
    server.on('connection', (socket) => {
      if (!listener || !settings.admit(socket)) {
        socket.destroy();
        return;
      }
      if (protocol === 'tcp') settings.accepted(socket, listener, undefined);
      else acceptTls(socket, listener, settings);
    });
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(new TransportError('LISTEN_FAILED', `cannot listen on ${where}: ${errnoText(err)}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen({ host: address, port, exclusive: settings.exclusive }, () => {
        server.off('error', onError);
        server.on('error', (err) => settings.log.warn({ local: where, err: err.message }, 'listener error'));
        const a = server.address();
        if (a === null || typeof a === 'string') {
          server.close();
          reject(new TransportError('LISTEN_FAILED', `cannot listen on ${where}: no address bound`));
          return;
        }
        listener = new StreamListener(server, endpoint(protocol, a.address, a.port));
        resolve(listener);
      });
    });
  }

  /** Stops accepting; connections already open (and handshakes under way) are not touched. */
  close(): Promise<void> {
    // server.close()'s callback waits for every accepted connection to end; the listening handle
    // itself is released at once, which is all that unlisten promises.
    this.server.close();
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Drops the handshakes under way (the layer is closing). */
  dropHandshakes(): void {
    for (const s of this.handshakes) s.destroy();
    this.handshakes.clear();
  }
}

function acceptTls(raw: Socket, listener: StreamListener, settings: StreamListenerSettings): void {
  const context = settings.tls?.secureContext();
  if (!context) {
    settings.log.warn({ local: describeEndpoint(listener.endpoint), from: raw.remoteAddress },
      'TLS connection refused: no certificate is enabled yet');
    settings.tlsFailed?.('no_certificate');
    raw.destroy();
    return;
  }
  // requestCert without rejectUnauthorized: we ask for the peer's certificate and report what it
  // presented; whether it is trusted is decided above (mutual TLS, RFC 5630 §3.1).
  raw.on('error', () => undefined); // the TLSSocket reports errors; this keeps a stray one from crashing
  const socket = new TLSSocket(raw, { isServer: true, secureContext: context, requestCert: true, rejectUnauthorized: false });
  settings.handshaking(1);
  listener.handshakes.add(socket);
  let pending = true;
  const done = (): void => {
    if (!pending) return;
    pending = false;
    clearTimeout(timer);
    listener.handshakes.delete(socket);
    settings.handshaking(-1);
  };
  const timer = setTimeout(() => {
    settings.log.debug({ from: raw.remoteAddress }, 'TLS handshake timed out');
    settings.tlsFailed?.('timeout');
    socket.destroy();
  }, HANDSHAKE_TIMEOUT_MS);
  socket.on('error', (err) => {
    if (!pending) return;
    settings.log.debug({ from: raw.remoteAddress, err: err.message }, 'TLS handshake failed');
    settings.tlsFailed?.(tlsFailureReason(err));
  });
  socket.once('close', done);
  socket.once('secure', () => {
    done();
    settings.accepted(socket, listener, peerCertificateOf(socket));
  });
}
