// One TCP or TLS connection: frames what it reads (StreamFramer, RFC 3261 §18.3), answers
// keep-alive pings (RFC 5626 §3.5.1), closes on idleness and on framing errors, and bounds what
// it buffers for a peer that does not read.
import type { Socket } from 'node:net';
import { StreamFramer } from '../message/framer.js';
import type { ParseLimits } from '../message/types.js';
import { describeEndpoint, TransportError } from './errors.js';
import type { Counters } from './stats.js';
import type { ConnectionInfo, Endpoint, InboundMessage, PeerCertificate, TransportLog } from './types.js';

/** RFC 5626 §3.5.1: the pong is a single CRLF. */
const PONG = Buffer.from('\r\n');
/** After a framing error: time left for the layer above to write its 400 before we end(). */
const FRAMING_ERROR_GRACE_MS = 100;
/** After end(): time the peer has to close its side before we destroy the socket. */
const END_TIMEOUT_MS = 2_000;

export interface ConnectionSettings {
  limits: ParseLimits;
  idleTimeoutMs: number;
  /** Bytes we may hold for a peer that does not read before we close the connection. */
  maxWriteBufferBytes: number;
  counters: Counters;
  log: TransportLog;
  deliver(m: InboundMessage): void;
  closed(c: StreamConnection): void;
}

export class StreamConnection {
  private readonly framer: StreamFramer;
  /** Set after a framing error: input is discarded and the socket ends shortly. */
  private closing = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly whenClosed: Promise<void>;
  // Copied out of `info` because they are read for every message.
  private readonly id: string;
  private readonly local: Endpoint;
  private readonly remote: Endpoint;
  private readonly peer: PeerCertificate | undefined;

  constructor(
    readonly info: ConnectionInfo,
    private readonly socket: Socket,
    private readonly settings: ConnectionSettings,
  ) {
    const id = info.connectionId;
    const remote = info.remote;
    this.id = id;
    this.local = info.local;
    this.remote = remote;
    this.peer = info.peer;
    this.framer = new StreamFramer(settings.limits);
    this.whenClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setNoDelay(true);
    socket.setTimeout(settings.idleTimeoutMs);
    socket.on('timeout', () => {
      settings.counters.idleClosed++;
      settings.log.debug({ connectionId: id, remote: describeEndpoint(remote) }, 'closing idle connection');
      socket.destroy();
    });
    socket.on('error', (err) => {
      settings.log.debug({ connectionId: id, err: err.message }, 'connection error');
    });
    socket.on('close', () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      settings.closed(this);
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  get isOpen(): boolean {
    return !this.socket.destroyed && !this.socket.writableEnded;
  }

  /** Queues bytes; throws when the connection is closed or the peer stopped reading. */
  write(data: Buffer): void {
    const s = this.socket;
    if (s.destroyed || s.writableEnded) {
      throw new TransportError('CONNECTION_CLOSED', `connection ${this.id} to ${describeEndpoint(this.remote)} is closed`);
    }
    if (s.writableLength > this.settings.maxWriteBufferBytes) {
      this.settings.counters.slowReadersClosed++;
      this.settings.log.warn({ connectionId: this.id, remote: describeEndpoint(this.remote), buffered: s.writableLength },
        'peer does not read: closing connection');
      s.destroy();
      throw new TransportError('CONNECTION_CLOSED',
        `connection ${this.id} to ${describeEndpoint(this.remote)} closed: peer does not read (${s.writableLength} bytes queued)`);
    }
    // Writes made in one tick leave in one writev: a burst of responses costs one syscall.
    if (!this.corked) {
      this.corked = true;
      s.cork();
      process.nextTick(this.uncork);
    }
    s.write(data);
  }

  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  /** Closes at once; resolves when the socket is freed. */
  destroy(): Promise<void> {
    this.socket.destroy();
    return this.whenClosed;
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return; // read and discard, so that closing does not reset the 400 away
    let events;
    try {
      events = this.framer.push(chunk);
    } catch (err) {
      // Never fail open: a framer bug closes the connection like a framing error.
      this.failFraming(chunk, 400, 'Bad Request', err);
      return;
    }
    for (const ev of events) {
      if (ev.type === 'message') {
        this.settings.deliver({ data: ev.data, source: this.remote, local: this.local, connectionId: this.id, peer: this.peer });
      } else if (ev.type === 'keepalive') {
        // RFC 5626 §3.5.1: answer a CRLFCRLF ping with a CRLF pong. The framer reports pings only.
        this.settings.counters.keepalivesAnswered++;
        if (!this.socket.writableEnded) this.socket.write(PONG);
      } else {
        this.failFraming(ev.data, ev.status, ev.reason);
        return;
      }
      if (this.closing || this.socket.destroyed) return;
    }
  }

  /** Passes the error up once, then ends the connection after a short grace period. */
  private failFraming(data: Buffer, status: number, reason: string, cause?: unknown): void {
    this.closing = true;
    this.settings.counters.framingErrors++;
    this.settings.log.info({ connectionId: this.id, remote: describeEndpoint(this.remote), status, reason,
      err: cause instanceof Error ? cause.message : undefined }, 'stream framing error: closing connection');
    this.settings.deliver({ data, source: this.remote, local: this.local, connectionId: this.id, peer: this.peer,
      framingError: { status, reason } });
    if (this.socket.destroyed) return;
    this.timer = setTimeout(() => {
      this.socket.end();
      this.timer = setTimeout(() => this.socket.destroy(), END_TIMEOUT_MS);
    }, FRAMING_ERROR_GRACE_MS);
  }
}
