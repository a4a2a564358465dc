// Hook through which SRTP (src/media/srtp/, RFC 3711) plugs into RtpSession without the RTP layer
// knowing any cryptography (the Kamailio tls_hooks idea in ../shared/STYLE.md).
//
// Contract, for whoever implements it:
// - protect(packet): `packet` is one complete serialized RTP packet (header, payload, padding),
//   built by the session in send order, so sequence numbers increase by one and wrap at 65536
//   (use them for the rollover counter, RFC 3711 §3.3.1). Return the bytes to put on the wire
//   (a new buffer: the session does not reuse `packet`). Throwing drops the packet and counts it
//   in stats.sendErrors.
// - unprotect(packet): `packet` is a received datagram that is at most maxPacketSize octets, came
//   from the latched source (or, before latching, from anyone) and has a plausible RTP fixed
//   header (peekRtp: 12+ octets, version 2). Return the plain RTP packet (auth tag and MKI
//   removed), or undefined when authentication or the replay check (§3.3.2) fails. The session
//   reads the result in place (RtpHeaderView; RtpPacket.deSerialize for onPacket listeners) and
//   hands its listeners views or ranges of it, so do not reuse the returned buffer. `packet` may
//   be a view into the batched receiver's arena (datagram-in.ts), overwritten after the call: read
//   it, never keep it. undefined or a throw drops the packet and counts stats.droppedAuth: never
//   fail open.
// - protectRtcp / unprotectRtcp: the same for whole compound RTCP packets (SR/RR + SDES [+ BYE]);
//   on a multiplexed port (rtcp-mux) the session decides RTP vs RTCP with isRtcp() first.
// - The session latches onto a source only after unprotect succeeded, so a party without the keys
//   cannot steal the media stream by sending first (RFC 4961 symmetric RTP + latching).

export interface RtpTransform {
  protect(packet: Buffer): Buffer;
  unprotect(packet: Buffer): Buffer | undefined;
  protectRtcp(packet: Buffer): Buffer;
  unprotectRtcp(packet: Buffer): Buffer | undefined;
}

/** Plain RTP: no transform. */
export const PLAIN_RTP: RtpTransform = {
  protect: (p) => p,
  unprotect: (p) => p,
  protectRtcp: (p) => p,
  unprotectRtcp: (p) => p,
};
