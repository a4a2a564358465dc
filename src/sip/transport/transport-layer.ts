// The SIP transport layer (RFC 3261 §18): listens on UDP, TCP and TLS, passes each complete
// message up once, and sends requests and responses on the right socket or connection.
// It knows nothing of certificates beyond a TlsProvider (ARCHITECTURE.md: sip/transport does not
// know pki/), and nothing of SIP beyond framing (the StreamFramer of sip/message).
import type { Socket } from 'node:net';
import { DEFAULT_LIMITS, type ParseLimits } from '../message/types.js';
import { endpoint, endpointKey, normalizeAddress } from './addresses.js';
import { ConnectionTable } from './connection-table.js';
import { openStream } from './connector.js';
import { describeEndpoint, TransportError } from './errors.js';
import { createCounters, snapshot } from './stats.js';
import { FIRST_MESSAGE_TIMEOUT_MS, IDLE_TIMEOUT_MS, MAX_CONNECTIONS_PER_SOURCE, MESSAGE_DEADLINE_MS } from './limits.js';
import { SourceLimit } from './source-limit.js';
import { StreamConnection, type ConnectionSettings } from './stream-connection.js';
import { StreamListener } from './stream-listener.js';
import type {
  ConnectionInfo, Endpoint, InboundMessage, PeerCertificate, TlsProvider, TransportLog, TransportProtocol, TransportStats,
} from './types.js';
import { UdpListener } from './udp-listener.js';
import { UdpSockets } from './udp-sockets.js';

export interface TransportOptions {
  limits?: ParseLimits;
  /** Streams with no traffic for this long are closed. Default IDLE_TIMEOUT_MS (limits.ts). */
  idleTimeoutMs?: number;
  /** Time to complete a stream message after its first byte. Default MESSAGE_DEADLINE_MS. */
  messageDeadlineMs?: number;
  /** Time for an inbound stream to deliver its first message. Default FIRST_MESSAGE_TIMEOUT_MS. */
  firstMessageTimeoutMs?: number;
  /** Cap on inbound TCP/TLS connections from one IP address. Default MAX_CONNECTIONS_PER_SOURCE. */
  maxConnectionsPerSource?: number;
  tls?: TlsProvider;
  log?: TransportLog;
  /** Cap on open TCP/TLS connections, both directions, handshakes included. Default 10 000. */
  maxConnections?: number;
  /** Bytes queued for a peer that does not read before its connection is closed. Default 1 MiB. */
  maxWriteBufferBytes?: number;
  /** Time to open an outbound connection (TLS handshake included). Default 10 000 ms. */
  connectTimeoutMs?: number;
  /**
   * Listeners shared between cluster worker processes (node:cluster binds them in the primary and
   * hands every worker the same socket). Default false: each listener is this process's own.
   */
  shared?: boolean;
}

export type ConnectionEvent = { type: 'open' | 'closed'; connection: ConnectionInfo };

const SILENT: TransportLog = { warn() {}, info() {}, debug() {} };
const DONE = Promise.resolve();

export class TransportLayer {
  private readonly counters = createCounters();
  private readonly log: TransportLog;
  private readonly tls: TlsProvider | undefined;
  private readonly maxConnections: number;
  private readonly sources: SourceLimit;
  private readonly connectTimeoutMs: number;
  private readonly connectionSettings: ConnectionSettings;
  private messageHandler: (m: InboundMessage) => void = () => {};
  private connectionHandler: (e: ConnectionEvent) => void = () => {};
  private readonly udp = new UdpSockets();
  private readonly streams: StreamListener[] = [];
  private readonly connections = new ConnectionTable();
  private readonly connecting = new Map<string, Promise<StreamConnection>>();
  private readonly aborter = new AbortController();
  private handshakes = 0;
  private nextId = 0;
  private closed = false;

  private readonly shared: boolean;

  constructor(options: TransportOptions = {}) {
    this.shared = options.shared ?? false;
    this.log = options.log ?? SILENT;
    this.tls = options.tls;
    this.maxConnections = options.maxConnections ?? 10_000;
    this.sources = new SourceLimit(options.maxConnectionsPerSource ?? MAX_CONNECTIONS_PER_SOURCE, this.counters, this.log);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.connectionSettings = {
      limits: options.limits ?? DEFAULT_LIMITS,
      idleTimeoutMs: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
      messageDeadlineMs: options.messageDeadlineMs ?? MESSAGE_DEADLINE_MS,
      firstMessageTimeoutMs: options.firstMessageTimeoutMs ?? FIRST_MESSAGE_TIMEOUT_MS,
      maxWriteBufferBytes: options.maxWriteBufferBytes ?? 1024 * 1024,
      counters: this.counters,
      log: this.log,
      deliver: this.deliver,
      closed: (c) => this.connectionClosed(c),
    };
  }

  /** The handler is called once per complete message; a throwing handler is logged, not fatal. */
  onMessage(handler: (m: InboundMessage) => void): void {
    this.messageHandler = handler;
  }

  /** TCP/TLS connections opening (after the TLS handshake) and closing. */
  onConnection(handler: (e: ConnectionEvent) => void): void {
    this.connectionHandler = handler;
  }

  async listen(spec: { protocol: TransportProtocol; address: string; port: number }): Promise<Endpoint> {
    if (this.closed) throw new TransportError('CLOSED', `cannot listen on ${describeEndpoint(spec)}: transport closed`);
    if (spec.protocol !== 'udp' && spec.protocol !== 'tcp' && spec.protocol !== 'tls') {
      throw new TransportError('LISTEN_FAILED', `cannot listen on ${describeEndpoint(spec)}: unknown protocol`);
    }
    if (spec.protocol === 'udp') {
      const l = await UdpListener.open(spec.address, spec.port, {
        exclusive: !this.shared,
        maxMessageBytes: this.connectionSettings.limits.maxMessageBytes,
        counters: this.counters,
        log: this.log,
        deliver: this.deliver,
        received: (address, listener) => this.udp.heard(address, listener),
      });
      this.udp.add(l);
      this.log.info({ local: describeEndpoint(l.endpoint) }, 'listening');
      return l.endpoint;
    }
    const l = await StreamListener.open(spec.protocol, spec.address, spec.port, {
      exclusive: !this.shared,
      tls: this.tls,
      log: this.log,
      admit: (socket) => this.admit(socket),
      handshaking: (d) => { this.handshakes += d; },
      tlsFailed: (reason) => { this.counters.tlsHandshakeFailures[reason] = (this.counters.tlsHandshakeFailures[reason] ?? 0) + 1; },
      accepted: (socket, listener, peer) => { this.adopt(socket, 'inbound', listener.endpoint.protocol, peer); },
    });
    this.streams.push(l);
    this.log.info({ local: describeEndpoint(l.endpoint) }, 'listening');
    return l.endpoint;
  }

  /** Stops accepting on `ep`; open TCP/TLS connections stay until idle or `closeConnections`. */
  async unlisten(ep: Endpoint): Promise<void> {
    if (ep.protocol === 'udp') {
      await this.udp.remove(ep)?.close();
      return;
    }
    const address = normalizeAddress(ep.address);
    const s = this.streams.findIndex((l) => l.endpoint.protocol === ep.protocol && l.endpoint.port === ep.port
      && l.endpoint.address === address);
    if (s >= 0) {
      const [l] = this.streams.splice(s, 1);
      await l?.close();
    }
  }

  /**
   * Sends one message. UDP: from a listening socket of the destination's family. TCP/TLS: over
   * `connectionId` if open, else over an open connection to `dest`, else over a new one.
   * Resolves once the bytes are handed to the socket.
   */
  send(dest: Endpoint, data: Buffer, options?: { connectionId?: string }): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('CLOSED', `cannot send to ${describeEndpoint(dest)}: transport closed`));
    if (dest.protocol === 'udp') {
      this.counters.messagesOut.udp++;
      return this.udp.send(dest, data);
    }
    const id = options?.connectionId;
    if (id !== undefined) {
      const c = this.connections.get(id);
      if (c && c.isOpen && c.info.remote.protocol === dest.protocol) return this.write(c, data);
    }
    const address = normalizeAddress(dest.address);
    const open = this.connections.find(dest.protocol, address, dest.port);
    if (open && open.isOpen) return this.write(open, data);
    return this.openConnection(dest).then((c) => this.write(c, data));
  }

  /** Our listener for `protocol` of `dest`'s address family (for the Contact of requests we send), if any. */
  listenerFor(dest: Endpoint): Endpoint | undefined {
    if (dest.protocol === 'udp') return this.udpLocalFor(dest);
    const v6 = normalizeAddress(dest.address).includes(':');
    const mine = this.streams.filter((l) => l.endpoint.protocol === dest.protocol);
    return mine.find((l) => l.endpoint.address.includes(':') === v6)?.endpoint ?? mine[0]?.endpoint;
  }

  /** The UDP socket a request to `dest` would leave from (for its Via), if there is one of its family. */
  udpLocalFor(dest: Endpoint): Endpoint | undefined {
    const v6 = normalizeAddress(dest.address).includes(':');
    return this.udp.listeners.find((l) => (l.family === 6) === v6)?.endpoint ?? this.udp.listeners.find((l) => l.family === 6)?.endpoint;
  }

  /** An open connection to `dest` (reused or new), e.g. to check `peer` before sending. */
  async connect(dest: Endpoint): Promise<ConnectionInfo> {
    if (dest.protocol === 'udp') throw new TransportError('NO_TRANSPORT', `cannot connect to ${describeEndpoint(dest)}: UDP has no connections`);
    if (this.closed) throw new TransportError('CLOSED', `cannot connect to ${describeEndpoint(dest)}: transport closed`);
    const open = this.connections.find(dest.protocol, normalizeAddress(dest.address), dest.port);
    if (open && open.isOpen) return open.info;
    return (await this.openConnection(dest)).info;
  }

  /** The certificate the TLS peer of a connection presented (undefined: none, or not TLS/open). */
  peerOf(connectionId: string): PeerCertificate | undefined {
    return this.connections.get(connectionId)?.info.peer;
  }

  connection(connectionId: string): ConnectionInfo | undefined {
    return this.connections.get(connectionId)?.info;
  }

  stats(): TransportStats {
    return snapshot(this.counters, this.connections.size);
  }

  /** Closes every TCP/TLS connection at once; listeners stay. */
  async closeConnections(): Promise<void> {
    await Promise.all(this.connections.all().map((c) => c.destroy()));
  }

  /** Frees every socket and server; the layer cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.aborter.abort();
    const udp = this.udp.removeAll();
    const streams = this.streams.splice(0);
    for (const l of streams) l.dropHandshakes();
    const pending = [...this.connecting.values()].map((p) => p.then(() => undefined, () => undefined));
    await Promise.all([
      ...udp.map((l) => l.close()),
      ...streams.map((l) => l.close()),
      this.closeConnections(),
      ...pending,
    ]);
    await this.closeConnections(); // anything adopted while the rest closed
  }

  private readonly deliver = (m: InboundMessage): void => {
    if (!m.framingError) this.counters.messagesIn[m.source.protocol]++;
    try {
      this.messageHandler(m);
    } catch (err) {
      this.log.warn({ from: describeEndpoint(m.source), err: err instanceof Error ? err.message : String(err) },
        'message handler threw');
    }
  };

  private write(c: StreamConnection, data: Buffer): Promise<void> {
    try {
      c.write(data);
    } catch (err) {
      return Promise.reject(err);
    }
    this.counters.messagesOut[c.info.remote.protocol]++;
    return DONE;
  }

  private admit(socket?: Socket): boolean {
    if (this.closed || this.connections.size + this.handshakes + this.connecting.size >= this.maxConnections) {
      this.counters.connectionsRefused++;
      this.log.warn({ max: this.maxConnections }, 'connection refused: too many open connections');
      return false;
    }
    return !socket || this.sources.admit(socket);
  }

  private openConnection(dest: Endpoint): Promise<StreamConnection> {
    const address = normalizeAddress(dest.address);
    const key = endpointKey(dest.protocol, address, dest.port);
    const pending = this.connecting.get(key);
    if (pending) return pending;
    if (!this.admit()) {
      return Promise.reject(new TransportError('CONNECT_FAILED',
        `cannot connect to ${describeEndpoint(dest)}: ${this.maxConnections} connections are open`));
    }
    const target: Endpoint = { protocol: dest.protocol, address, port: dest.port };
    const p = openStream(target, this.tls, this.connectTimeoutMs, this.aborter.signal).then(
      ({ socket, peer }) => {
        this.connecting.delete(key);
        if (this.closed) {
          socket.destroy();
          throw new TransportError('CLOSED', `cannot connect to ${describeEndpoint(dest)}: transport closed`);
        }
        return this.adopt(socket, 'outbound', dest.protocol, peer, target);
      },
      (err: unknown) => {
        this.connecting.delete(key);
        throw err;
      },
    );
    this.connecting.set(key, p);
    return p;
  }

  private adopt(socket: Socket, direction: 'inbound' | 'outbound', protocol: TransportProtocol,
    peer: PeerCertificate | undefined, dest?: Endpoint): StreamConnection {
    const id = `${protocol}-${++this.nextId}`;
    const info: ConnectionInfo = Object.freeze({
      connectionId: id,
      direction,
      local: endpoint(protocol, socket.localAddress ?? '', socket.localPort ?? 0),
      remote: dest && !socket.remoteAddress ? endpoint(protocol, dest.address, dest.port)
        : endpoint(protocol, socket.remoteAddress ?? '', socket.remotePort ?? 0),
      ...(peer ? { peer } : {}),
    });
    const c = new StreamConnection(info, socket, this.connectionSettings);
    if (socket.destroyed) return c; // closed before we got it; `closed` will not see it in the table
    this.connections.add(c);
    this.log.debug({ connectionId: id, direction, remote: describeEndpoint(info.remote) }, 'connection open');
    this.notify('open', info);
    return c;
  }

  private connectionClosed(c: StreamConnection): void {
    if (this.connections.get(c.info.connectionId) !== c) return;
    this.connections.remove(c);
    this.log.debug({ connectionId: c.info.connectionId }, 'connection closed');
    this.notify('closed', c.info);
  }

  private notify(type: 'open' | 'closed', connection: ConnectionInfo): void {
    try {
      this.connectionHandler({ type, connection });
    } catch (err) {
      this.log.warn({ connectionId: connection.connectionId, err: err instanceof Error ? err.message : String(err) },
        'connection handler threw');
    }
  }
}
