// Opens client connections (RFC 3261 §18.1.1: a request to a TCP/TLS next hop with no open
// connection opens one). TLS clients present the provider's certificate for mutual TLS and do
// not verify the server: the layer above checks `peer` against the next hop (RFC 5922 §7.1).
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { describeEndpoint, errnoText, TransportError } from './errors.js';
import { peerCertificateOf } from './tls-peer.js';
import type { Endpoint, PeerCertificate, TlsProvider } from './types.js';

export interface OpenedSocket {
  socket: Socket;
  peer: PeerCertificate | undefined;
}

/** `signal` aborts a connection still being opened (the layer is closing). */
export function openStream(dest: Endpoint, tls: TlsProvider | undefined, timeoutMs: number, signal: AbortSignal): Promise<OpenedSocket> {
  const where = describeEndpoint(dest);
  if (signal.aborted) return Promise.reject(new TransportError('CLOSED', `cannot connect to ${where}: transport closed`));
  return new Promise((resolve, reject) => {
    let socket: Socket;
    if (dest.protocol === 'tls') {
      // Without a context (no certificate yet) Node's default one is used: no client certificate.
      const secureContext = tls?.secureContext();
      socket = tlsConnect({ host: dest.address, port: dest.port, rejectUnauthorized: false,
        ...(secureContext ? { secureContext } : {}) });
    } else {
      socket = netConnect({ host: dest.address, port: dest.port, noDelay: true });
    }
    const readyEvent = dest.protocol === 'tls' ? 'secureConnect' : 'connect';
    const onAbort = (): void => fail(new Error('transport closed'));
    const fail = (err: Error): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(new TransportError('CONNECT_FAILED', `cannot connect to ${where}: ${errnoText(err)}`, { cause: err }));
    };
    const timer = setTimeout(() => fail(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once(readyEvent, () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.off('error', fail);
      const peer = dest.protocol === 'tls' ? peerCertificateOf(socket as TLSSocket) : undefined;
      resolve({ socket, peer });
    });
  });
}
