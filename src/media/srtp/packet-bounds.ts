// Bounds of the RTP header (RFC 3550 §5.1, §5.3.1) and of the SRTCP trailer (RFC 3711 §3.4),
// checked before any field is read: every read below is inside [0, end).

export const RTP_FIXED_HEADER = 12;
export const RTCP_HEADER = 8; // V/P/RC, PT, length, sender SSRC
export const SRTCP_INDEX_LENGTH = 4; // E flag + 31-bit SRTCP index
/** Nothing larger fits a UDP datagram (RFC 768); it also keeps AES-CM below 2^16 blocks. */
export const MAX_DATAGRAM = 65535;

/**
 * Length of the RTP header (fixed part, CSRC list, header extension) in packet[0, end), or
 * undefined when the packet is not RTP version 2 or the header does not fit. The payload
 * (encrypted portion, RFC 3711 §3.1) starts right after it.
 */
export function rtpHeaderLength(packet: Buffer, end: number): number | undefined {
  if (end < RTP_FIXED_HEADER || end > packet.length || end > MAX_DATAGRAM) return undefined;
  const b0 = packet[0] ?? 0;
  if (b0 >> 6 !== 2) return undefined;
  let length = RTP_FIXED_HEADER + 4 * (b0 & 0x0f);
  if (b0 & 0x10) {
    if (length + 4 > end) return undefined;
    length += 4 + 4 * packet.readUInt16BE(length + 2);
  }
  return length <= end ? length : undefined;
}

/** True when packet looks like an RTCP packet of version 2 long enough for its sender SSRC. */
export function isRtcpHeader(packet: Buffer, end: number): boolean {
  return end >= RTCP_HEADER && end <= packet.length && end <= MAX_DATAGRAM && (packet[0] ?? 0) >> 6 === 2;
}
