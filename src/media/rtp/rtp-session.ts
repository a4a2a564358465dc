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
import { trackFields, type ReceiveStats } from './receive-stats.js';
import { RtpHeaderView } from './rtp-header-view.js';
import { RtcpCompound, isRtcpAt } from './rtcp-packet.js';
import { RtcpState } from './rtcp-reporter.js';
import { RTP_HEADER_SIZE, RtpPacket, checkRange } from './rtp-packet.js';
import { RtpSender, checkSendOptions, type RtpSendOptions } from './rtp-sender.js';
import { SourceLatch, rtcpDestination, type TransportAddress } from './source-latch.js';
import { withDefaults, zeroCounters, type RtpSessionOptions, type RtpSessionStats, type RtpSocketPair, type SessionCounter } from './rtp-session-options.js';
import { PLAIN_RTP, type RtpTransform } from './transform.js';
import type { DatagramOut } from './datagram-out.js';
import { isPolled, type DatagramSink, type RtpSocket } from './datagram-in.js';

export type { RtpSessionOptions, RtpSessionStats, RtpSocketPair } from './rtp-session-options.js';

/** What onPayload() hands over: the header read in place and the plain datagram. */
export type PayloadHandler = (header: RtpHeaderView, datagram: Buffer) => void;

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
  // The media path's one consumer (onPayload) and the header it reads each packet into, reused.
  #payloadHandler: PayloadHandler | undefined;
  readonly #header = new RtpHeaderView();
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
      rtp.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.#datagram(msg, 0, msg.length, rinfo, this.#now()));
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

  /**
   * onPacket() for the media path, with no object per packet: `handler` gets each valid packet's
   * header (one object, overwritten by the next packet) and the plain datagram, the payload at
   * header.payloadOffset for header.payloadLength octets. Both are valid during the call only.
   * One handler: a second replaces the first. A throw is counted in listenerErrors.
   */
  onPayload(handler: PayloadHandler): Unsubscribe {
    this.#payloadHandler = handler;
    return () => {
      if (this.#payloadHandler === handler) this.#payloadHandler = undefined;
    };
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
   * The payload is octets [offset, offset + length) of `payload` (all of it by default). Throws
   * MediaPacketError('invalid field') for a payload type or step out of range, or a range outside
   * `payload`.
   */
  send(payload: Buffer, opts: RtpSendOptions, offset = 0, length = payload.length - offset): boolean {
    checkRange(payload, offset, length);
    checkSendOptions(opts); // before anything is reserved in a batch: a throw sends nothing
    if (this.#closing) return false;
    const to = this.#rtpLatch.destination();
    if (!to) {
      this.#sender.skip(opts.timestampStep);
      this.#counts.notSent++;
      return false;
    }
    const size = RTP_HEADER_SIZE + length;
    // Plain RTP through the batched sender: written straight into its arena, with no buffer of
    // the packet's own (a media thread sends 25,000 packets a second).
    const at = this.#out && this.#transform === PLAIN_RTP ? this.#out.reserve(this.#ports.rtp, to, size, this.#countSendError) : -1;
    if (at >= 0) {
      this.#sender.writeNext(this.#out!.arena, at, payload, offset, length, opts, this.#now());
    } else {
      // One buffer (from the pool, not zeroed: every octet is written), protected, then sent.
      const packet = Buffer.allocUnsafe(size);
      this.#sender.writeNext(packet, 0, payload, offset, length, opts, this.#now());
      let wire: Buffer;
      try {
        wire = this.#transform.protect(packet);
      } catch {
        this.#counts.sendErrors++;
        return false;
      }
      if (!this.#out?.send(this.#ports.rtp, wire, to, this.#countSendError)) this.#sendTo(this.#ports.rtp, wire, to);
    }
    this.#counts.packetsOut++;
    this.#counts.bytesOut += length;
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
  #sizeOk(length: number): boolean {
    if (this.#closing) return false;
    if (length <= this.#maxPacketSize) return true;
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

  // The polled RTP socket's datagrams (the batched native receiver): a range of its arena, read
  // synchronously; `from` possibly shared; the kernel's arrival time (datagram-in.ts).
  readonly #sink: DatagramSink = {
    datagram: (buf, offset, length, from, arrivalMs) => this.#datagram(buf, offset, length, from, this.#kernelTimes ? arrivalMs : this.#now()),
    oversized: () => {
      if (this.#closing) return;
      this.#counts.droppedOversized++; // longer than the receive slot: cut, so not read at all
      this.#counts.droppedInvalid++;
    },
    error: () => void this.#counts.socketErrors++,
  };

  #datagram(buf: Buffer, offset: number, length: number, from: TransportAddress, arrivalMs: number): void {
    try {
      this.#onRtpDatagram(buf, offset, length, from, arrivalMs);
    } catch {
      this.#counts.droppedInvalid++; // a bug in our own code: drop the datagram, keep the session
    }
  }

  /** The datagram in octets [offset, offset + length) of `buf`, read in place when it is plain RTP. */
  #onRtpDatagram(buf: Buffer, offset: number, length: number, from: TransportAddress, arrivalMs: number): void {
    if (!this.#sizeOk(length)) return;
    if (this.#rtcpMux && isRtcpAt(buf, offset, length)) return this.#onRtcpDatagram(buf.subarray(offset, offset + length), from, this.#rtpLatch, arrivalMs);
    if (!this.#rtpLatch.admits(from)) {
      this.#counts.droppedWrongSource++;
      return;
    }
    if (length < RTP_HEADER_SIZE || buf[offset]! >> 6 !== 2) { // isPlausibleRtp(), in place
      this.#counts.droppedInvalid++;
      return;
    }
    let plain = buf;
    if (this.#transform !== PLAIN_RTP) {
      const unprotected = this.#unprotect(buf.subarray(offset, offset + length), false);
      if (!unprotected) return;
      plain = unprotected;
      offset = 0;
      length = unprotected.length;
    }
    const h = this.#header;
    try {
      h.read(plain, offset, length);
    } catch {
      this.#counts.droppedInvalid++;
      return;
    }
    this.#rtpLatch.latch(from);
    const source = trackFields(this.#source, h.ssrc, h.sequenceNumber, h.timestamp, this.clockRate, arrivalMs);
    if (!source) {
      this.#counts.droppedSeqJump++;
      return;
    }
    this.#source = source;
    this.#counts.packetsIn++;
    this.#counts.bytesIn += h.payloadLength;
    const handler = this.#payloadHandler;
    if (handler) {
      try {
        handler(h, plain);
      } catch {
        this.#counts.listenerErrors++;
      }
    }
    // A packet object only for onPacket()'s listeners (tests, tools): read() passed the same octets.
    if (this.#packetListeners.size > 0) this.#packetListeners.emit(RtpPacket.deSerialize(plain.subarray(offset, offset + length)));
  }

  #onRtcpDatagram(msg: Buffer, from: TransportAddress, latch: SourceLatch, arrivalMs: number): void {
    if (!this.#sizeOk(msg.length)) return;
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
