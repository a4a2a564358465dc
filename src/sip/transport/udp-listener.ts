// One UDP listening socket (RFC 3261 §18.1.2, §18.2.1): each datagram is one message. The same
// socket sends, so that a peer sees our requests and responses come from the port it knows.
import { createSocket, type Socket } from 'node:dgram';
import { endpoint, familyOf, normalizeAddress } from './addresses.js';
import { describeEndpoint, errnoText, TransportError } from './errors.js';
import type { Counters } from './stats.js';
import type { Endpoint, InboundMessage, TransportLog } from './types.js';

/** Kernel receive buffer we ask for, so that bursts of ~30k datagrams/s are not dropped. */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export interface UdpSettings {
  /** false: bound through node:cluster so worker processes share it. */
  exclusive: boolean;
  maxMessageBytes: number;
  counters: Counters;
  log: TransportLog;
  deliver(m: InboundMessage): void;
  /** Called for each datagram from a peer, so the layer can answer from the same socket. */
  received(address: string, listener: UdpListener): void;
}

/** CRLF or CRLFCRLF alone (RFC 5626 §3.5.1 keep-alive; harmless on UDP, never passed up). */
function isKeepalive(d: Buffer): boolean {
  if (d.length !== 2 && d.length !== 4) return false;
  for (let i = 0; i < d.length; i += 2) if (d[i] !== 13 || d[i + 1] !== 10) return false;
  return true;
}

export class UdpListener {
  private constructor(
    private readonly socket: Socket,
    readonly endpoint: Endpoint,
    readonly family: 4 | 6,
  ) {}

  static open(address: string, port: number, settings: UdpSettings): Promise<UdpListener> {
    const family = familyOf(address);
    if (family === 0) {
      return Promise.reject(new TransportError('LISTEN_FAILED', `cannot listen on udp ${address}:${port}: not an IP address`));
    }
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        socket.close();
        reject(new TransportError('LISTEN_FAILED',
          `cannot listen on ${describeEndpoint({ protocol: 'udp', address, port })}: ${errnoText(err)}`, { cause: err }));
      };
      socket.once('error', onError);
      socket.bind({ address, port, exclusive: settings.exclusive }, () => {
        socket.off('error', onError);
        try {
          socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
        } catch {
          // Capped by net.core.rmem_max or not permitted: the default still works.
        }
        const bound = socket.address();
        const listener = new UdpListener(socket, endpoint('udp', bound.address, bound.port), family);
        listener.attach(settings);
        resolve(listener);
      });
    });
  }

  private attach(settings: UdpSettings): void {
    const { counters, log, maxMessageBytes } = settings;
    const local = this.endpoint;
    this.socket.on('error', (err) => log.warn({ local: describeEndpoint(local), err: err.message }, 'udp socket error'));
    this.socket.on('message', (data, rinfo) => {
      if (data.length > maxMessageBytes) {
        counters.droppedOversize++;
        log.debug({ local: describeEndpoint(local), from: rinfo.address, bytes: data.length }, 'oversize datagram dropped');
        return;
      }
      if (isKeepalive(data)) {
        counters.keepalivesIgnored++;
        return;
      }
      const address = normalizeAddress(rinfo.address);
      settings.received(address, this);
      settings.deliver({ data, source: { protocol: 'udp', address, port: rinfo.port }, local });
    });
  }

  /** Sends one datagram; `address` must be of this socket's family (or IPv4-mapped on udp6). */
  send(address: string, port: number, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.send(data, port, address, (err) => {
        if (err) {
          reject(new TransportError('SEND_FAILED',
            `cannot send ${data.length} bytes to ${describeEndpoint({ protocol: 'udp', address, port })}: ${errnoText(err)}`,
            { cause: err }));
        } else {
          resolve();
        }
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}
