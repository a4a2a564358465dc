// One RTP session (RFC 3550) over the socket pair a PortAllocator handed out: symmetric RTP with
// latching (source-latch.ts), validation of every datagram, RTCP reports every ~5 s, BYE on close.
// The session owns the sockets: close() sends BYE and then calls release(), which closes them
// (ownership tree, ../shared/STYLE.md). Nothing on the receive path throws into the event loop:
// bad datagrams are dropped and counted in stats().
//
// SRTP plugs in through `transform` (see transform.ts for the contract). The RTP socket is a
// node:dgram socket ('message' events) or one the media thread's batched native receiver polls
// (datagram-in.ts); every datagram takes the same path from #onRtpDatagram on.
import type { RemoteInfo } from 'node:dgram';
import { Listeners, type Unsubscribe } from './listeners.js';
import { trackPacket, type ReceiveStats } from './receive-stats.js';
import { RtcpCompound, isRtcp } from './rtcp-packet.js';
import { RtcpState } from './rtcp-reporter.js';
import { RTP_HEADER_SIZE, RtpPacket, isPlausibleRtp } from './rtp-packet.js';
import { RtpSender, type RtpSendOptions } from './rtp-sender.js';
import { SourceLatch, rtcpDestination, type TransportAddress } from './source-latch.js';
import { withDefaults, zeroCounters, type RtpSessionOptions, type RtpSessionStats, type RtpSocketPair, type SessionCounter } from './rtp-session-options.js';
import type { RtpTransform } from './transform.js';
import type { DatagramOut } from './datagram-out.js';
import { isPolled, type DatagramSink, type RtpSocket } from './datagram-in.js';

export type { RtpSessionOptions, RtpSessionStats, RtpSocketPair } from './rtp-session-options.js';

export class RtpSession {
  readonly localPort: number;
  readonly clockRate: number;
  readonly cname: string;
  /** Resolves once close() has sent BYE and the ports are released. */
  readonly closed: Promise<void>;

  readonly #ports: RtpSocketPair;
  readonly #rtcpMux: boolean;
  readonly #transform: RtpTransform;
  readonly #out: DatagramOut | undefined;
  readonly #maxPacketSize: number;
  readonly #rtcpIntervalMs: number;
  readonly #now: () => number;
  /** Arrival times from the kernel (polled sockets) are used only when `now` is performance.now(). */
  readonly #kernelTimes: boolean;
  readonly #wall: () => number;
  readonly #sender: RtpSender;
  readonly #rtpLatch: SourceLatch;
  readonly #rtcpLatch: SourceLatch;
  readonly #counts: Record<SessionCounter, number> = zeroCounters();
  readonly #packetListeners: Listeners<[RtpPacket]>;
  readonly #rtcpListeners: Listeners<[RtcpCompound]>;
  readonly #byeListeners: Listeners<[string | undefined]>;
  #source: ReceiveStats | undefined;
  readonly #rtcp: RtcpState;
  #timer: NodeJS.Timeout | undefined;
  #closing = false;
  #released = false;
  #resolveClosed!: () => void;

  constructor(opts: RtpSessionOptions) {
    const options = withDefaults(opts);
    this.#ports = options.ports;
    this.localPort = options.ports.port;
    this.clockRate = options.clockRate;
    this.cname = options.cname;
    this.#rtcpMux = options.rtcpMux;
    this.#transform = options.transform;
    this.#out = options.out;
    this.#maxPacketSize = options.maxPacketSize;
    this.#rtcpIntervalMs = options.rtcpIntervalMs;
    this.#now = options.now;
    this.#kernelTimes = opts.now === undefined;
    this.#wall = options.wallClock;
    this.#sender = new RtpSender(this.clockRate, options.initial);
    this.#rtcp = new RtcpState(this.#sender, this.cname, this.clockRate);
    const { address, port } = options.remote;
    this.#rtpLatch = new SourceLatch({ address, port });
    this.#rtcpLatch = new SourceLatch({ address, port: this.#rtcpMux ? port : options.remote.rtcpPort ?? port + 1 });
    const countError = (): void => void this.#counts.listenerErrors++;
    this.#packetListeners = new Listeners(countError);
    this.#rtcpListeners = new Listeners(countError);
    this.#byeListeners = new Listeners(countError);
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));

    const { rtp, rtcp } = options.ports;
    // No closure per datagram on the RTP path (the #guard of RTCP makes one; RTCP is rare).
    if (isPolled(rtp)) {
      rtp.attach(this.#sink);
    } else {
      rtp.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.#datagram(msg, rinfo, this.#now()));
      rtp.on('error', () => void this.#counts.socketErrors++);
    }
    rtcp.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.#guard(() => this.#onRtcpDatagram(msg, rinfo, this.#rtcpLatch, this.#now())));
    rtcp.on('error', () => void this.#counts.socketErrors++);
    this.#schedule(0.5); // §6.2: the first report after half an interval
  }

  /**
   * Each valid RTP packet received. Its payload may be a view into a receive arena that the next
   * batch overwrites (datagram-in.ts): use it during the call, copy what you keep.
   */
  onPacket(handler: (packet: RtpPacket) => void): Unsubscribe {
    return this.#packetListeners.add(handler);
  }

  onRtcp(handler: (compound: RtcpCompound) => void): Unsubscribe {
    return this.#rtcpListeners.add(handler);
  }

  onBye(handler: (reason: string | undefined) => void): Unsubscribe {
    return this.#byeListeners.add(handler);
  }

  get ssrc(): number {
    return this.#sender.ssrc;
  }

  /**
   * Sends one RTP packet to the latched source (or the SDP address before latching). Returns false
   * when the session is closing or there is nowhere to send yet (the timestamp still advances).
   * Throws MediaPacketError('invalid field') for a payload type or step out of range.
   */
  send(payload: Buffer, opts: RtpSendOptions): boolean {
    if (this.#closing) return false;
    const to = this.#rtpLatch.destination();
    if (!to) {
      this.#sender.skip(opts.timestampStep);
      this.#counts.notSent++;
      return false;
    }
    // The packet is written straight into one buffer (fixed header, then the payload): no packet
    // object, no second copy. From the pool, not zeroed: every octet is written.
    const packet = Buffer.allocUnsafe(RTP_HEADER_SIZE + payload.length);
    this.#sender.writeNextHeader(packet, 0, payload.length, opts, this.#now());
    packet.set(payload, RTP_HEADER_SIZE);
    let wire: Buffer;
    try {
      wire = this.#transform.protect(packet);
    } catch {
      this.#counts.sendErrors++;
      return false;
    }
    this.#counts.packetsOut++;
    this.#counts.bytesOut += payload.length;
    if (this.#out?.send(this.#ports.rtp, wire, to, this.#countSendError)) return true;
    this.#sendTo(this.#ports.rtp, wire, to);
    return true;
  }

  /**
   * A frame time passed with nothing sent (silence): the timestamp follows the sampling clock
   * (RFC 3550 §5.1), so the next talkspurt starts where the elapsed samples put it.
   */
  idle(timestampStep: number): void {
    if (!this.#closing) this.#sender.skip(timestampStep);
  }

  /** Sends an RTCP report now (the timer does this every ~rtcpIntervalMs). */
  sendReport(): void {
    if (this.#closing) return;
    this.#sendRtcp(undefined);
  }

  stats(): RtpSessionStats {
    const s = this.#source;
    return {
      ...this.#counts,
      localSsrc: this.#sender.ssrc,
      remoteSsrc: s?.ssrc,
      expected: s?.expected ?? 0,
      lost: s?.lost ?? 0,
      highestSequence: s?.extendedMax ?? 0,
      jitterMs: s?.jitterMs ?? 0,
      latched: this.#rtpLatch.latched,
      peer: this.#rtcp.peer,
      peerSender: this.#rtcp.peerSender,
      byeReceived: this.#rtcp.byeReceived,
    };
  }

  /**
   * Ends the session: stops reports, sends RTCP BYE (§6.6) and releases the ports once the BYE has
   * left (a dgram socket closed right after send() drops the datagram). Idempotent; `closed`
   * resolves when the ports are free.
   */
  close(reason?: string): void {
    if (this.#closing) return;
    this.#closing = true;
    clearTimeout(this.#timer);
    for (const l of [this.#packetListeners, this.#rtcpListeners, this.#byeListeners]) l.clear();
    const sent = this.#sendRtcp({ ...(reason !== undefined ? { reason } : {}) }, () => this.#release());
    if (!sent) this.#release();
    else setTimeout(() => this.#release(), 250).unref(); // in case the send callback never comes
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    try {
      this.#out?.flush(); // packets still batched leave before their socket closes (datagram-out.ts)
      this.#ports.release();
    } catch {
      this.#counts.socketErrors++;
    }
    this.#resolveClosed();
  }

  /** False (counted) when closing or the datagram is larger than maxPacketSize. */
  #sizeOk(msg: Buffer): boolean {
    if (this.#closing) return false;
    if (msg.length <= this.#maxPacketSize) return true;
    this.#counts.droppedOversized++;
    this.#counts.droppedInvalid++;
    return false;
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch {
      this.#counts.droppedInvalid++; // a bug in our own code: drop the datagram, keep the session
    }
  }

  // The polled RTP socket's datagrams (the batched native receiver): msg a view into its arena,
  // read synchronously; `from` possibly shared; the kernel's arrival time (datagram-in.ts).
  readonly #sink: DatagramSink = {
    datagram: (msg, from, arrivalMs) => this.#datagram(msg, from, this.#kernelTimes ? arrivalMs : this.#now()),
    oversized: () => {
      if (this.#closing) return;
      this.#counts.droppedOversized++; // longer than the receive slot: cut, so not read at all
      this.#counts.droppedInvalid++;
    },
    error: () => void this.#counts.socketErrors++,
  };

  #datagram(msg: Buffer, from: TransportAddress, arrivalMs: number): void {
    try {
      this.#onRtpDatagram(msg, from, arrivalMs);
    } catch {
      this.#counts.droppedInvalid++; // a bug in our own code: drop the datagram, keep the session
    }
  }

  #onRtpDatagram(msg: Buffer, from: TransportAddress, arrivalMs: number): void {
    if (!this.#sizeOk(msg)) return;
    if (this.#rtcpMux && isRtcp(msg)) return this.#onRtcpDatagram(msg, from, this.#rtpLatch, arrivalMs);
    if (!this.#rtpLatch.admits(from)) {
      this.#counts.droppedWrongSource++;
      return;
    }
    if (!isPlausibleRtp(msg)) {
      this.#counts.droppedInvalid++;
      return;
    }
    const plain = this.#unprotect(msg, false);
    if (!plain) return;
    let packet: RtpPacket;
    try {
      packet = RtpPacket.deSerialize(plain);
    } catch {
      this.#counts.droppedInvalid++;
      return;
    }
    this.#rtpLatch.latch(from);
    const tracked = trackPacket(this.#source, packet, this.clockRate, arrivalMs);
    this.#source = tracked.source;
    if (!tracked.accepted) {
      this.#counts.droppedSeqJump++;
      return;
    }
    this.#counts.packetsIn++;
    this.#counts.bytesIn += packet.payload.length;
    this.#packetListeners.emit(packet);
  }

  #onRtcpDatagram(msg: Buffer, from: TransportAddress, latch: SourceLatch, arrivalMs: number): void {
    if (!this.#sizeOk(msg)) return;
    // RTCP must come from the latched RTCP source; before that, from the RTP source's address.
    const rtp = this.#rtpLatch.latched;
    if (!latch.admits(from) || (!latch.latched && rtp && rtp.address !== from.address)) {
      this.#counts.droppedWrongSource++;
      return;
    }
    const plain = this.#unprotect(msg, true);
    if (!plain) return;
    let compound: RtcpCompound;
    try {
      compound = RtcpCompound.deSerialize(plain);
    } catch {
      this.#counts.droppedInvalid++;
      return;
    }
    latch.latch(from);
    this.#counts.rtcpIn++;
    const got = this.#rtcp.absorb(compound, arrivalMs, this.#wall());
    this.#rtcpListeners.emit(compound);
    if (got.bye) this.#byeListeners.emit(got.bye.reason);
  }

  #unprotect(msg: Buffer, rtcp: boolean): Buffer | undefined {
    let plain: Buffer | undefined;
    try {
      plain = rtcp ? this.#transform.unprotectRtcp(msg) : this.#transform.unprotect(msg);
    } catch {
      plain = undefined; // never fail open
    }
    if (!plain) this.#counts.droppedAuth++;
    return plain;
  }

  /** Builds and sends one compound report (+ BYE); false if there was nowhere to send it. */
  #sendRtcp(bye: { reason?: string } | undefined, done?: () => void): boolean {
    const to = this.#rtcpMux ? this.#rtpLatch.destination() : rtcpDestination(this.#rtpLatch, this.#rtcpLatch);
    if (!to) return false;
    let wire: Buffer;
    try {
      const compound = this.#rtcp.build(this.#source, this.#now(), this.#wall(), bye);
      wire = this.#transform.protectRtcp(compound.serialize());
    } catch {
      this.#counts.sendErrors++;
      return false;
    }
    this.#counts.rtcpOut++;
    return this.#sendTo(this.#rtcpMux ? this.#ports.rtp : this.#ports.rtcp, wire, to, done);
  }

  readonly #countSendError = (): void => void this.#counts.sendErrors++;

  // One callback for every RTP packet (not a closure per packet); dgram reports send errors only
  // to a callback, never as an 'error' event, so there must be one for sendErrors to count them.
  readonly #afterSend = (error: Error | null): void => {
    if (error) this.#counts.sendErrors++;
  };

  #sendTo(socket: RtpSocket, wire: Buffer, to: TransportAddress, done?: () => void): boolean {
    try {
      const after = done ? (error: Error | null) => (this.#afterSend(error), done()) : this.#afterSend;
      if (isPolled(socket)) socket.send(wire, to, after);
      else socket.send(wire, to.port, to.address, after);
      return true;
    } catch {
      this.#counts.sendErrors++; // socket already closed, bad address
      return false;
    }
  }

  #schedule(factor: number): void {
    if (this.#rtcpIntervalMs <= 0 || this.#closing) return;
    // §6.3.1: randomise to 0.5..1.5 of the interval so sessions do not synchronise.
    const delay = this.#rtcpIntervalMs * factor * (0.5 + Math.random());
    this.#timer = setTimeout(() => {
      this.#guard(() => this.sendReport());
      this.#schedule(1);
    }, delay);
    this.#timer.unref();
  }
}
