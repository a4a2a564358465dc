// Options and statistics of RtpSession (rtp-session.ts).
import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { PeerReport, PeerSenderInfo } from './rtcp-reporter.js';
import type { DatagramOut } from './datagram-out.js';
import type { RtpSocket } from './datagram-in.js';
import type { RtpSenderInit } from './rtp-sender.js';
import type { LatchedAddress } from './source-latch.js';
import { PLAIN_RTP, type RtpTransform } from './transform.js';

/** Structurally the MediaPorts of src/media/port-allocator.ts. RTCP is always a dgram socket. */
export interface RtpSocketPair {
  rtp: RtpSocket;
  rtcp: Socket;
  port: number;
  release(): void;
}

export interface RtpSessionOptions {
  ports: RtpSocketPair;
  /** Connection address and media port from the peer's SDP; rtcpPort from a=rtcp, else port + 1. */
  remote: { address: string; port: number; rtcpPort?: number };
  /** RTP clock rate of the payload format: 8000 for G.711 (RFC 3551). */
  clockRate?: number;
  /** SDES CNAME (§6.5.1); random per session by default. */
  cname?: string;
  /** Mean RTCP report interval; 0 turns periodic reports off. Default 5000 ms (§6.2). */
  rtcpIntervalMs?: number;
  /** RTCP on the RTP port (RFC 5761), when both offers carried a=rtcp-mux. */
  rtcpMux?: boolean;
  transform?: RtpTransform;
  /**
   * Larger datagrams are dropped unread. Default 1500. A polled socket's receiver cuts datagrams at
   * its slot (2048 octets, native/udp-batch-in.ts): longer ones are dropped as oversized whatever this is.
   */
  maxPacketSize?: number;
  /** Initial SSRC / sequence / timestamp; random by default (§5.1). */
  initial?: RtpSenderInit;
  /**
   * Monotonic milliseconds for arrival times (jitter, DLSR). Default performance.now, and then a
   * polled RTP socket's datagrams carry the kernel's receive time in that timebase instead.
   */
  now?: () => number;
  /** Wall-clock milliseconds since 1970 for NTP timestamps. Default Date.now. */
  wallClock?: () => number;
  /** Another way out for RTP packets (datagram-out.ts; the batched native sender); default dgram's send(). */
  out?: DatagramOut;
}

export interface RtpSessionStats {
  localSsrc: number;
  remoteSsrc: number | undefined;
  packetsIn: number;
  packetsOut: number;
  /** Payload octets received and sent (the SR octet count's unit, §6.4.1). */
  bytesIn: number;
  bytesOut: number;
  rtcpIn: number;
  rtcpOut: number;
  /** A.3 for the current remote source: expected, lost (negative with duplicates), extended highest sequence. */
  expected: number;
  lost: number;
  highestSequence: number;
  /** A.8 interarrival jitter of the current remote source, in milliseconds. */
  jitterMs: number;
  droppedWrongSource: number;
  droppedInvalid: number;
  droppedOversized: number;
  droppedAuth: number;
  droppedSeqJump: number;
  listenerErrors: number;
  sendErrors: number;
  socketErrors: number;
  /** Packets not sent because there was no destination yet (SDP address 0.0.0.0, not latched). */
  notSent: number;
  latched: LatchedAddress | undefined;
  /** The peer's report on our stream (from its SR/RR). */
  peer: PeerReport | undefined;
  peerSender: PeerSenderInfo | undefined;
  byeReceived: boolean;
}

export type SessionCounter = 'droppedWrongSource' | 'droppedInvalid' | 'droppedOversized' | 'droppedAuth' | 'droppedSeqJump'
  | 'listenerErrors' | 'sendErrors' | 'socketErrors' | 'notSent' | 'packetsIn' | 'packetsOut' | 'bytesIn' | 'bytesOut' | 'rtcpIn' | 'rtcpOut';

export function zeroCounters(): Record<SessionCounter, number> {
  return {
    droppedWrongSource: 0, droppedInvalid: 0, droppedOversized: 0, droppedAuth: 0, droppedSeqJump: 0,
    listenerErrors: 0, sendErrors: 0, socketErrors: 0, notSent: 0, packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0, rtcpIn: 0, rtcpOut: 0,
  };
}

/** The defaults, in one place (../shared/STYLE.md, "Config"). */
export function withDefaults(o: RtpSessionOptions): Required<Omit<RtpSessionOptions, 'initial' | 'out'>> & Pick<RtpSessionOptions, 'initial' | 'out'> {
  return {
    ports: o.ports,
    remote: o.remote,
    clockRate: o.clockRate ?? 8000,
    cname: o.cname ?? `openum-${randomBytes(6).toString('hex')}`,
    rtcpIntervalMs: o.rtcpIntervalMs ?? 5000,
    rtcpMux: o.rtcpMux ?? false,
    transform: o.transform ?? PLAIN_RTP,
    maxPacketSize: o.maxPacketSize ?? 1500,
    initial: o.initial,
    out: o.out,
    now: o.now ?? (() => performance.now()),
    wallClock: o.wallClock ?? Date.now,
  };
}
