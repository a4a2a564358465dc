// Symmetric RTP latching (RFC 4961; the brief's rule "latches once, only to the address in the
// SDP or the first valid packet"). Before latching, any source may send: a packet from the SDP
// address latches there, and when the SDP address is unspecified (0.0.0.0, ::) or the peer is
// behind a NAT, the first valid packet's source is taken. After latching, only that exact
// address and port is accepted, and we send there.

export interface TransportAddress {
  address: string;
  port: number;
}

export interface LatchedAddress extends TransportAddress {
  /** 'sdp' when the packet came from the SDP connection address, 'first-packet' otherwise (NAT). */
  via: 'sdp' | 'first-packet';
}

export function isUnspecifiedAddress(address: string): boolean {
  return address === '' || address === '0.0.0.0' || address === '::' || address === '::0';
}

export class SourceLatch {
  readonly sdp: TransportAddress;
  #latched: LatchedAddress | undefined;

  constructor(sdp: TransportAddress) {
    this.sdp = sdp;
  }

  get latched(): LatchedAddress | undefined {
    return this.#latched;
  }

  /** Whether a datagram from `from` may be processed (checked before any decryption). */
  admits(from: TransportAddress): boolean {
    const l = this.#latched;
    return l === undefined || (l.address === from.address && l.port === from.port);
  }

  /** Latch onto `from` once it sent a valid packet; later calls do nothing. */
  latch(from: TransportAddress): void {
    if (this.#latched) return;
    this.#latched = { address: from.address, port: from.port, via: from.address === this.sdp.address ? 'sdp' : 'first-packet' };
  }

  /** Where to send: the latched source, else the SDP address unless it is unspecified. */
  destination(): TransportAddress | undefined {
    if (this.#latched) return this.#latched;
    if (isUnspecifiedAddress(this.sdp.address) || this.sdp.port <= 0) return undefined;
    return this.sdp;
  }
}

/**
 * Where RTCP goes when it is not multiplexed: the latched RTCP source; with RTP latched but no RTCP
 * heard yet, the SDP's RTCP port if RTP came from the SDP address and port, else RTP port + 1 (a
 * NAT keeps pairs together more often than not); before any latching, the SDP's RTCP address.
 */
export function rtcpDestination(rtp: SourceLatch, rtcp: SourceLatch): TransportAddress | undefined {
  if (rtcp.latched) return rtcp.latched;
  const media = rtp.latched;
  if (!media) return rtcp.destination();
  const fromSdp = media.address === rtp.sdp.address && media.port === rtp.sdp.port;
  return { address: media.address, port: fromSdp ? rtcp.sdp.port : media.port + 1 };
}
