// What RtpSession puts in and takes out of RTCP (RFC 3550 §6.4): builds the compound report (SR
// when we sent media in this or the previous interval, RR otherwise, then SDES CNAME, then BYE on
// close) and reads the peer's SR/RR about our stream. Pure: clocks come in as arguments.
import { ntpFromUnixMs, ntpMiddle } from './ntp-time.js';
import type { LastSenderReport, ReceiveStats } from './receive-stats.js';
import { RtcpCompound, SDES_CNAME, type RtcpPacket, type RtcpReportBlock } from './rtcp-packet.js';
import type { RtpSender } from './rtp-sender.js';

/** The peer's view of our stream, from the report block about our SSRC in its SR/RR. */
export interface PeerReport {
  /** Fraction lost in the peer's last interval, 0..1. */
  fractionLost: number;
  cumulativeLost: number;
  jitterMs: number;
  highestSequence: number;
  /** Round-trip time from LSR/DLSR (§6.4.1), when the peer had an SR of ours. */
  rttMs: number | undefined;
}

/** Sender information from the peer's last SR. */
export interface PeerSenderInfo {
  ssrc: number;
  packetCount: number;
  octetCount: number;
  rtpTimestamp: number;
  ntpSeconds: number;
  ntpFraction: number;
}

export interface LastSrFrom extends LastSenderReport {
  ssrc: number;
}

export interface ReportInput {
  sender: RtpSender;
  /** SR when we sent RTP since the last report or the one before (§6.4). */
  weSent: boolean;
  source: ReceiveStats | undefined;
  lastSr: LastSrFrom | undefined;
  cname: string;
  nowMs: number;
  wallMs: number;
  bye?: { reason?: string };
}

export function buildReport(input: ReportInput): RtcpCompound {
  const { sender, source } = input;
  const reports: RtcpReportBlock[] = [];
  if (source) {
    const lastSr = input.lastSr?.ssrc === source.ssrc ? input.lastSr : undefined;
    reports.push(source.reportBlock(input.nowMs, lastSr));
  }
  const packets: RtcpPacket[] = [];
  if (input.weSent) {
    const ntp = ntpFromUnixMs(input.wallMs);
    packets.push({
      kind: 'sr',
      ssrc: sender.ssrc,
      ntpSeconds: ntp.seconds,
      ntpFraction: ntp.fraction,
      rtpTimestamp: sender.rtpTimestampAt(input.nowMs),
      packetCount: sender.packetCount,
      octetCount: sender.octetCount,
      reports,
    });
  } else {
    packets.push({ kind: 'rr', ssrc: sender.ssrc, reports });
  }
  packets.push({ kind: 'sdes', chunks: [{ source: sender.ssrc, items: [{ type: SDES_CNAME, text: input.cname }] }] });
  if (input.bye) packets.push({ kind: 'bye', sources: [sender.ssrc], ...(input.bye.reason !== undefined ? { reason: input.bye.reason } : {}) });
  return new RtcpCompound(packets);
}

export interface Absorbed {
  lastSr?: LastSrFrom;
  peerSender?: PeerSenderInfo;
  peer?: PeerReport;
  bye?: { reason: string | undefined };
}

/** Reads a received compound: the peer's SR (for our LSR/DLSR), its report on us, a BYE. */
export function absorbRtcp(compound: RtcpCompound, ctx: { localSsrc: number; clockRate: number; nowMs: number; wallMs: number }): Absorbed {
  const out: Absorbed = {};
  for (const p of compound.packets) {
    if (p.kind === 'sr') {
      out.lastSr = { ssrc: p.ssrc, middle: ntpMiddle({ seconds: p.ntpSeconds, fraction: p.ntpFraction }), arrivalMs: ctx.nowMs };
      out.peerSender = {
        ssrc: p.ssrc, packetCount: p.packetCount, octetCount: p.octetCount,
        rtpTimestamp: p.rtpTimestamp, ntpSeconds: p.ntpSeconds, ntpFraction: p.ntpFraction,
      };
    }
    if (p.kind === 'sr' || p.kind === 'rr') {
      const block = p.reports.find((r) => r.ssrc === ctx.localSsrc);
      if (block) out.peer = peerReport(block, ctx);
    }
    if (p.kind === 'bye') out.bye = { reason: p.reason };
  }
  return out;
}

function peerReport(block: RtcpReportBlock, ctx: { clockRate: number; wallMs: number }): PeerReport {
  let rttMs: number | undefined;
  if (block.lsr !== 0) {
    // §6.4.1: RTT = A - LSR - DLSR, all in 1/65536 s, modulo 2^32.
    const a = ntpMiddle(ntpFromUnixMs(ctx.wallMs));
    const rtt = (a - block.lsr - block.dlsr) >>> 0;
    if (rtt < 0x80000000) rttMs = (rtt * 1000) / 65536; // a "negative" RTT means clocks disagree
  }
  return {
    fractionLost: block.fractionLost / 256,
    cumulativeLost: block.cumulativeLost,
    jitterMs: (block.jitter * 1000) / ctx.clockRate,
    highestSequence: block.highestSequence,
    rttMs,
  };
}

/** RTCP state of one session: what we last heard from the peer, and whether we count as a sender. */
export class RtcpState {
  readonly #sender: RtpSender;
  readonly #cname: string;
  readonly #clockRate: number;
  #sentPreviousInterval = false;
  lastSr: LastSrFrom | undefined;
  peer: PeerReport | undefined;
  peerSender: PeerSenderInfo | undefined;
  byeReceived = false;

  constructor(sender: RtpSender, cname: string, clockRate: number) {
    this.#sender = sender;
    this.#cname = cname;
    this.#clockRate = clockRate;
  }

  /** The next report; each call ends a report interval (SR vs RR and fraction lost, §6.4). */
  build(source: ReceiveStats | undefined, nowMs: number, wallMs: number, bye?: { reason?: string }): RtcpCompound {
    const sender = this.#sender;
    const weSent = sender.sentSinceReport || this.#sentPreviousInterval;
    this.#sentPreviousInterval = sender.sentSinceReport;
    sender.sentSinceReport = false;
    return buildReport({ sender, weSent, source, lastSr: this.lastSr, cname: this.#cname, nowMs, wallMs, ...(bye ? { bye } : {}) });
  }

  absorb(compound: RtcpCompound, nowMs: number, wallMs: number): Absorbed {
    const got = absorbRtcp(compound, { localSsrc: this.#sender.ssrc, clockRate: this.#clockRate, nowMs, wallMs });
    if (got.lastSr) this.lastSr = got.lastSr;
    if (got.peerSender) this.peerSender = got.peerSender;
    if (got.peer) this.peer = got.peer;
    if (got.bye) this.byeReceived = true;
    return got;
  }
}
