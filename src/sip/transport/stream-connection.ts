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
  /** Time to complete a message after its first byte (limits.ts MESSAGE_DEADLINE_MS). */
  messageDeadlineMs: number;
  /** Inbound only: time to deliver a first message after opening (FIRST_MESSAGE_TIMEOUT_MS). */
  firstMessageTimeoutMs: number;
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
  /** Runs while a message is incomplete, or until the first message of an inbound connection. */
  private deadline: NodeJS.Timeout | undefined;
  private delivered = false;
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
    if (info.direction === 'inbound') {
      this.deadline = setTimeout(() => this.expire('idle'), settings.firstMessageTimeoutMs);
      this.deadline.unref();
    }
    socket.on('close', () => {
      if (this.timer) clearTimeout(this.timer);
      if (this.deadline) clearTimeout(this.deadline);
      this.timer = undefined;
      this.deadline = undefined;
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
        this.delivered = true;
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
    this.watchDeadline();
  }

  /**
   * Slow-loris guard: a message begun must be complete within messageDeadlineMs of the byte that
   * began it, however slowly the rest trickles in (the idle timeout alone restarts on every
   * byte). Costs nothing while messages arrive whole: the timer exists only while bytes wait.
   */
  private watchDeadline(): void {
    if (this.framer.buffered > 0) {
      if (this.messageTimer) return;
      if (this.deadline) clearTimeout(this.deadline);
      this.messageTimer = true;
      this.deadline = setTimeout(() => this.expire('message'), this.settings.messageDeadlineMs);
      this.deadline.unref();
    } else if (this.messageTimer || (this.delivered && this.deadline)) {
      // Message complete, or the first message came: neither deadline applies any more.
      clearTimeout(this.deadline);
      this.deadline = undefined;
      this.messageTimer = false;
    }
  }

  /** True while `deadline` is the message deadline rather than the first-message timeout. */
  private messageTimer = false;

  private expire(why: 'idle' | 'message'): void {
    this.deadline = undefined;
    this.messageTimer = false;
    if (this.socket.destroyed) return;
    const c = this.settings.counters;
    if (why === 'idle') c.idleClosed++;
    else c.messageDeadlineClosed++;
    this.settings.log.info({ connectionId: this.id, remote: describeEndpoint(this.remote), buffered: this.framer.buffered },
      why === 'idle' ? 'closing connection: no message since it opened' : 'closing connection: message not complete in time');
    this.socket.destroy();
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
