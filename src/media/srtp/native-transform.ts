// The SRTP/SRTCP transform backed by libsrtp2 (native/srtp), with the interface, counters and
// typed errors of the JavaScript SrtpTransform (srtp-session.ts). Two libsrtp sessions: outbound
// (ssrc_any_outbound) keyed with our master key, inbound (ssrc_any_inbound) with the peer's.
// bench/srtp.mjs and bench/README.md give the figures that chose it; create-transform.ts chooses.
//
// What is ours and what is libsrtp's:
//  - Bounds (RFC 3550 §5.1, RFC 3711 §3.4) are checked here with packet-bounds.ts before the
//    packet crosses, so tooShort/malformed count exactly as in JavaScript, and SRTCP with E = 0
//    is dropped here (libsrtp would accept UNENCRYPTED_SRTCP after authenticating it).
//  - Index estimation (§3.3.1): libsrtp's srtp_index_guess() is the RFC's, as ours. Only while
//    the highest index is at most 2^15 does libsrtp's rdbx take ROC 0 where §3.3.1 as written
//    gives ROC −1 (an index below zero): JavaScript drops such a packet as too old, libsrtp tries
//    it with ROC 0 (authentication then fails unless the sender used ROC 0 too). On the send side
//    the addon refuses that case itself (BAD_INDEX), as JavaScript does.
//  - Replay list (§3.3.2): SRTP uses our window size (policy.window_size, 64 by default; libsrtp
//    takes 64..32767). SRTCP uses libsrtp's fixed 128-index srtp_rdb_t, JavaScript the same
//    size as SRTP. Both are "at least 64" as §3.3.2 asks; only the SRTCP width differs.
//  - A repeated SEQ is protected again (policy.allow_repeat_tx = 1, as JavaScript); a SEQ more
//    than a window behind the highest sent is refused (libsrtp replay_old → BAD_INDEX), which
//    JavaScript would send. Our RTP sender only counts upwards, so neither happens.
//  - SRTCP index (§3.4: "set to zero before the first SRTCP packet is sent"): JavaScript sends 0
//    first; libsrtp increments before sending, so its first index is 1. The index is carried in
//    the packet, so the two interoperate.
//  - Key lifetime (§9.2): libsrtp's key_limit gives key_expired → KEY_EXHAUSTED.
import { SrtpError } from './errors.js';
import { NATIVE_STATUS, type SrtpAddon, type SrtpAddonContext } from './native-binding.js';
import { isRtcpHeader, rtpHeaderLength, RTCP_HEADER, RTP_FIXED_HEADER, SRTCP_INDEX_LENGTH } from './packet-bounds.js';
import { DEFAULT_WINDOW, ReplayWindow } from './replay-window.js';
import type { PacketTransform, SrtpStats, SrtpTransformOptions } from './srtp-session.js';
import { MASTER_LENGTH, SUITES, type SrtpSuite } from './suites.js';

/** libsrtp's srtp_rdbx_init() refuses windows of 2^15 and more (ours go up to 32768). */
export const NATIVE_MAX_WINDOW = 0x7fff;

function sendError(status: number, what: string): SrtpError {
  if (status === NATIVE_STATUS.KEY_EXPIRED) return new SrtpError('KEY_EXHAUSTED', `${what}: master key used up (libsrtp key_expired)`);
  if (status === NATIVE_STATUS.BAD_INDEX) return new SrtpError('BAD_INDEX', `${what}: sequence number precedes the first packet sent`);
  if (status === NATIVE_STATUS.REPLAY_OLD) return new SrtpError('BAD_INDEX', `${what}: sequence number older than the replay window`);
  return new SrtpError('NATIVE_FAILURE', `${what}: libsrtp status ${status}`);
}

export class NativeSrtpTransform implements PacketTransform {
  readonly suite: SrtpSuite;
  readonly implementation = 'libsrtp2';
  private readonly tagLength: number;
  private readonly rtcpTagLength: number;
  private readonly outbound: SrtpAddonContext;
  private readonly inbound: SrtpAddonContext;
  private closed = false;
  private readonly counters: SrtpStats = {
    protected: 0, unprotected: 0, authFailures: 0, replays: 0, tooShort: 0, malformed: 0,
    rtcpProtected: 0, rtcpUnprotected: 0, rtcpAuthFailures: 0, rtcpReplays: 0, rtcpTooShort: 0, rtcpMalformed: 0,
  };

  constructor(addon: SrtpAddon, options: SrtpTransformOptions) {
    const params = SUITES[options.suite];
    if (!params) throw new SrtpError('UNSUPPORTED_SUITE', `unsupported SRTP crypto suite ${String(options.suite)}`);
    for (const key of [options.localKey, options.remoteKey]) {
      if (key.length !== MASTER_LENGTH) throw new SrtpError('BAD_KEY', `SRTP master key||salt must be ${MASTER_LENGTH} bytes, got ${key.length}`);
    }
    const window = options.replayWindow ?? DEFAULT_WINDOW;
    new ReplayWindow(window); // the same RangeError as the JavaScript transform
    if (window > NATIVE_MAX_WINDOW) throw new RangeError(`libsrtp2 takes a replay window up to ${NATIVE_MAX_WINDOW}, got ${window}`);
    this.suite = options.suite;
    this.tagLength = params.srtpTagLength;
    this.rtcpTagLength = params.srtcpTagLength;
    const bits = params.srtpTagLength === 4 ? 32 : 80;
    const maxSsrcs = options.maxSsrcs ?? 16;
    this.outbound = new addon.Context(bits, options.localKey, true, window, maxSsrcs);
    this.inbound = new addon.Context(bits, options.remoteKey, false, window, maxSsrcs);
  }

  stats(): SrtpStats {
    return { ...this.counters };
  }

  /** Frees both libsrtp sessions now (else at garbage collection); later packets are refused. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.outbound.close();
    this.inbound.close();
  }

  protect(packet: Buffer): Buffer {
    if (rtpHeaderLength(packet, packet.length) === undefined) throw new SrtpError('NOT_RTP', 'protect() needs an RTP version 2 packet');
    if (this.closed) throw new SrtpError('NATIVE_FAILURE', 'protect() after close()');
    const out = Buffer.allocUnsafe(packet.length + this.tagLength);
    const n = this.outbound.protect(packet, out);
    if (n < 0) throw sendError(n, 'protect()');
    this.counters.protected++;
    return n === out.length ? out : out.subarray(0, n);
  }

  protectRtcp(packet: Buffer): Buffer {
    if (!isRtcpHeader(packet, packet.length)) throw new SrtpError('NOT_RTP', 'protectRtcp() needs an RTCP version 2 packet');
    if (this.closed) throw new SrtpError('NATIVE_FAILURE', 'protectRtcp() after close()');
    const out = Buffer.allocUnsafe(packet.length + SRTCP_INDEX_LENGTH + this.rtcpTagLength);
    const n = this.outbound.protectRtcp(packet, out);
    if (n < 0) throw sendError(n, 'protectRtcp()');
    this.counters.rtcpProtected++;
    return n === out.length ? out : out.subarray(0, n);
  }

  /** SRTP → RTP, or undefined (tag, replay, bounds). Never throws. */
  unprotect(packet: Buffer): Buffer | undefined {
    const c = this.counters;
    if (packet.length < RTP_FIXED_HEADER + this.tagLength) {
      c.tooShort++;
      return undefined;
    }
    if (this.closed || rtpHeaderLength(packet, packet.length - this.tagLength) === undefined) {
      c.malformed++;
      return undefined;
    }
    const out = Buffer.allocUnsafe(packet.length - this.tagLength);
    let n: number;
    try {
      n = this.inbound.unprotect(packet, out);
    } catch {
      n = NATIVE_STATUS.BAD_PARAM; // a drop, never a pass
    }
    if (n >= 0) {
      c.unprotected++;
      return n === out.length ? out : out.subarray(0, n);
    }
    if (n === NATIVE_STATUS.AUTH_FAIL) c.authFailures++;
    else if (n === NATIVE_STATUS.REPLAY_FAIL || n === NATIVE_STATUS.REPLAY_OLD) c.replays++;
    else c.malformed++;
    return undefined;
  }

  /** SRTCP → RTCP, or undefined. Never throws. */
  unprotectRtcp(packet: Buffer): Buffer | undefined {
    const c = this.counters;
    if (packet.length < RTCP_HEADER + SRTCP_INDEX_LENGTH + this.rtcpTagLength) {
      c.rtcpTooShort++;
      return undefined;
    }
    const end = packet.length - this.rtcpTagLength - SRTCP_INDEX_LENGTH;
    // E = 0 (UNENCRYPTED_SRTCP, RFC 3711 §3.4) is never agreed: dropped before libsrtp sees it.
    if (this.closed || !isRtcpHeader(packet, end) || ((packet[end] ?? 0) & 0x80) === 0) {
      c.rtcpMalformed++;
      return undefined;
    }
    const out = Buffer.allocUnsafe(end);
    let n: number;
    try {
      n = this.inbound.unprotectRtcp(packet, out);
    } catch {
      n = NATIVE_STATUS.BAD_PARAM;
    }
    if (n >= 0) {
      c.rtcpUnprotected++;
      return n === out.length ? out : out.subarray(0, n);
    }
    if (n === NATIVE_STATUS.AUTH_FAIL) c.rtcpAuthFailures++;
    else if (n === NATIVE_STATUS.REPLAY_FAIL || n === NATIVE_STATUS.REPLAY_OLD) c.rtcpReplays++;
    else c.rtcpMalformed++;
    return undefined;
  }
}
